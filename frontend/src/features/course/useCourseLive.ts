import { useQueryClient } from "@tanstack/react-query";

import { useToast } from "../../components/Toasts";
import { useCourseEvents } from "../../live/context";
import { useCurrentUser } from "../auth/api/auth";
import type { CourseEvent } from "../../live/frames";
import { courseQueries, noticeFor, staleQueries } from "./liveSync";

/**
 * Keeps every view of the course current without reloads: each live event makes the
 * queries it affects stale (open views fetch them again) and notable ones show a toast.
 * After a reconnect everything of the course is fetched again: events may have been missed
 * before the socket resumed. `onEvent` gets every event, for views that show them directly.
 */
export function useCourseLive(courseId: string, onEvent?: (event: CourseEvent) => void): void {
  const queryClient = useQueryClient();
  const notify = useToast();
  const userId = useCurrentUser()?.id;
  useCourseEvents(
    courseId,
    (event) => {
      for (const queryKey of staleQueries(courseId, event.type)) void queryClient.invalidateQueries({ queryKey });
      const notice = noticeFor(event, userId);
      if (notice !== null) notify(notice.text, notice.tone);
      onEvent?.(event);
    },
    () => {
      for (const queryKey of courseQueries(courseId)) void queryClient.invalidateQueries({ queryKey });
    },
  );
}
