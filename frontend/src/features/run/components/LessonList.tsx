import { useId, useState } from "react";

import { Link } from "react-router-dom";

import type { RunState } from "../../course/api/runs";
import { useCourseOutline } from "../../lessons/api/lessons";
import { latestLessonGates, lessonState, lessonStateLabel, LESSON_STYLES } from "../steps";
import type { LessonStream } from "../stream";

/** Every planned lesson by module, with its state and, while it is written, its text. */
export function LessonList({
  courseId,
  outline,
  lessons,
  gates,
  streams,
}: {
  courseId: string;
  outline: RunState["outline"];
  lessons: RunState["lessons"];
  gates: RunState["gates"];
  streams: Record<string, LessonStream>;
}) {
  const lessonIds = useLessonIds(courseId);
  const latestGates = latestLessonGates(gates);
  if (outline === null) {
    return <p className="text-slate-600">The lessons appear here once the outline is written.</p>;
  }
  return (
    <section aria-labelledby="lessons-heading" className="space-y-4">
      <h2 id="lessons-heading" className="text-lg font-semibold">
        Lessons
      </h2>
      {outline.modules.map((module) => (
        <div key={module.key} className="space-y-2">
          <h3 className="font-medium text-slate-800">{module.title}</h3>
          <ul className="space-y-2">
            {module.lessons.map((lesson) => {
              const stream = streams[lesson.key];
              const writing = stream !== undefined && !stream.done;
              const gate = latestGates.get(lesson.key);
              const state = lessonState(lessons[lesson.key], writing, gate);
              // The gate's round says it was written again after feedback, reload or not.
              const round = Math.max(gate?.round ?? 1, stream?.round ?? 1);
              return (
                <li key={lesson.key} className="rounded-md bg-white p-3 shadow-sm">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    {lessonIds.has(lesson.key) ? (
                      <Link
                        to={`/courses/${encodeURIComponent(courseId)}/lessons/${encodeURIComponent(lessonIds.get(lesson.key)!)}`}
                        className="text-indigo-700 underline"
                      >
                        {lesson.title}
                      </Link>
                    ) : (
                      <span>{lesson.title}</span>
                    )}
                    <span className={`rounded-full px-2 py-0.5 text-sm font-medium ${LESSON_STYLES[state]}`}>
                      {lessonStateLabel(state)}
                      {round > 1 && ` · round ${round}`}
                    </span>
                  </div>
                  {stream !== undefined && stream.text !== "" && (
                    <StreamedText title={lesson.title} lessonKey={lesson.key} stream={stream} writing={writing} />
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}

/** The lesson's text: open while it is written, then folded unless the reader opened it. */
function StreamedText({
  title,
  lessonKey,
  stream,
  writing,
}: {
  title: string;
  lessonKey: string;
  stream: LessonStream;
  writing: boolean;
}) {
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open = chosen ?? writing;
  const panel = useId();
  return (
    <div className="mt-2">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panel}
        onClick={() => setChosen(!open)}
        className="text-sm text-indigo-700 underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
      >
        {writing ? "Text so far" : "Text as written"}
        {stream.round > 1 && ` (round ${stream.round})`}
      </button>
      {/* Kept in the page when folded (hidden), so the text is never lost mid-stream. */}
      <div
        id={panel}
        hidden={!open}
        aria-busy={writing}
        data-lesson-stream={lessonKey}
        className="mt-2 max-h-72 overflow-y-auto whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-sm text-slate-800"
        tabIndex={open ? 0 : -1}
        aria-label={`Text of ${title}`}
      >
        {stream.text}
      </div>
    </div>
  );
}

/** The saved lessons by the run's keys, so a written lesson opens in the editor. */
function useLessonIds(courseId: string): Map<string, string> {
  const outline = useCourseOutline(courseId);
  const ids = new Map<string, string>();
  for (const module of outline.data ?? []) {
    for (const lesson of module.lessons) {
      if (lesson.workflow_key != null && lesson.deleted_at === null) ids.set(lesson.workflow_key, lesson.id);
    }
  }
  return ids;
}
