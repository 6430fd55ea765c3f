import type { ReactNode } from "react";

import { SortableList } from "../../../components/SortableList";
import {
  moveLesson,
  moveModule,
  OBJECTIVES_MAX,
  TITLE_MAX,
  updateLesson,
  updateModule,
  type LessonPlan,
  type Outline,
} from "../draft";

const input =
  "w-full rounded-md border border-slate-300 px-2 py-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:bg-slate-50";
const smallButton =
  "rounded border border-slate-300 bg-white px-2 py-0.5 text-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

/** Modules and lessons: titles and objectives edited in place, both reordered. */
export function OutlineEditor({
  outline,
  onChange,
  readOnly,
}: {
  outline: Outline;
  onChange: (outline: Outline) => void;
  readOnly: boolean;
}) {
  return (
    <SortableList
      items={outline.modules}
      itemKey={(m) => m.key}
      itemLabel={(m) => `module ${m.title}`}
      onMove={(from, to) => onChange(moveModule(outline, from, to))}
      disabled={readOnly}
      className="space-y-4"
    >
      {(module, index, handle) => (
        <fieldset className="space-y-3 rounded-lg bg-white p-4 shadow">
          <legend className="sr-only">Module {index + 1}</legend>
          <div className="flex items-end gap-2">
            {handle}
            <label className="flex-1 text-sm font-medium text-slate-700">
              Module {index + 1} title
              <input
                className={`${input} mt-1 text-base font-semibold`}
                value={module.title}
                maxLength={TITLE_MAX}
                disabled={readOnly}
                onChange={(e) => onChange(updateModule(outline, module.key, (m) => ({ ...m, title: e.target.value })))}
              />
            </label>
          </div>
          <SortableList
            items={module.lessons}
            itemKey={(l) => l.key}
            itemLabel={(l) => `lesson ${l.title}`}
            onMove={(from, to) => onChange(moveLesson(outline, module.key, from, to))}
            disabled={readOnly}
            className="space-y-3 pl-4"
          >
            {(lesson, l, lessonHandle) => (
              <LessonFields
                lesson={lesson}
                number={`${index + 1}.${l + 1}`}
                handle={lessonHandle}
                readOnly={readOnly}
                onChange={(change) => onChange(updateLesson(outline, lesson.key, change))}
              />
            )}
          </SortableList>
        </fieldset>
      )}
    </SortableList>
  );
}

function LessonFields({
  lesson,
  number,
  handle,
  readOnly,
  onChange,
}: {
  lesson: LessonPlan;
  number: string;
  handle: ReactNode;
  readOnly: boolean;
  onChange: (change: (l: LessonPlan) => LessonPlan) => void;
}) {
  const setObjective = (i: number, value: string) =>
    onChange((l) => ({ ...l, objectives: l.objectives.map((o, n) => (n === i ? value : o)) }));
  return (
    <div className="space-y-2 rounded-md border border-slate-200 p-3">
      <div className="flex items-end gap-2">
        {handle}
        <label className="flex-1 text-sm font-medium text-slate-700">
          Lesson {number} title
          <input
            className={`${input} mt-1`}
            value={lesson.title}
            maxLength={TITLE_MAX}
            disabled={readOnly}
            onChange={(e) => onChange((l) => ({ ...l, title: e.target.value }))}
          />
        </label>
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">Objectives of lesson {number}</legend>
        {lesson.objectives.map((objective, i) => (
          <div key={i} className="flex items-center gap-2">
            <input
              className={`${input} text-sm`}
              aria-label={`Lesson ${number}, objective ${i + 1}`}
              value={objective}
              disabled={readOnly}
              onChange={(e) => setObjective(i, e.target.value)}
            />
            {!readOnly && lesson.objectives.length > 1 && (
              <button
                type="button"
                className={smallButton}
                aria-label={`Remove objective ${i + 1} of lesson ${number}`}
                onClick={() => onChange((l) => ({ ...l, objectives: l.objectives.filter((_, n) => n !== i) }))}
              >
                Remove
              </button>
            )}
          </div>
        ))}
        {!readOnly && lesson.objectives.length < OBJECTIVES_MAX && (
          <button
            type="button"
            className={smallButton}
            onClick={() => onChange((l) => ({ ...l, objectives: [...l.objectives, ""] }))}
          >
            Add an objective to lesson {number}
          </button>
        )}
      </fieldset>
    </div>
  );
}
