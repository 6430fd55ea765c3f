import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { apiError, json, signedInApi } from "../../../test/fakeApi";
import { driveStatus, folderRead } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { DriveStatus } from "../api/connection";
import type { DriveFolder } from "../api/folders";
import { openAuthorizationPage } from "../navigation";

// Connecting is a full page load to Google; the tests watch the call instead.
vi.mock("../navigation", () => ({ openAuthorizationPage: vi.fn() }));
const navigateTo = vi.mocked(openAuthorizationPage);

const PAGE = "/settings/integrations";
const DRIVE = "/api/v1/integrations/drive";
const CONNECT = `${DRIVE}/connect`;
const FOLDERS = `${DRIVE}/folders`;
const FOLDER = `${DRIVE}/folder`;
const GOOGLE_URL = "https://accounts.google.com/o/oauth2/v2/auth?client_id=courzly&state=abc";

const NOT_CONNECTED: DriveStatus = { configured: true, connected: false, needs_reconnect: false };
const exportsFolder = folderRead("fold-exports", "Courzly exports");
const archive = folderRead("fold-archive", "Archive 2025");
const spring = folderRead("fold-spring", "Spring term");

type Answer = (request: Request, url: URL) => Response | Promise<Response>;

interface Options {
  status?: DriveStatus | ((n: number) => DriveStatus);
  connect?: Answer;
  disconnect?: Answer;
  folders?: Answer;
  createFolder?: Answer;
}

function backend(options: Options = {}) {
  let statusReads = 0;
  let status = options.status;
  const folders: DriveFolder[] = [exportsFolder, archive];
  return signedInApi("editor", async (request, url) => {
    const path = url.pathname;
    if (path === DRIVE && request.method === "GET") {
      const current = typeof status === "function" ? status(statusReads) : (status ?? driveStatus());
      statusReads += 1;
      return json(current);
    }
    if (path === DRIVE && request.method === "DELETE") {
      return options.disconnect?.(request, url) ?? new Response(null, { status: 204 });
    }
    if (path === CONNECT && request.method === "POST") {
      return options.connect?.(request, url) ?? json({ authorization_url: GOOGLE_URL });
    }
    if (path === FOLDERS && request.method === "GET") {
      if (options.folders !== undefined) return options.folders(request, url);
      const name = url.searchParams.get("name");
      return json({ folders: folders.filter((f) => name === null || f.name.includes(name)), next_page_token: null });
    }
    if (path === FOLDERS && request.method === "POST") {
      if (options.createFolder !== undefined) return options.createFolder(request, url);
      const { name } = (await request.json()) as { name: string };
      const created = folderRead("fold-spring", name);
      folders.push(created);
      return json(created, 201);
    }
    if (path === FOLDER && request.method === "PUT") {
      const { folder_id } = (await request.json()) as { folder_id: string };
      const chosen = folders.find((f) => f.id === folder_id)!;
      status = driveStatus({ folder_id, folder_name: chosen.name });
      return json(status);
    }
    return apiError(404, "not_found", "Not found.");
  });
}

const sent = (api: ReturnType<typeof backend>, method: string, path: string) =>
  api.requests.filter((r) => r.method === method && new URL(r.url).pathname === path);

afterEach(() => navigateTo.mockClear());

describe("integrations page: connecting", () => {
  it("is linked from the header and explains that the admin must configure Google first", async () => {
    const api = backend({ status: { configured: false, connected: false, needs_reconnect: false } });
    renderApp(api.session, "/courses");
    await userEvent.click(await screen.findByRole("link", { name: "Integrations" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Integrations" })).toBeInTheDocument();
    const note = await screen.findByRole("note");
    expect(note).toHaveTextContent("The server administrator must");
    expect(note).toHaveTextContent("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET");
    expect(screen.queryByRole("button", { name: /Connect/ })).not.toBeInTheDocument();
  });

  it("asks the API to start the flow and sends the browser to Google's page", async () => {
    const api = backend({ status: NOT_CONNECTED });
    renderApp(api.session, PAGE);

    expect(await screen.findByText(/Courzly only sees the folders it created/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Connect Google Drive" }));

    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith(GOOGLE_URL));
    expect(navigateTo).toHaveBeenCalledTimes(1);
    expect(sent(api, "POST", CONNECT)).toHaveLength(1);
  });

  it("shows the server's reason when Google is not configured after all", async () => {
    const detail = "Google Drive is not configured on this server (GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are missing).";
    const api = backend({ status: NOT_CONNECTED, connect: () => apiError(503, "google_not_configured", detail) });
    renderApp(api.session, PAGE);

    await userEvent.click(await screen.findByRole("button", { name: "Connect Google Drive" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(`Could not connect Google Drive: ${detail}`);
    expect(navigateTo).not.toHaveBeenCalled();
  });

  it("announces a successful return from Google and takes the parameters out of the URL", async () => {
    const api = backend();
    const { router } = renderApp(api.session, `${PAGE}?drive=connected`);

    const banner = await screen.findByText(/^Google Drive is connected\./);
    expect(banner.closest('[role="status"]')).not.toBeNull();
    await waitFor(() => expect(router.state.location.search).toBe(""));
    expect(router.state.location.pathname).toBe(PAGE);
    // Still shown once the URL is clean, until dismissed.
    expect(screen.getByText(/Google Drive is connected\./)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByText(/Google Drive is connected\./)).not.toBeInTheDocument();
  });

  it("shows why the connection failed, from the callback's reason", async () => {
    const api = backend({ status: NOT_CONNECTED });
    const { router } = renderApp(api.session, `${PAGE}?drive=error&reason=You+did+not+allow+access.`);

    expect(await screen.findByRole("alert")).toHaveTextContent("Google Drive was not connected: You did not allow access.");
    await waitFor(() => expect(router.state.location.search).toBe(""));
    expect(await screen.findByRole("button", { name: "Connect Google Drive" })).toBeInTheDocument();
  });

  it("warns when Google no longer accepts the access, and connects again", async () => {
    const api = backend({ status: driveStatus({ connected: false, needs_reconnect: true }) });
    renderApp(api.session, PAGE);

    const warning = await screen.findByRole("note");
    expect(warning).toHaveTextContent("Google no longer accepts Courzly's access to your Drive");
    expect(screen.queryByRole("list", { name: "Your Courzly folders" })).not.toBeInTheDocument();
    await userEvent.click(within(warning).getByRole("button", { name: "Connect again" }));

    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith(GOOGLE_URL));
  });
});

describe("integrations page: disconnecting", () => {
  it("asks first, then disconnects and says so", async () => {
    const api = backend({ status: (n) => (n === 0 ? driveStatus() : NOT_CONNECTED) });
    renderApp(api.session, PAGE);

    expect(await screen.findByText("ada@gmail.example")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Disconnect" }));
    const confirm = screen.getByRole("group", { name: "Confirm disconnecting Google Drive" });
    expect(confirm).toHaveTextContent("Files already in your Drive stay.");
    await userEvent.click(within(confirm).getByRole("button", { name: "Stay connected" }));
    expect(sent(api, "DELETE", DRIVE)).toHaveLength(0);
    expect(screen.getByRole("button", { name: "Disconnect" })).toHaveFocus();

    await userEvent.click(screen.getByRole("button", { name: "Disconnect" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, disconnect" }));

    expect(await screen.findByText("Google Drive is disconnected. Files already sent stay in your Drive.")).toHaveAttribute(
      "role",
      "status",
    );
    expect(sent(api, "DELETE", DRIVE)).toHaveLength(1);
    expect(await screen.findByRole("button", { name: "Connect Google Drive" })).toBeInTheDocument();
  });

  it("keeps the connection and shows Google's unavailability when the revocation fails", async () => {
    const detail = "Google is not answering right now; try again in a few minutes.";
    const api = backend({ disconnect: () => apiError(503, "google_unavailable", detail) });
    renderApp(api.session, PAGE);

    await userEvent.click(await screen.findByRole("button", { name: "Disconnect" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, disconnect" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Google Drive is still connected.");
    expect(alert).toHaveTextContent(detail);
    expect(screen.getByText("Connected.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Disconnect" })).toBeEnabled();
  });
});

describe("integrations page: the export folder", () => {
  it("shows the chosen folder with its link, and lists folders a page at a time", async () => {
    const api = backend({
      folders: (_request, url) =>
        url.searchParams.get("page_token") === "page-2"
          ? json({ folders: [spring], next_page_token: null })
          : json({ folders: [exportsFolder, archive], next_page_token: "page-2" }),
    });
    renderApp(api.session, PAGE);

    const list = await screen.findByRole("list", { name: "Your Courzly folders" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(2);
    expect(within(list).getAllByRole("listitem")[0]).toHaveTextContent("Export folder");
    const current = screen.getByText(/^Exports go to/);
    expect(within(current).getByRole("link", { name: /Courzly exports/ })).toHaveAttribute(
      "href",
      exportsFolder.web_view_link,
    );

    await userEvent.click(screen.getByRole("button", { name: "Load more folders" }));

    expect(await within(list).findByRole("link", { name: /Spring term/ })).toBeInTheDocument();
    expect(within(list).getAllByRole("listitem")).toHaveLength(3);
    expect(screen.queryByRole("button", { name: "Load more folders" })).not.toBeInTheDocument();
    const pages = sent(api, "GET", FOLDERS).map((r) => new URL(r.url).searchParams.get("page_token"));
    expect(pages).toEqual([null, "page-2"]);
  });

  it("filters the folders by name", async () => {
    const api = backend();
    renderApp(api.session, PAGE);

    const list = await screen.findByRole("list", { name: "Your Courzly folders" });
    await userEvent.type(screen.getByLabelText("Filter folders by name"), "Archive");

    await waitFor(() => expect(within(list).getAllByRole("listitem")).toHaveLength(1));
    expect(within(list).getByRole("listitem")).toHaveTextContent("Archive 2025");
    expect(sent(api, "GET", FOLDERS).map((r) => new URL(r.url).searchParams.get("name"))).toContain("Archive");
  });

  it("creates a folder, then makes it the export folder", async () => {
    const api = backend();
    renderApp(api.session, PAGE);
    await screen.findByRole("list", { name: "Your Courzly folders" });

    await userEvent.click(screen.getByRole("button", { name: "Create folder" }));
    expect(screen.getByLabelText("New folder name")).toHaveAccessibleDescription("Give the folder a name.");
    expect(sent(api, "POST", FOLDERS)).toHaveLength(0);

    await userEvent.type(screen.getByLabelText("New folder name"), "  Spring term ");
    await userEvent.click(screen.getByRole("button", { name: "Create folder" }));

    expect(await screen.findByText(/Created “Spring term”/)).toHaveAttribute("role", "status");
    expect(await sent(api, "POST", FOLDERS)[0]!.json()).toEqual({ name: "Spring term" });
    expect(screen.getByLabelText("New folder name")).toHaveValue("");

    await userEvent.click(await screen.findByRole("button", { name: "Use this folder “Spring term”" }));

    expect(await screen.findByText("Exports now go to “Spring term”.")).toHaveAttribute("role", "status");
    expect(await sent(api, "PUT", FOLDER)[0]!.json()).toEqual({ folder_id: "fold-spring" });
    expect(screen.getByText(/^Exports go to/)).toHaveTextContent("Exports go to Spring term");
    expect(within(screen.getByText(/^Exports go to/)).getByRole("link")).toHaveAttribute("href", spring.web_view_link);
  });

  it("says when no folder is chosen yet", async () => {
    const api = backend({ status: driveStatus({ folder_id: null, folder_name: null }) });
    renderApp(api.session, PAGE);

    expect(await screen.findByText(/No folder chosen yet/)).toBeInTheDocument();
  });

  it("turns to the reconnect warning when Drive says Google no longer accepts the access", async () => {
    const detail = "Google no longer accepts Courzly's access to your Drive (it was revoked or has expired). Connect Google Drive again.";
    const api = backend({
      status: (n) => (n === 0 ? driveStatus() : driveStatus({ connected: false, needs_reconnect: true })),
      createFolder: () => apiError(409, "drive_reconnect_needed", detail),
      folders: () => json({ folders: [exportsFolder], next_page_token: null }),
    });
    renderApp(api.session, PAGE);

    await screen.findByRole("list", { name: "Your Courzly folders" });
    await userEvent.type(screen.getByLabelText("New folder name"), "Spring term");
    await userEvent.click(screen.getByRole("button", { name: "Create folder" }));

    // The server marked the connection: the page shows it as it now is.
    expect(await screen.findByRole("note")).toHaveTextContent("Google no longer accepts Courzly's access");
    expect(screen.getByRole("button", { name: "Connect again" })).toBeInTheDocument();
  });

  it("shows a folder listing's refusal in words", async () => {
    const api = backend({
      folders: () => apiError(409, "drive_not_connected", "Connect Google Drive first (Settings → Integrations)."),
    });
    renderApp(api.session, PAGE);

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not load your folders: Connect Google Drive first (Settings → Integrations).",
    );
  });
});
