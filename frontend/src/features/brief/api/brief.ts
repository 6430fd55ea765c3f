import type { ApiClient } from "../../../api/client";
import { ApiError, toApiError } from "../../../api/errors";
import type { components } from "../../../api/schema";

export type Brief = components["schemas"]["Brief"];
export type Level = components["schemas"]["Level"];
export type CostEstimate = components["schemas"]["CostEstimate"];
export type PhaseEstimate = components["schemas"]["PhaseEstimate"];
export type CourseRead = components["schemas"]["CourseRead"];
export type RunRead = components["schemas"]["RunRead"];
export type SourceText = components["schemas"]["SourceText"];

/** One entry of a 422's `fields` (app/core/handlers.py): where, what, which rule. */
export interface FieldIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * ApiError plus what src/api/errors.ts leaves out of the body: a 422's per-field `fields`
 * and a 413's `limit_bytes`. Local to this feature so the shared error module stays as is.
 */
export class BriefApiError extends ApiError {
  readonly fields: FieldIssue[];
  readonly limitBytes: number | null;

  constructor(base: ApiError, fields: FieldIssue[], limitBytes: number | null) {
    super(base.status, base.code, base.message, base.requestId);
    this.fields = fields;
    this.limitBytes = limitBytes;
  }
}

function isFieldIssue(value: unknown): value is FieldIssue {
  if (typeof value !== "object" || value === null) return false;
  const issue = value as Record<string, unknown>;
  return Array.isArray(issue.loc) && typeof issue.msg === "string";
}

export function toBriefApiError(status: number, body: unknown): BriefApiError {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const fields = Array.isArray(record.fields) ? record.fields.filter(isFieldIssue) : [];
  const limit = typeof record.limit_bytes === "number" ? record.limit_bytes : null;
  return new BriefApiError(toApiError(status, body), fields, limit);
}

function unwrapWithFields<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) {
    throw new ApiError(result.response.status, "empty_response", "The server sent no data.");
  }
  throw toBriefApiError(result.response.status, result.error);
}

/**
 * The course is created with its title and language only: the brief stored on the course
 * (CourseBrief) is a different, looser schema, and starting the run writes the real brief
 * onto the course anyway.
 */
export async function createCourse(
  client: ApiClient,
  course: { title: string; language: string },
): Promise<CourseRead> {
  return unwrapWithFields(
    await client.POST("/api/v1/courses", {
      body: {
        title: course.title,
        language: course.language,
        // The server's own defaults, spelled out because the generated type requires them.
        brief: {
          audience: "",
          level: "beginner",
          duration_minutes: 60,
          tone: "",
          learning_objectives: [],
          source_material: "",
        },
      },
    }),
  );
}

/** Keeps the course's title and language in step with a brief edited after the estimate. */
export async function renameCourse(
  client: ApiClient,
  courseId: string,
  changes: { title: string; language: string; version: number },
): Promise<CourseRead> {
  return unwrapWithFields(
    await client.PATCH("/api/v1/courses/{course_id}", {
      params: { path: { course_id: courseId } },
      body: changes,
    }),
  );
}

export async function estimateRun(client: ApiClient, courseId: string, brief: Brief): Promise<CostEstimate> {
  return unwrapWithFields(
    await client.POST("/api/v1/courses/{course_id}/runs/estimate", {
      params: { path: { course_id: courseId } },
      body: { brief },
    }),
  );
}

export async function startRun(client: ApiClient, courseId: string, brief: Brief): Promise<RunRead> {
  return unwrapWithFields(
    await client.POST("/api/v1/courses/{course_id}/runs", {
      params: { path: { course_id: courseId } },
      body: { brief },
    }),
  );
}

type UploadBody = components["schemas"]["Body_upload_source_api_v1_courses__course_id__sources_post"];

/** Text from a .md, .txt or .pdf file, for the brief's source material (the server keeps nothing). */
export async function uploadSource(client: ApiClient, courseId: string, file: File): Promise<SourceText> {
  const form = new FormData();
  form.append("file", file, file.name);
  return unwrapWithFields(
    await client.POST("/api/v1/courses/{course_id}/sources", {
      params: { path: { course_id: courseId } },
      // The generated type says `string` for the binary part; openapi-fetch sends FormData as is.
      body: form as unknown as UploadBody,
    }),
  );
}
