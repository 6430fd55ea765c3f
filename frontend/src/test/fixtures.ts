// API records for tests, each with plain defaults that a test overrides as it needs.
import type { components } from "../api/schema";

type CourseRead = components["schemas"]["CourseRead"];
type GateRead = components["schemas"]["GateRead"];
type RunRead = components["schemas"]["RunRead"];
type RunState = components["schemas"]["RunState"];

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

export function runRead(changes: Partial<RunRead> = {}): RunRead {
  return {
    id: uuid(500),
    course_id: uuid("c0de"),
    status: "running",
    phase: "outline",
    offline: false,
    cost_usd: "0.012300",
    parent_run_id: null,
    forked_from_checkpoint: null,
    started_by: uuid(1),
    started_at: "2024-04-02T08:00:00Z",
    finished_at: null,
    error: null,
    ...changes,
  };
}

export function runState(run: RunRead, changes: Partial<RunState> = {}): RunState {
  return { run, gates: [], outline: null, outline_feedback: [], lessons: {}, alignment: null, usage: [], ...changes };
}

type EndpointRead = components["schemas"]["EndpointRead"];
type DeliveryRead = components["schemas"]["DeliveryRead"];
type DeliveryDetail = components["schemas"]["DeliveryDetail"];
type AttemptRead = components["schemas"]["AttemptRead"];

export function endpointRead(changes: Partial<EndpointRead> = {}): EndpointRead {
  return {
    id: uuid(700),
    course_id: null,
    url: "https://hooks.example.org/courzly",
    description: "LMS sync",
    events: ["run.started", "export.ready"],
    enabled: true,
    disabled_reason: null,
    failing_since: null,
    rotating_until: null,
    version: 2,
    created_at: "2026-11-01T09:00:00Z",
    updated_at: "2026-11-01T09:00:00Z",
    ...changes,
  };
}

export function attemptRead(changes: Partial<AttemptRead> = {}): AttemptRead {
  return {
    attempted_at: "2026-11-30T12:00:05Z",
    status_code: 200,
    latency_ms: 42,
    response_excerpt: "ok",
    error: null,
    succeeded: true,
    ...changes,
  };
}

export function deliveryRead(changes: Partial<DeliveryRead> = {}): DeliveryRead {
  return {
    id: uuid(800),
    message_id: "msg_0123456789abcdef",
    event: "run.started",
    status: "succeeded",
    attempts: 1,
    next_attempt_at: null,
    redelivery_of: null,
    created_at: "2026-11-30T12:00:00Z",
    finished_at: "2026-11-30T12:00:05Z",
    last_attempt: attemptRead(),
    ...changes,
  };
}

export function deliveryDetail(delivery: DeliveryRead, changes: Partial<DeliveryDetail> = {}): DeliveryDetail {
  return {
    ...delivery,
    payload: { type: delivery.event, timestamp: delivery.created_at, data: {} },
    attempt_log: delivery.last_attempt ? [delivery.last_attempt] : [],
    ...changes,
  };
}

type DriveStatus = components["schemas"]["DriveStatus"];
type DriveSyncRead = components["schemas"]["DriveSyncRead"];
type FolderRead = components["schemas"]["FolderRead"];

/** Connected, with "Courzly exports" as the export folder. */
export function driveStatus(changes: Partial<DriveStatus> = {}): DriveStatus {
  return {
    configured: true,
    connected: true,
    needs_reconnect: false,
    account_email: "ada@gmail.example",
    connected_at: "2026-11-20T09:00:00Z",
    folder_id: "fold-exports",
    folder_name: "Courzly exports",
    ...changes,
  };
}

export function folderRead(id: string, name: string, changes: Partial<FolderRead> = {}): FolderRead {
  return { id, name, web_view_link: `https://drive.google.com/drive/folders/${id}`, ...changes };
}

export function driveSyncRead(changes: Partial<DriveSyncRead> = {}): DriveSyncRead {
  return {
    id: uuid(900),
    course_id: uuid("c0de"),
    format: "pdf",
    folder_id: "fold-exports",
    folder_name: "Courzly exports",
    export_id: uuid(901),
    keep_synced: false,
    status: "synced",
    file_id: "file-1",
    file_name: "rust-for-analysts.pdf",
    web_link: "https://drive.google.com/file/d/file-1/view",
    error: null,
    synced_at: "2026-11-30T12:00:00Z",
    updated_at: "2026-11-30T12:00:00Z",
    ...changes,
  };
}
