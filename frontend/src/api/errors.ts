/**
 * The API renders every error as one body (app/core/handlers.py):
 * {"error": code, "detail": message, "request_id": ...}. The OpenAPI document does not
 * describe it, so this is the one hand-written shape on the client side.
 */
interface ApiErrorBody {
  error: string;
  detail: string;
  request_id?: string | null;
  retry_after?: number;
}

/** One entry of a 422's `fields` (app/core/handlers.py): where, what, which rule. */
export interface FieldIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  /** A 422's per-field issues; empty when the body has none. */
  readonly fields: FieldIssue[];

  constructor(
    status: number,
    code: string,
    detail: string,
    requestId: string | null = null,
    fields: FieldIssue[] = [],
  ) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.fields = fields;
  }
}

export function isApiError(error: unknown, status: number, code?: string): error is ApiError {
  return error instanceof ApiError && error.status === status && (code === undefined || error.code === code);
}

function isFieldIssue(value: unknown): value is FieldIssue {
  if (typeof value !== "object" || value === null) return false;
  const issue = value as Record<string, unknown>;
  return Array.isArray(issue.loc) && typeof issue.msg === "string";
}

function fieldsOf(body: unknown): FieldIssue[] {
  if (typeof body !== "object" || body === null) return [];
  const fields = (body as Record<string, unknown>).fields;
  return Array.isArray(fields) ? fields.filter(isFieldIssue) : [];
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.error === "string" && typeof body.detail === "string";
}

export function toApiError(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) {
    return new ApiError(status, body.error, body.detail, body.request_id ?? null, fieldsOf(body));
  }
  if (status === 0 || status >= 500) {
    return new ApiError(status, "unavailable", "The server is not reachable; try again shortly.", null, fieldsOf(body));
  }
  return new ApiError(status, "http_error", `The request failed (HTTP ${status}).`, null, fieldsOf(body));
}

/** Unwraps an openapi-fetch result: the data, or a thrown ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) {
    throw new ApiError(result.response.status, "empty_response", "The server sent no data.");
  }
  throw toApiError(result.response.status, result.error);
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "The server is not reachable; check your connection.";
  return "Something went wrong.";
}
