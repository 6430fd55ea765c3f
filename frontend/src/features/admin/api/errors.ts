import { ApiError, toApiError } from "../../../api/errors";

/** A 422 from the API with its per-field messages (app/core/handlers.py adds `fields`). */
export class FieldErrorsError extends ApiError {
  /** Field name (the last part of `loc`, for body fields) -> the server's message. */
  readonly fields: Readonly<Record<string, string>>;

  constructor(base: ApiError, fields: Record<string, string>) {
    super(base.status, base.code, base.message, base.requestId);
    this.name = "FieldErrorsError";
    this.fields = fields;
  }
}

interface RawFieldError {
  loc: unknown[];
  msg: string;
}

function isRawFieldError(value: unknown): value is RawFieldError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.loc) && typeof v.msg === "string";
}

/** `{"fields": [{"loc": ["body", "email"], "msg": ...}]}` -> `{email: msg}` (first message wins). */
export function fieldErrorsFromBody(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body !== "object" || body === null) return out;
  const fields = (body as Record<string, unknown>).fields;
  if (!Array.isArray(fields)) return out;
  for (const field of fields) {
    if (!isRawFieldError(field) || field.loc[0] !== "body") continue;
    const name = field.loc[1];
    if (typeof name === "string" && !(name in out)) out[name] = field.msg.replace(/^Value error, /, "");
  }
  return out;
}

/** Like `unwrap`, but a 422 keeps its field errors. */
export function unwrapFields<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) {
    throw new ApiError(result.response.status, "empty_response", "The server sent no data.");
  }
  const base = toApiError(result.response.status, result.error);
  if (result.response.status === 422) throw new FieldErrorsError(base, fieldErrorsFromBody(result.error));
  throw base;
}

export function isApiError(error: unknown, status: number, code?: string): error is ApiError {
  return error instanceof ApiError && error.status === status && (code === undefined || error.code === code);
}
