import { ApiError, unwrap } from "../api/errors";

/**
 * Checks the answer to a request that returns no body (a DELETE's 204): `unwrap` would take
 * the missing data for an error. A refusal is thrown as its ApiError, like `unwrap` does.
 */
export function expectNoContent(result: { error?: unknown; response: Response }): void {
  if (!result.response.ok) unwrap(result);
  else if (result.response.status !== 204 && result.response.status !== 200) {
    throw new ApiError(result.response.status, "http_error", `Unexpected answer (HTTP ${result.response.status}).`);
  }
}
