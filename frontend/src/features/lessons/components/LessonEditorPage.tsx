import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { Link, useParams } from "react-router-dom";

import { ApiError, errorMessage } from "../../../api/errors";
import { LiveIndicator } from "../../../live/LiveIndicator";
import { PresenceBar } from "../../../live/PresenceBar";
import { useMyCourseRole } from "../../admin/api/members";
import { useCurrentUser } from "../../auth/api/auth";
import { canChat, canEditLessons } from "../../auth/permissions";
import { ChatPanel } from "../../chat/components/ChatPanel";
import { useConversation } from "../../chat/useConversation";
import { useCourseLive } from "../../course/useCourseLive";
import { useCourse } from "../../courses/api/courses";
import { lessonKeys, useLesson, type Lesson } from "../api/lessons";
import { useAutosave, type SaveStatus } from "../useAutosave";
import { useSavedElsewhere } from "../useSavedElsewhere";
import { useImageResolver } from "../useImageResolver";
import { ConflictView } from "./ConflictView";
import { ObjectivesField } from "./ObjectivesField";
import { HistorySection } from "./HistorySection";
import { RichTextEditor } from "./RichTextEditor";

/** Route: /courses/:courseId/lessons/:lessonId */
export default function LessonEditorPage() {
  const { courseId, lessonId } = useParams();
  if (!courseId || !lessonId) return <p role="alert">No lesson was given.</p>;
  return <LessonScreen key={`${courseId}/${lessonId}`} courseId={courseId} lessonId={lessonId} />;
}

function LessonScreen({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const course = useCourse(courseId);
  const lesson = useLesson(courseId, lessonId);
  const user = useCurrentUser();
  const courseRole = useMyCourseRole(courseId, user?.id);
  const mayEdit = canEditLessons(user?.role, courseRole);
  return (
    <section aria-labelledby="lesson-heading" className="space-y-4">
      <Link to={`/courses/${encodeURIComponent(courseId)}`} className="text-sm text-indigo-700 underline">
        Back to {course.data?.title ?? "the course"}
      </Link>
      {lesson.isPending ? (
        <p role="status" className="text-slate-600">
          Loading the lesson…
        </p>
      ) : lesson.isError ? (
        <p role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
          {lesson.error instanceof ApiError && lesson.error.status === 404
            ? "This lesson does not exist or you cannot see it."
            : `Could not load the lesson: ${errorMessage(lesson.error)}`}
        </p>
      ) : (
        <Editing courseId={courseId} initial={lesson.data} mayEdit={mayEdit} mayChat={canChat(user?.role, courseRole)} />
      )}
    </section>
  );
}

const STATUS_TEXT: Record<SaveStatus, string> = {
  saved: "All changes saved",
  unsaved: "Unsaved changes…",
  saving: "Saving…",
  conflict: "Not saved: someone else saved first",
  failed: "Not saved",
};

function Editing({
  courseId,
  initial,
  mayEdit,
  mayChat,
}: {
  courseId: string;
  initial: Lesson;
  mayEdit: boolean;
  mayChat: boolean;
}) {
  const queryClient = useQueryClient();
  const onSaved = useCallback(
    (saved: Lesson) => {
      queryClient.setQueryData(lessonKeys.lesson(courseId, saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: lessonKeys.revisions(courseId, saved.id) });
      void queryClient.invalidateQueries({ queryKey: lessonKeys.outline(courseId) });
    },
    [courseId, queryClient],
  );
  const save = useAutosave(courseId, initial, onSaved);
  const savedElsewhere = useSavedElsewhere(courseId, initial.id, save.adopt);
  const conversation = useConversation(courseId, initial.id);
  useCourseLive(courseId, (event) => {
    savedElsewhere(event);
    conversation.onEvent(event);
  });
  const resolveImage = useImageResolver(courseId);
  const editable = mayEdit && save.status !== "conflict";
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h1 id="lesson-heading" className="text-2xl font-semibold">
            {save.draft.title.trim() || "Untitled lesson"}
          </h1>
          <div className="flex items-center gap-3">
            {mayEdit ? (
              <p role="status" className="text-sm text-slate-700">
                {STATUS_TEXT[save.status]}
                {save.status === "saved" && ` (version ${save.base.version})`}
              </p>
            ) : (
              <p className="text-sm text-slate-700">Read only: your role on this course cannot edit lessons.</p>
            )}
            <LiveIndicator />
          </div>
        </div>
        <PresenceBar courseId={courseId} activity={{ state: mayEdit ? "editing" : "viewing", lessonId: initial.id }} />
        {save.status === "failed" && (
          <div role="alert" className="rounded-md bg-red-50 p-3 text-red-800">
            Could not save: {save.error}{" "}
            <button type="button" className="underline" onClick={() => void save.saveNow()}>
              Try again
            </button>
          </div>
        )}
        {save.status === "conflict" && (
          <ConflictView theirs={save.conflict} mine={save.draft} onKeepMine={save.keepMine} onTakeTheirs={save.takeTheirs} />
        )}
        <label className="block text-sm font-medium text-slate-700">
          Title
          <input
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-base disabled:bg-slate-50"
            value={save.draft.title}
            maxLength={200}
            disabled={!editable}
            onChange={(e) => save.edit({ title: e.target.value })}
          />
        </label>
        <ObjectivesField objectives={save.draft.objectives} disabled={!editable} onChange={(objectives) => save.edit({ objectives })} />
        <RichTextEditor
          courseId={courseId}
          markdown={save.draft.content}
          replaced={save.replaced}
          editable={editable}
          resolveImage={resolveImage}
          onChange={(content) => save.edit({ content })}
          label="Lesson text"
        />
        <HistorySection courseId={courseId} lessonId={initial.id} current={save.draft} canRestore={editable} onRestore={save.restore} />
      </div>
      <ChatPanel
        courseId={courseId}
        lesson={save.base}
        messages={conversation.messages}
        writing={conversation.writing}
        historyError={conversation.history.error}
        mayChat={mayChat}
        mayEdit={mayEdit}
        onAccepted={(accepted) => save.adopt(accepted)}
      />
    </div>
  );
}
