import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";

export type ChatMessage = components["schemas"]["ChatMessageRead"];
export type Suggestion = components["schemas"]["SuggestionRead"];
export type SuggestionAccepted = components["schemas"]["SuggestionAccepted"];

export const HISTORY_SIZE = 50;

export const chatKeys = {
  messages: (courseId: string, lessonId: string) => ["courses", courseId, "chat", lessonId] as const,
  suggestions: (courseId: string, lessonId: string) => ["courses", courseId, "suggestions", lessonId] as const,
};

const course = (courseId: string) => ({ course_id: courseId });

/** The lesson's conversation, oldest first (the API pages newest first). */
export async function fetchMessages(client: ApiClient, courseId: string, lessonId: string, signal?: AbortSignal) {
  const page = unwrap(
    await client.GET("/api/v1/courses/{course_id}/chat/messages", {
      params: { path: course(courseId), query: { lesson_id: lessonId, page_size: HISTORY_SIZE } },
      signal,
    }),
  );
  return [...page.items].reverse();
}

export async function fetchProposed(client: ApiClient, courseId: string, lessonId: string, signal?: AbortSignal) {
  const page = unwrap(
    await client.GET("/api/v1/courses/{course_id}/suggestions", {
      params: { path: course(courseId), query: { lesson_id: lessonId, status: "proposed" } },
      signal,
    }),
  );
  return page.items;
}

export function useMessages(courseId: string, lessonId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: chatKeys.messages(courseId, lessonId),
    queryFn: ({ signal }) => fetchMessages(client, courseId, lessonId, signal),
  });
}

export function useProposed(courseId: string, lessonId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: chatKeys.suggestions(courseId, lessonId),
    queryFn: ({ signal }) => fetchProposed(client, courseId, lessonId, signal),
  });
}

/** Accept or reject a proposed edit; the list of proposals is fetched again either way. */
export function useDecideSuggestion(courseId: string, lessonId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, accept }: { id: string; accept: boolean }): Promise<SuggestionAccepted | null> => {
      const params = { params: { path: { course_id: courseId, suggestion_id: id } } };
      if (accept) return unwrap(await client.POST("/api/v1/courses/{course_id}/suggestions/{suggestion_id}/accept", params));
      unwrap(await client.POST("/api/v1/courses/{course_id}/suggestions/{suggestion_id}/reject", params));
      return null;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: chatKeys.suggestions(courseId, lessonId) }),
  });
}
