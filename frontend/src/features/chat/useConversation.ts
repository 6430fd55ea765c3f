import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useReducer } from "react";

import type { CourseEvent } from "../../live/frames";
import { chatKeys, useMessages } from "./api/chat";
import { applyChatEvent, EMPTY_CONVERSATION, visible } from "./conversation";

/**
 * A lesson's conversation: its history, then what live events add (messages, replies as
 * they stream). Feed `onEvent` every event of the course; suggestions refresh themselves.
 */
export function useConversation(courseId: string, lessonId: string) {
  const history = useMessages(courseId, lessonId);
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(
    (current: typeof EMPTY_CONVERSATION, event: CourseEvent) => applyChatEvent(current, event, lessonId),
    EMPTY_CONVERSATION,
  );
  const onEvent = useCallback(
    (event: CourseEvent) => {
      dispatch(event);
      if (event.type.startsWith("suggestion.") && event.payload.lesson_id === lessonId) {
        void queryClient.invalidateQueries({ queryKey: chatKeys.suggestions(courseId, lessonId) });
      }
    },
    [courseId, lessonId, queryClient],
  );
  return { history, ...visible(history.data ?? [], state), onEvent };
}
