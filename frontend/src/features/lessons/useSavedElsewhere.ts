import { useApi } from "../../api/context";
import { useToast } from "../../components/Toasts";
import type { CourseEvent } from "../../live/frames";
import { useCurrentUser } from "../auth/api/auth";
import { fetchLesson, type Lesson } from "./api/lessons";

/** Someone else saved this lesson: show their version at once when nothing here is unsaved. */
export function useSavedElsewhere(courseId: string, lessonId: string, adopt: (lesson: Lesson) => "adopted" | "kept" | "old") {
  const { client } = useApi();
  const user = useCurrentUser();
  const notify = useToast();
  return (event: CourseEvent) => {
    const p = event.payload;
    if (event.type !== "lesson.saved" || p.lesson_id !== lessonId || p.by === user?.id) return;
    void fetchLesson(client, courseId, lessonId)
      .then((fresh) => {
        const outcome = adopt(fresh);
        if (outcome === "adopted") notify(`Someone else saved this lesson; you now see version ${fresh.version}.`);
        if (outcome === "kept") notify("Someone else saved this lesson; saving yours will ask which to keep.", "warning");
      })
      .catch(() => undefined); // the next save still detects the conflict
  };
}
