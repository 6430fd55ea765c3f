import type { ApiClient } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { components } from "../../../api/schema";

export type Brief = components["schemas"]["Brief"];
export type Level = components["schemas"]["Level"];
export type CostEstimate = components["schemas"]["CostEstimate"];
export type PhaseEstimate = components["schemas"]["PhaseEstimate"];
export type CourseRead = components["schemas"]["CourseRead"];
export type RunRead = components["schemas"]["RunRead"];
export type SourceText = components["schemas"]["SourceText"];

/**
 * The course is created with its title and language only: the brief stored on the course
 * (CourseBrief) is a different, looser schema, and starting the run writes the real brief
 * onto the course anyway.
 */
export async function createCourse(
  client: ApiClient,
  course: { title: string; language: string },
): Promise<CourseRead> {
  return unwrap(
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
  return unwrap(
    await client.PATCH("/api/v1/courses/{course_id}", {
      params: { path: { course_id: courseId } },
      body: changes,
    }),
  );
}

export async function estimateRun(client: ApiClient, courseId: string, brief: Brief): Promise<CostEstimate> {
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/runs/estimate", {
      params: { path: { course_id: courseId } },
      body: { brief },
    }),
  );
}

export async function startRun(client: ApiClient, courseId: string, brief: Brief): Promise<RunRead> {
  return unwrap(
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
  return unwrap(
    await client.POST("/api/v1/courses/{course_id}/sources", {
      params: { path: { course_id: courseId } },
      // The generated type says `string` for the binary part; openapi-fetch sends FormData as is.
      body: form as unknown as UploadBody,
    }),
  );
}
