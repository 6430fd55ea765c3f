import { useEffect, useRef, useState } from "react";

import { useLiveConnection } from "./context";
import type { Person } from "./frames";

export const PRESENCE_REFRESH_MS = 25_000; // the server forgets an entry after 60 s

/** What this tab does on the course; `lessonId` when it is a lesson's page. */
export interface Activity {
  state: "viewing" | "editing";
  lessonId?: string;
}

/**
 * Announces what this tab does on the course (when the page opens, when the activity
 * changes, after every reconnect, and every 25 s) and returns who is there now.
 */
export function usePresence(courseId: string, activity: Activity): Person[] {
  const live = useLiveConnection();
  const [people, setPeople] = useState<Person[]>([]);
  const lessonId = activity.lessonId;
  const announce = useRef(() => {});
  announce.current = () => {
    live.send({
      type: "presence",
      course_id: courseId,
      state: activity.state,
      ...(lessonId !== undefined ? { lesson_id: lessonId } : {}),
    });
  };

  useEffect(
    () =>
      live.follow(
        courseId,
        () => undefined,
        () => announce.current(), // (re)subscribed: the server has forgotten this socket
        (frame) => {
          if (frame.type === "presence") setPeople(frame.people);
        },
      ),
    [live, courseId],
  );
  useEffect(() => {
    announce.current(); // the course may have been followed already: no resync comes then
    const timer = setInterval(() => announce.current(), PRESENCE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, courseId, activity.state, lessonId]);
  return people;
}
