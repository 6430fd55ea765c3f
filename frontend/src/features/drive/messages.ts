import { errorMessage, isApiError } from "../../api/errors";

/**
 * Refusals that the settings page resolves: no connection, a connection Google no longer
 * accepts, or no folder chosen. Where they show, a link to /settings/integrations goes with them.
 */
export function isSettingsProblem(error: unknown): boolean {
  return (
    isApiError(error, 409, "drive_not_connected") ||
    isApiError(error, 409, "drive_reconnect_needed") ||
    isApiError(error, 422, "drive_folder_required")
  );
}

/** The connection changed at Google's end or elsewhere: the status shown is out of date. */
export function isConnectionProblem(error: unknown): boolean {
  return isApiError(error, 409, "drive_not_connected") || isApiError(error, 409, "drive_reconnect_needed");
}

/** "{action}: {the server's detail}". The Drive errors' details say what to do in plain words. */
export function describeDriveError(error: unknown, action: string): string {
  return `${action}: ${errorMessage(error)}`;
}
