// API records for tests, each with plain defaults that a test overrides as it needs.
import type { components } from "../api/schema";

type CourseRead = components["schemas"]["CourseRead"];
type GateRead = components["schemas"]["GateRead"];

/** A UUID whose last group is `n`, so tests can tell records apart at a glance. */
export function uuid(n: number | string): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

export function courseRead(changes: Partial<CourseRead> = {}): CourseRead {
  return {
    id: uuid("c0de"),
    title: "Rust for Analysts",
    slug: "rust-for-analysts",
    language: "en",
    status: "draft",
    owner_id: uuid(1),
    version: 3,
    created_at: "2024-03-01T09:00:00Z",
    updated_at: "2024-03-02T10:30:00Z",
    deleted_at: null,
    brief: {},
    ...changes,
  };
}

export function gateRead(changes: Partial<GateRead> = {}): GateRead {
  return {
    id: uuid(1001),
    run_id: uuid(500),
    course_id: uuid(100),
    kind: "lesson",
    lesson_key: null,
    title: "Lesson",
    round: 1,
    status: "pending",
    decision: null,
    feedback: null,
    decided_by: null,
    decided_at: null,
    created_at: "2024-04-02T08:05:00Z",
    ...changes,
  };
}
