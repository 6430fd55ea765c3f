import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { apiError, json, signedInApi, type FakeApi, type Role } from "../../../test/fakeApi";
import { courseRead } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import { authKeys } from "../../auth/api/auth";
import { EXPORTS_POLL_MS, type CourseRead, type ExportRead } from "../api/exports";
import { assignLocation } from "../navigation";

// The page sends the browser to a download link through this module; the tests watch instead.
vi.mock("../navigation", () => ({ assignLocation: vi.fn() }));
const navigateTo = vi.mocked(assignLocation);

const COURSE_ID = "00000000-0000-4000-8000-00000000c0de";
const PAGE = `/courses/${COURSE_ID}/exports`;
const COURSE = `/api/v1/courses/${COURSE_ID}`;
const EXPORTS = `${COURSE}/exports`;
const FORMATS = `${EXPORTS}/formats`;
const DRIVE = "/api/v1/integrations/drive";
const DRIVE_SYNCS = `${COURSE}/drive-syncs`;
// This server has no Google client: the page offers nothing of Drive (features/drive tests that).
const NO_DRIVE = { configured: false, connected: false, needs_reconnect: false };
const ALL_FORMATS = ["cmi5", "docx", "epub", "html", "imscc", "json", "markdown", "pdf", "scorm12", "scorm2004"];

const course = (status: CourseRead["status"] = "approved") => courseRead({ id: COURSE_ID, status });

let serial = 0;
function anExport(overrides: Partial<ExportRead> = {}): ExportRead {
  serial += 1;
  return {
    id: `00000000-0000-4000-9000-${String(serial).padStart(12, "0")}`,
    course_id: COURSE_ID,
    format: "html",
    status: "succeeded",
    is_draft: false,
    size_bytes: 2048,
    error: null,
    created_at: `2024-04-01T10:${String(serial % 60).padStart(2, "0")}:00Z`,
    finished_at: null,
    ...overrides,
  };
}

interface Backend {
  role?: Role;
  course?: CourseRead;
  formats?: string[];
  /** The list answered on the n-th GET of the exports (0-based). */
  list?: (n: number) => ExportRead[];
  post?: (format: string) => Response | Promise<Response>;
  download?: (exportId: string) => Response;
  /** The course's members (the signed-in user is uuid …0001). */
  members?: { user_id: string; role: Role }[];
}

function backend(options: Backend = {}) {
  let listed = 0;
  return signedInApi(options.role === undefined ? "editor" : options.role, async (request, url) => {
    const path = url.pathname;
    if (path === COURSE) return json(options.course ?? course());
    if (path === FORMATS) return json(options.formats ?? ALL_FORMATS);
    if (path === DRIVE) return json(NO_DRIVE);
    if (path === DRIVE_SYNCS) return json([]);
    if (path === `${COURSE}/members`) {
      const members = (options.members ?? []).map((m) => ({ ...m, display_name: "M", email: "m@example.com", added_at: "2024-01-01T00:00:00Z" }));
      return json(members);
    }
    if (path === EXPORTS && request.method === "GET") return json((options.list ?? (() => []))(listed++));
    if (path === EXPORTS && request.method === "POST") {
      const { format } = (await request.json()) as { format: string };
      return options.post !== undefined
        ? options.post(format)
        : json(anExport({ format, status: "queued", size_bytes: null, created_at: new Date().toISOString() }), 202);
    }
    const download = /^\/api\/v1\/courses\/[^/]+\/exports\/([^/]+)\/download$/.exec(path);
    if (download !== null && options.download !== undefined) return options.download(download[1]!);
    return apiError(404, "not_found", "Not found.");
  });
}

const render = (api: FakeApi) => renderApp(api.session, PAGE);

async function postedFormats(api: FakeApi): Promise<unknown[]> {
  const posts = api.requestsTo(EXPORTS).filter((r) => r.method === "POST");
  return Promise.all(posts.map((r) => r.clone().json()));
}

afterEach(() => {
  vi.useRealTimers();
  navigateTo.mockClear();
});

describe("exports page: choosing formats", () => {
  it("lists the server's formats as labelled, described checkboxes", async () => {
    const api = backend({ formats: [...ALL_FORMATS, "xliff"] });
    render(api);

    const group = await screen.findByRole("group", { name: "Formats" });
    const boxes = within(group).getAllByRole("checkbox");
    expect(boxes).toHaveLength(11);
    // Catalogue order for known formats, then what the server added, by its raw name.
    expect(boxes[0]).toHaveAccessibleName("Course JSON (re-importable)");
    expect(boxes[10]).toHaveAccessibleName("xliff");
    for (const name of ["Markdown", "HTML", "PDF", "SCORM 1.2", "SCORM 2004 4th Edition", "cmi5", "IMS Common Cartridge 1.3"]) {
      expect(within(group).getByRole("checkbox", { name })).not.toBeChecked();
    }
    expect(within(group).getByRole("checkbox", { name: "Course JSON (re-importable)" })).toHaveAccessibleDescription(
      /imported again/,
    );
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Export: Rust for Analysts");
  });

  it("keeps Export disabled while nothing is chosen", async () => {
    const api = backend();
    render(api);
    const button = await screen.findByRole("button", { name: "Export" });
    expect(button).toBeDisabled();

    const pdf = screen.getByRole("checkbox", { name: "PDF" });
    const events = userEvent.setup();
    await events.click(pdf);
    expect(button).toBeEnabled();
    await events.click(pdf);
    expect(button).toBeDisabled();
    expect(api.requestsTo(EXPORTS).filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("posts once per chosen format, is disabled while sending, and lists the new exports", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const api = backend({
      post: async (format) => {
        await gate;
        return json(anExport({ format, status: "queued", size_bytes: null }), 202);
      },
      // Later lists (after the POSTs) hold the two queued exports; they finish on the next poll.
      list: (n) => (n === 0 ? [] : [anExport({ format: "scorm2004" }), anExport({ format: "pdf" })]),
    });
    render(api);
    const events = userEvent.setup();
    await events.click(await screen.findByRole("checkbox", { name: "SCORM 2004 4th Edition" }));
    await events.click(screen.getByRole("checkbox", { name: "PDF" }));
    await events.click(screen.getByRole("button", { name: "Export" }));

    expect(await screen.findByRole("button", { name: "Exporting…" })).toBeDisabled();
    await act(async () => release());

    expect(await screen.findByText("2 exports queued.", { exact: false })).toBeInTheDocument();
    expect(await postedFormats(api)).toEqual([{ format: "pdf" }, { format: "scorm2004" }]);
    const table = await screen.findByRole("table", { name: /Earlier exports/ });
    expect(within(table).getByRole("rowheader", { name: /^PDF/ })).toBeInTheDocument();
    expect(within(table).getByRole("rowheader", { name: /^SCORM 2004/ })).toBeInTheDocument();
    // Sent formats are unticked, so the button is disabled again.
    expect(screen.getByRole("checkbox", { name: "PDF" })).not.toBeChecked();
    expect(screen.getByRole("button", { name: "Export" })).toBeDisabled();
  });

  it("shows the server's 422 and keeps the refused format ticked", async () => {
    const api = backend({
      post: (format) =>
        format === "epub"
          ? apiError(422, "unknown_format", "No format 'epub'; choose one of ['html', 'json'].")
          : json(anExport({ format, status: "queued" }), 202),
    });
    render(api);
    const events = userEvent.setup();
    await events.click(await screen.findByRole("checkbox", { name: "EPUB 3" }));
    await events.click(screen.getByRole("checkbox", { name: "HTML" }));
    await events.click(screen.getByRole("button", { name: "Export" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("EPUB 3: No format 'epub'; choose one of ['html', 'json'].");
    expect(screen.getByRole("checkbox", { name: "EPUB 3" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "HTML" })).not.toBeChecked();
    expect(screen.getByText("1 export queued.", { exact: false })).toBeInTheDocument();
  });
});

describe("exports page: the list", () => {
  it("shows earlier exports newest first with status, size, draft mark and failure reason", async () => {
    const api = backend({
      list: () => [
        anExport({ format: "json", size_bytes: 1536, created_at: "2024-04-01T08:00:00Z" }),
        anExport({
          format: "pdf",
          status: "failed",
          size_bytes: null,
          error: "Lesson 'intro' is over the 2 MB limit.",
          created_at: "2024-04-03T08:00:00Z",
        }),
        anExport({ format: "scorm12", size_bytes: 3_250_000, is_draft: true, created_at: "2024-04-02T08:00:00Z" }),
      ],
    });
    render(api);

    const table = await screen.findByRole("table", { name: /Earlier exports/ });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual([
      "Format",
      "Requested",
      "Status",
      "Size",
      "Download",
    ]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getByRole("rowheader").textContent)).toEqual([
      "PDF",
      "SCORM 1.2Draft",
      "Course JSON (re-importable)",
    ]);
    expect(rows[0]).toHaveTextContent("Failed");
    expect(rows[0]).toHaveTextContent("Lesson 'intro' is over the 2 MB limit.");
    expect(within(rows[0]!).queryByRole("button")).not.toBeInTheDocument();
    expect(rows[1]).toHaveTextContent("3.1 MB");
    expect(rows[1]).toHaveTextContent("Ready");
    expect(rows[2]).toHaveTextContent("1.5 KB");
  });

  it("polls while an export is queued or running and stops once all have settled", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const id = { a: "00000000-0000-4000-9000-0000000000aa", b: "00000000-0000-4000-9000-0000000000bb" };
    const states: ExportRead["status"][][] = [
      ["queued", "running"],
      ["running", "running"],
      ["succeeded", "failed"],
    ];
    const api = backend({
      list: (n) => {
        const [a, b] = states[Math.min(n, states.length - 1)]!;
        return [
          anExport({ id: id.a, format: "pdf", status: a, created_at: "2024-04-02T08:00:00Z" }),
          anExport({
            id: id.b,
            format: "docx",
            status: b,
            error: b === "failed" ? "The renderer failed." : null,
            created_at: "2024-04-01T08:00:00Z",
          }),
        ];
      },
    });
    render(api);
    const lists = () => api.requestsTo(EXPORTS).filter((r) => r.method === "GET").length;

    expect(await screen.findByText("2 exports are in progress; this list updates by itself.")).toBeInTheDocument();
    expect(screen.getByText("Queued")).toBeInTheDocument();
    expect(lists()).toBe(1);

    await act(() => vi.advanceTimersByTimeAsync(EXPORTS_POLL_MS));
    await waitFor(() => expect(lists()).toBe(2));
    expect(screen.queryByText("Queued")).not.toBeInTheDocument();
    expect(screen.getAllByText("Running")).toHaveLength(2);

    await act(() => vi.advanceTimersByTimeAsync(EXPORTS_POLL_MS));
    await waitFor(() => expect(lists()).toBe(3));
    expect(await screen.findByText("Ready")).toBeInTheDocument();
    expect(screen.getByText("The renderer failed.")).toBeInTheDocument();
    expect(screen.queryByText(/in progress/)).not.toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(EXPORTS_POLL_MS * 10));
    expect(lists()).toBe(3);
  });

  it("moves a running export's bar with live progress, and lists it done when it is ready", async () => {
    let ready = false;
    const running = anExport({ status: "running", format: "pdf", size_bytes: null });
    const api = backend({ list: () => [ready ? { ...running, status: "succeeded", size_bytes: 2048 } : running] });
    const { live } = renderApp(api.session, PAGE);
    const socket = await live.server();
    await waitFor(() => expect(socket.sent).toContainEqual({ type: "subscribe", course_id: COURSE_ID }));
    socket.frame({ type: "subscribed", course_id: COURSE_ID, after_seq: 1, head: 1 });
    await act(() => live.emit(COURSE_ID, 2, "export.progress", { export_id: running.id, format: "pdf", percent: 40 }));
    expect(await screen.findByRole("progressbar", { name: "PDF export progress" })).toHaveAttribute("value", "40");
    ready = true;
    await act(() => live.emit(COURSE_ID, 3, "export.ready", { export_id: running.id, format: "pdf", size: 2048 }));
    await waitFor(() => expect(screen.queryByRole("progressbar")).not.toBeInTheDocument());
    expect(screen.getByText("The PDF export is ready to download.")).toBeInTheDocument();
  });

  it("fetches a fresh link on Download and sends the browser to it", async () => {
    const done = anExport({ format: "scorm2004" });
    const url = `/api/v1/exports/${done.id}/file?expires=1712000000&signature=${"a".repeat(64)}`;
    const api = backend({
      list: () => [done],
      download: () => json({ url, expires_at: "2024-04-01T10:05:00Z", filename: "rust.scorm2004.zip" }),
    });
    const { container } = render(api);

    const button = await screen.findByRole("button", { name: /^Download SCORM 2004 4th Edition/ });
    // No link is fetched or rendered ahead of the click.
    expect(api.requestsTo(`${EXPORTS}/${done.id}/download`)).toHaveLength(0);
    expect(container.innerHTML).not.toContain("signature");

    await userEvent.setup().click(button);

    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith(url));
    expect(navigateTo).toHaveBeenCalledTimes(1);
    expect(api.requestsTo(`${EXPORTS}/${done.id}/download`)).toHaveLength(1);
  });

  it("says why a download link could not be had", async () => {
    const done = anExport({ format: "html" });
    const api = backend({
      list: () => [done],
      download: () => apiError(409, "export_not_ready", "This export has not finished successfully."),
    });
    render(api);

    await userEvent.setup().click(await screen.findByRole("button", { name: /^Download HTML/ }));

    expect(await screen.findByRole("alert")).toHaveTextContent("This export has not finished successfully.");
    expect(navigateTo).not.toHaveBeenCalled();
  });
});

describe("exports page: roles and course state", () => {
  it.each<[Role, boolean]>([
    ["admin", true],
    ["editor", true],
    ["reviewer", false],
    ["viewer", false],
    [null, false],
  ])("role %s: format picker shown = %s", async (role, shown) => {
    const api = backend({ role, list: () => [anExport()] });
    const { queryClient } = render(api);
    await screen.findByRole("table");
    // The role is known before asserting what it hides.
    await waitFor(() => expect(queryClient.getQueryData(authKeys.me)).toBeDefined());

    if (shown) {
      expect(await screen.findByRole("button", { name: "Export" })).toBeInTheDocument();
    } else {
      expect(screen.queryByRole("button", { name: /^Export/ })).not.toBeInTheDocument();
      expect(screen.queryByRole("group", { name: "Formats" })).not.toBeInTheDocument();
      expect(api.requestsTo(FORMATS)).toHaveLength(0);
    }
  });

  it("lets a Viewer download though not export", async () => {
    const done = anExport({ format: "json" });
    const api = backend({
      role: "viewer",
      list: () => [done],
      download: () => json({ url: "https://bucket.example/x?sig=1", expires_at: "2024-04-01T10:05:00Z", filename: "x.json" }),
    });
    render(api);

    await userEvent.setup().click(await screen.findByRole("button", { name: /^Download Course JSON/ }));

    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith("https://bucket.example/x?sig=1"));
    expect(screen.queryByRole("button", { name: "Export" })).not.toBeInTheDocument();
  });

  it("lets a global Viewer who edits this course export it", async () => {
    const api = backend({ role: "viewer", members: [{ user_id: "00000000-0000-4000-8000-000000000001", role: "editor" }] });
    render(api);
    expect(await screen.findByRole("button", { name: "Export" })).toBeInTheDocument();
  });

  it("notes that exports of an unapproved course are drafts", async () => {
    render(backend({ course: course("in_review") }));

    const note = await screen.findByRole("note");
    expect(note).toHaveTextContent("not finally approved (status: In review)");
    expect(note).toHaveTextContent("marked as drafts");
  });

  it("has no draft note for an approved course", async () => {
    render(backend({ course: course("approved") }));

    expect(await screen.findByText(/Exports are final/)).toBeInTheDocument();
    expect(screen.queryByRole("note")).not.toBeInTheDocument();
  });

  it("says when the course cannot be loaded", async () => {
    const api = signedInApi("editor", (_request, url) => {
      if (url.pathname === COURSE) return apiError(404, "course_not_found", "No such course.");
      if (url.pathname === FORMATS) return json(ALL_FORMATS);
      if (url.pathname === EXPORTS) return json([]);
      if (url.pathname === DRIVE) return json(NO_DRIVE);
      if (url.pathname === DRIVE_SYNCS) return json([]);
      return apiError(404, "not_found", "Not found.");
    });
    render(api);

    expect(await screen.findByRole("alert")).toHaveTextContent("Could not load the course: No such course.");
  });
});
