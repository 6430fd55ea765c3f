import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { apiError, json, signedInApi, type Role } from "../../../test/fakeApi";
import { uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { User } from "../api/users";

const USERS = "/api/v1/users";

function aUser(n: number, changes: Partial<User> = {}): User {
  return {
    id: uuid(100 + n),
    email: `user${n}@example.com`,
    display_name: `User ${n}`,
    role: "viewer",
    is_active: true,
    version: 4,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    ...changes,
  };
}

const grace = aUser(1, { display_name: "Grace", email: "grace@example.com", role: "editor" });
const linus = aUser(2, { display_name: "Linus", email: "linus@example.com", is_active: false });

function page(items: User[]) {
  return json({ items, page: 1, page_size: 20, total: items.length });
}

function backend(
  role: Role,
  options: { list?: () => Response; patch?: (r: Request) => Response | Promise<Response>; post?: (r: Request) => Response | Promise<Response> } = {},
) {
  return signedInApi(role, (request, url) => {
    if (url.pathname === USERS && request.method === "GET") return (options.list ?? (() => page([grace, linus])))();
    if (url.pathname === USERS && request.method === "POST" && options.post) return options.post(request);
    if (url.pathname.startsWith(`${USERS}/`) && request.method === "PATCH" && options.patch) return options.patch(request);
    return apiError(404, "not_found", "Not found.");
  });
}

describe("users admin", () => {
  it("lists users with e-mail, name, role and active state", async () => {
    const api = backend("admin");
    renderApp(api.session, "/admin/users");

    const table = await screen.findByRole("table", { name: "Users" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Grace");
    expect(rows[0]).toHaveTextContent("grace@example.com");
    expect(screen.getByRole("combobox", { name: "Role of Grace" })).toHaveValue("editor");
    expect(screen.getByRole("switch", { name: "Grace is active" })).toBeChecked();
    expect(screen.getByRole("switch", { name: "Linus is active" })).not.toBeChecked();
    expect(screen.getByRole("link", { name: "Admin" })).toHaveAttribute("href", "/admin/users");
    const sent = new URL(api.requestsTo(USERS)[0]!.url).searchParams;
    expect(sent.get("page")).toBe("1");
    expect(sent.get("page_size")).toBe("20");
  });

  it("shows non-admins a message and never asks for the list", async () => {
    const api = backend("editor");
    renderApp(api.session, "/admin/users");

    expect(await screen.findByText("Only administrators can manage users.")).toBeInTheDocument();
    expect(api.requestsTo(USERS)).toHaveLength(0);
    expect(screen.queryByRole("link", { name: "Admin" })).not.toBeInTheDocument();
  });

  it("changes a role with a PATCH naming the version edited in If-Match", async () => {
    const api = backend("admin", {
      patch: async (r) => json({ ...grace, ...((await r.json()) as object), version: 5 }),
    });
    renderApp(api.session, "/admin/users");

    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Role of Grace" }), "reviewer");

    expect(await screen.findByText("Grace now has Reviewer.")).toHaveAttribute("role", "status");
    const [patch] = api.requestsTo(`${USERS}/${grace.id}`);
    expect(patch!.method).toBe("PATCH");
    expect(patch!.headers.get("If-Match")).toBe('"4"');
    expect(await patch!.json()).toEqual({ role: "reviewer" });
    expect(screen.getByRole("combobox", { name: "Role of Grace" })).toHaveValue("reviewer");
  });

  it("toggles active and sends the new version next time", async () => {
    let version = 4;
    const api = backend("admin", {
      patch: async (r) => json({ ...linus, ...((await r.json()) as object), version: ++version }),
    });
    renderApp(api.session, "/admin/users");

    await userEvent.click(await screen.findByRole("switch", { name: "Linus is active" }));
    expect(await screen.findByText("Linus is now active.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("switch", { name: "Linus is active" }));
    await screen.findByText("Linus is now inactive.");

    const patches = api.requestsTo(`${USERS}/${linus.id}`);
    expect(await patches[0]!.json()).toEqual({ is_active: true });
    expect(patches[1]!.headers.get("If-Match")).toBe('"5"');
    expect(await patches[1]!.json()).toEqual({ is_active: false });
  });

  it("explains a stale edit (409) and reloads the list", async () => {
    const api = backend("admin", {
      patch: () => apiError(409, "version_conflict", "Someone else changed this first; reload and apply your change again."),
    });
    renderApp(api.session, "/admin/users");

    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Role of Grace" }), "admin");

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Someone else changed Grace first. The list has been reloaded; apply your change again.",
    );
    await waitFor(() => expect(api.requestsTo(USERS).length).toBeGreaterThanOrEqual(2));
  });

  it("validates a new user before sending and maps the server's 422 to fields", async () => {
    const api = backend("admin", {
      post: () =>
        json(
          {
            error: "validation_error",
            detail: "body.email: value is not a valid email address",
            request_id: "r",
            fields: [{ loc: ["body", "email"], msg: "value is not a valid email address: no dot-atom", type: "value_error" }],
          },
          422,
        ),
    });
    renderApp(api.session, "/admin/users");
    const form = await screen.findByRole("form", { name: "Create user" });

    await userEvent.click(within(form).getByRole("button", { name: "Create user" }));
    expect(within(form).getByLabelText("E-mail")).toHaveAccessibleDescription("Enter an e-mail address.");
    expect(within(form).getByLabelText("Display name")).toHaveAccessibleDescription("Enter a display name.");
    expect(within(form).getByLabelText("Initial password")).toHaveAccessibleDescription(
      expect.stringContaining("Use at least 12 characters."),
    );
    expect(within(form).getByLabelText("E-mail")).toHaveFocus();
    expect(api.requestsTo(USERS).filter((r) => r.method === "POST")).toHaveLength(0);

    await userEvent.type(within(form).getByLabelText("E-mail"), "ada@example.com");
    await userEvent.type(within(form).getByLabelText("Display name"), "Ada");
    await userEvent.selectOptions(within(form).getByLabelText("Global role"), "editor");
    await userEvent.type(within(form).getByLabelText("Initial password"), "correct horse battery");
    await userEvent.click(within(form).getByRole("button", { name: "Create user" }));

    await waitFor(() =>
      expect(within(form).getByLabelText("E-mail")).toHaveAccessibleDescription(
        "value is not a valid email address: no dot-atom",
      ),
    );
    const [post] = api.requestsTo(USERS).filter((r) => r.method === "POST");
    expect(await post!.json()).toEqual({
      email: "ada@example.com",
      display_name: "Ada",
      role: "editor",
      password: "correct horse battery",
    });
  });

  it("creates a user and says so", async () => {
    const api = backend("admin", { post: async () => json(aUser(9, { display_name: "Ada", email: "ada@example.com" }), 201) });
    renderApp(api.session, "/admin/users");
    const form = await screen.findByRole("form", { name: "Create user" });

    await userEvent.type(within(form).getByLabelText("E-mail"), "ada@example.com");
    await userEvent.type(within(form).getByLabelText("Display name"), "Ada");
    await userEvent.type(within(form).getByLabelText("Initial password"), "twelve chars!");
    await userEvent.click(within(form).getByRole("button", { name: "Create user" }));

    expect(await screen.findByText("Created Ada (ada@example.com).")).toBeInTheDocument();
    expect(within(form).getByLabelText("E-mail")).toHaveValue("");
    const [post] = api.requestsTo(USERS).filter((r) => r.method === "POST");
    expect(await post!.json()).toMatchObject({ role: null });
  });
});
