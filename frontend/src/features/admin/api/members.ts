import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ApiClient } from "../../../api/client";
import { useApi } from "../../../api/context";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";
import { expectNoContent } from "../../../lib/noContent";
import type { Role } from "../../auth/permissions";
import { courseQueryOptions } from "../../courses/api/courses";

export type Member = components["schemas"]["MemberRead"];

export const memberKeys = {
  members: (courseId: string) => ["admin", "members", courseId] as const,
};

// Fetchers

export async function fetchMembers(client: ApiClient, courseId: string, signal?: AbortSignal): Promise<Member[]> {
  return unwrap(
    await client.GET("/api/v1/courses/{course_id}/members", { params: { path: { course_id: courseId } }, signal }),
  );
}

/** Adds the user, or changes their course role when they are already a member (PUT). */
export async function setMember(client: ApiClient, courseId: string, userId: string, role: Role): Promise<Member> {
  return unwrap(
    await client.PUT("/api/v1/courses/{course_id}/members/{user_id}", {
      params: { path: { course_id: courseId, user_id: userId } },
      body: { role },
    }),
  );
}

export async function removeMember(client: ApiClient, courseId: string, userId: string): Promise<void> {
  const result = await client.DELETE("/api/v1/courses/{course_id}/members/{user_id}", {
    params: { path: { course_id: courseId, user_id: userId } },
  });
  expectNoContent(result);
}

// Query options

export function membersQueryOptions(client: ApiClient, courseId: string) {
  return queryOptions({
    queryKey: memberKeys.members(courseId),
    queryFn: ({ signal }) => fetchMembers(client, courseId, signal),
  });
}

// Hooks

export function useMembers(courseId: string) {
  const { client } = useApi();
  return useQuery(membersQueryOptions(client, courseId));
}

export function useCourseTitle(courseId: string) {
  const { client } = useApi();
  return useQuery({ ...courseQueryOptions(client, courseId), select: (c) => c.title, staleTime: 10 * 60_000 });
}

function useRefreshMembers(courseId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: memberKeys.members(courseId) });
}

export interface SetMemberInput {
  userId: string;
  role: Role;
}

export function useSetMember(courseId: string) {
  const { client } = useApi();
  const refresh = useRefreshMembers(courseId);
  return useMutation({
    mutationFn: ({ userId, role }: SetMemberInput) => setMember(client, courseId, userId, role),
    onSettled: refresh,
  });
}

export function useRemoveMember(courseId: string) {
  const { client } = useApi();
  const refresh = useRefreshMembers(courseId);
  return useMutation({
    mutationFn: (userId: string) => removeMember(client, courseId, userId),
    onSettled: refresh,
  });
}

/** The caller's role on the course: a role, null for no membership, undefined while loading. */
export function useMyCourseRole(courseId: string, userId: string | undefined): Member["role"] | null | undefined {
  const members = useMembers(courseId);
  if (members.data === undefined || userId === undefined) return undefined;
  return members.data.find((m) => m.user_id === userId)?.role ?? null;
}
