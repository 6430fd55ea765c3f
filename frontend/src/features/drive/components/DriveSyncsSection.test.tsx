import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { apiError, json, signedInApi } from "../../../test/fakeApi";
import { courseRead, driveStatus, driveSyncRead, uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { ExportRead } from "../../exports/api/exports";
import type { DriveStatus } from "../api/connection";
import { DRIVE_SYNCS_POLL_MS, type DriveSync } from "../api/syncs";

const COURSE_ID = uuid("c0de");
const PAGE = `/courses/${COURSE_ID}/exports`;
const COURSE = `/api/v1/courses/${COURSE_ID}`;
const EXPORTS = `${COURSE}/exports`;
const SYNCS = `${COURSE}/drive-syncs`;
const DRIVE = "/api/v1/integrations/drive";

function anExport(id: number, changes: Partial<ExportRead> = {}): ExportRead {
  return {
    id: uuid(id),
    course_id: COURSE_ID,
    format: "pdf",
    status: "succeeded",
    is_draft: false,
    size_bytes: 2048,
    error: null,
    created_at: `2026-11-30T10:0${id % 10}:00Z`,
    finished_at: null,
    ...changes,
  };
}

const readyPdf = anExport(901);
const failedDocx = anExport(902, { format: "docx", status: "failed", size_bytes: null, error: "Renderer failed." });

type Answer = (request: Request) => Response | Promise<Response>;

interface Options {
  status?: DriveStatus;
  /** The syncs answered on the n-th GET (0-based). */
  syncs?: (n: number) => DriveSync[];
  sync?: Answer;
  stop?: Answer;
}

function backend(options: Options = {}) {
  let listed = 0;
  return signedInApi("editor", async (request, url) => {
    const path = url.pathname;
    if (path === COURSE) return json(courseRead({ id: COURSE_ID, status: "approved" }));
    if (path === `${EXPORTS}/formats`) return json(["pdf", "docx"]);
    if (path === `${COURSE}/members`) return json([]);
    if (path === EXPORTS) return json([readyPdf, failedDocx]);
    if (path === DRIVE) return json(options.status ?? driveStatus());
    if (path === SYNCS) return json((options.syncs ?? (() => []))(listed++));
    if (path === `${EXPORTS}/${readyPdf.id}/drive` && request.method === "POST") {
      if (options.sync !== undefined) return options.sync(request);
      const body = (await request.json()) as { keep_synced: boolean };
      return json(driveSyncRead({ status: "queued", keep_synced: body.keep_synced, file_id: null, web_link: null }), 202);
    }
    const stop = /\/drive-syncs\/([^/]+)$/.exec(path);
    if (stop !== null && request.method === "DELETE") return options.stop?.(request) ?? new Response(null, { status: 204 });
    return apiError(404, "not_found", "Not found.");
  });
}

const driveSection = () => screen.findByRole("region", { name: "Google Drive" });
const exportsTable = () => screen.findByRole("table", { name: /Earlier exports/ });

async function openSyncForm() {
  const table = await exportsTable();
  await userEvent.click(await within(table).findByRole("button", { name: /^Sync to Drive \(PDF/ }));
  return screen.findByRole("form", { name: /^Sync the PDF export/ });
}

afterEach(() => vi.useRealTimers());

describe("exports page: Sync to Drive", () => {
  it("offers it for ready exports only, in the default folder, and sends keep_synced with that folder", async () => {
    const api = backend({ syncs: (n) => (n === 0 ? [] : [driveSyncRead({ status: "queued", keep_synced: true, web_link: null })]) });
    renderApp(api.session, PAGE);

    const table = await exportsTable();
    await waitFor(() => expect(within(table).getAllByRole("columnheader").at(-1)).toHaveTextContent("Google Drive"));
    expect(within(table).getAllByRole("button", { name: /^Sync to Drive/ })).toHaveLength(1);

    const form = await openSyncForm();
    expect(within(form).getByRole("heading")).toHaveFocus();
    expect(form).toHaveTextContent("Folder: Courzly exports");
    const keep = within(form).getByRole("checkbox", { name: "Keep this file up to date with later exports of this format" });
    expect(keep).not.toBeChecked();
    await userEvent.click(keep);
    await userEvent.click(within(form).getByRole("button", { name: "Send to Drive" }));

    expect(await screen.findByText(/The PDF export is on its way to “Courzly exports”/)).toHaveAttribute("role", "status");
    const [post] = api.requestsTo(`${EXPORTS}/${readyPdf.id}/drive`);
    expect(await post!.json()).toEqual({ folder_id: "fold-exports", keep_synced: true });
    expect(screen.queryByRole("form", { name: /^Sync the PDF export/ })).not.toBeInTheDocument();
    const syncs = await screen.findByRole("table", { name: "Your Google Drive files of this course" });
    expect(within(syncs).getByRole("rowheader")).toHaveTextContent("PDFKept up to date");
    expect(within(syncs).getByText("Queued")).toBeInTheDocument();
  });

  it("explains a missing connection with a link to the settings", async () => {
    const api = backend({
      sync: () => apiError(409, "drive_not_connected", "Connect Google Drive first (Settings → Integrations)."),
    });
    renderApp(api.session, PAGE);

    const form = await openSyncForm();
    await userEvent.click(within(form).getByRole("button", { name: "Send to Drive" }));

    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("Could not sync to Google Drive: Connect Google Drive first (Settings → Integrations).");
    expect(within(alert).getByRole("link", { name: "Open Integrations settings" })).toHaveAttribute(
      "href",
      "/settings/integrations",
    );
  });

  it("links to the settings, and offers no Send, when no folder is chosen yet", async () => {
    const api = backend({
      status: driveStatus({ folder_id: null, folder_name: null }),
    });
    renderApp(api.session, PAGE);

    const form = await openSyncForm();
    expect(within(form).getByRole("link", { name: "Choose one in Integrations settings" })).toHaveAttribute(
      "href",
      "/settings/integrations",
    );
    expect(within(form).getByRole("button", { name: "Send to Drive" })).toBeDisabled();
  });

  it("shows a 422 drive_folder_required with the settings link", async () => {
    const api = backend({
      sync: () => apiError(422, "drive_folder_required", "Choose a Google Drive folder for exports first, or name one."),
    });
    renderApp(api.session, PAGE);

    const form = await openSyncForm();
    await userEvent.click(within(form).getByRole("button", { name: "Send to Drive" }));

    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("Choose a Google Drive folder for exports first");
    expect(within(alert).getByRole("link", { name: "Open Integrations settings" })).toBeInTheDocument();
  });

  it("offers a link to connect instead when Drive is not connected", async () => {
    const api = backend({ status: { configured: true, connected: false, needs_reconnect: false } });
    renderApp(api.session, PAGE);

    const section = await driveSection();
    expect(within(section).getByRole("link", { name: "Connect Google Drive" })).toHaveAttribute("href", "/settings/integrations");
    const table = await exportsTable();
    expect(within(table).queryByRole("button", { name: /Sync to Drive/ })).not.toBeInTheDocument();
    expect(within(table).getAllByRole("columnheader")).toHaveLength(5);
  });

  it("says Google no longer accepts the access, with a link to connect again", async () => {
    const api = backend({ status: driveStatus({ connected: false, needs_reconnect: true }) });
    renderApp(api.session, PAGE);

    const note = await within(await driveSection()).findByRole("note");
    expect(note).toHaveTextContent("Google no longer accepts Courzly's access");
    expect(within(note).getByRole("link", { name: "Connect Google Drive again" })).toHaveAttribute("href", "/settings/integrations");
  });
});

describe("exports page: the Drive files", () => {
  it("lists each file with its folder, a link, the failure reason and the keep-synced mark", async () => {
    const api = backend({
      syncs: () => [
        driveSyncRead({ keep_synced: true }),
        driveSyncRead({
          id: uuid(910),
          format: "docx",
          folder_name: "Archive 2025",
          status: "failed",
          error: "Google refused the upload: the file is too large.",
          web_link: null,
          file_name: null,
          synced_at: null,
        }),
      ],
    });
    renderApp(api.session, PAGE);

    const table = await screen.findByRole("table", { name: "Your Google Drive files of this course" });
    const [pdf, docx] = within(table).getAllByRole("row").slice(1);
    expect(pdf).toHaveTextContent("Kept up to date");
    expect(pdf).toHaveTextContent("Courzly exports");
    expect(pdf).toHaveTextContent("In Drive");
    expect(within(pdf!).getByRole("link", { name: /rust-for-analysts\.pdf/ })).toHaveAttribute(
      "href",
      "https://drive.google.com/file/d/file-1/view",
    );
    expect(docx).toHaveTextContent("Archive 2025");
    expect(docx).toHaveTextContent("Failed");
    expect(docx).toHaveTextContent("Google refused the upload: the file is too large.");
    expect(docx).not.toHaveTextContent("Kept up to date");
    expect(within(docx!).queryByRole("link")).not.toBeInTheDocument();
  });

  it("polls while a file is queued or uploading and stops once it is in Drive", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const states: DriveSync["status"][] = ["queued", "running", "synced"];
    const api = backend({
      syncs: (n) => {
        const status = states[Math.min(n, states.length - 1)]!;
        return [driveSyncRead({ status, web_link: status === "synced" ? "https://drive.google.com/file/d/file-1/view" : null })];
      },
    });
    renderApp(api.session, PAGE);
    const lists = () => api.requestsTo(SYNCS).length;

    expect(await screen.findByText("1 file is on the way to Drive; this list updates by itself.")).toBeInTheDocument();
    expect(screen.getByText("Queued")).toBeInTheDocument();
    expect(lists()).toBe(1);

    await act(() => vi.advanceTimersByTimeAsync(DRIVE_SYNCS_POLL_MS));
    await waitFor(() => expect(lists()).toBe(2));
    expect(await screen.findByText("Uploading")).toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(DRIVE_SYNCS_POLL_MS));
    await waitFor(() => expect(lists()).toBe(3));
    expect(await screen.findByRole("link", { name: /rust-for-analysts\.pdf/ })).toBeInTheDocument();
    expect(screen.queryByText(/on the way to Drive/)).not.toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(DRIVE_SYNCS_POLL_MS * 10));
    expect(lists()).toBe(3);
  });

  it("stops syncing a file and says it stays in Drive", async () => {
    const sync = driveSyncRead({ keep_synced: true });
    const api = backend({ syncs: () => [sync] });
    renderApp(api.session, PAGE);

    const button = await screen.findByRole("button", { name: "Stop syncing PDF to Courzly exports" });
    expect(button).toHaveAccessibleDescription(expect.stringContaining("Stopping a sync leaves the file in your Drive"));
    await userEvent.click(button);

    expect(await screen.findByText("Stopped syncing PDF in “Courzly exports”. The file stays in your Google Drive.")).toHaveAttribute(
      "role",
      "status",
    );
    const [deleted] = api.requests.filter((r) => r.method === "DELETE");
    expect(new URL(deleted!.url).pathname).toBe(`${SYNCS}/${sync.id}`);
    expect(screen.queryByRole("table", { name: "Your Google Drive files of this course" })).not.toBeInTheDocument();
  });

  it("shows nothing of Drive when the server has no Google client and nothing was synced", async () => {
    const api = backend({ status: { configured: false, connected: false, needs_reconnect: false } });
    renderApp(api.session, PAGE);

    await exportsTable();
    await waitFor(() => expect(api.requestsTo(SYNCS)).toHaveLength(1));
    expect(screen.queryByRole("region", { name: "Google Drive" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Sync to Drive/ })).not.toBeInTheDocument();
  });
});
