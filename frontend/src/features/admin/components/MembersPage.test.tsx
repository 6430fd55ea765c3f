import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { apiError, json, signedInApi, user as me, type Role } from "../../../test/fakeApi";
import { courseRead, uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { Member } from "../api/members";
import type { User } from "../api/users";

const COURSE_ID = uuid("c0de");
const COURSE = `/api/v1/courses/${COURSE_ID}`;
const MEMBERS = `${COURSE}/members`;
const PAGE = `/courses/${COURSE_ID}/members`;
const ME_ID = me(null).id;

function member(n: number, name: string, role: Member["role"]): Member {
  return { user_id: uuid(200 + n), email: `${name.toLowerCase()}@example.com`, display_name: name, role, added_at: "2024-02-01T00:00:00Z" };
}

const grace = member(1, "Grace", "editor");
const alan = member(2, "Alan", "reviewer");
const barbara: User = {
  id: uuid(300),
  email: "barbara@example.com",
  display_name: "Barbara",
  role: "viewer",
  is_active: true,
  version: 1,
  created_at: "2024-01-01T00:00:00Z",
  updated_at: "2024-01-01T00:00:00Z",
};

interface Options {
  members?: Member[];
  put?: (userId: string, body: { role: Member["role"] }) => Response;
  del?: (userId: string) => Response;
}

function backend(role: Role, options: Options = {}) {
  let members = [...(options.members ?? [grace, alan])];
  return signedInApi(role, async (request, url) => {
    const path = url.pathname;
    if (path === COURSE) return json(courseRead({ id: COURSE_ID, title: "Rust for Analysts" }));
    if (path === MEMBERS) return json(members);
    if (path === "/api/v1/users") return json({ items: [barbara, { ...barbara, id: grace.user_id, display_name: "Grace" }], page: 1, page_size: 20, total: 2 });
    const match = /^\/api\/v1\/courses\/[^/]+\/members\/([^/]+)$/.exec(path);
    if (match !== null && request.method === "PUT") {
      const body = (await request.json()) as { role: Member["role"] };
      const answer = options.put?.(match[1]!, body);
      if (answer !== undefined) return answer;
      const known = members.find((m) => m.user_id === match[1]) ?? member(0, "Barbara", body.role);
      const updated = { ...known, user_id: match[1]!, role: body.role };
      members = [...members.filter((m) => m.user_id !== match[1]), updated];
      return json(updated);
    }
    if (match !== null && request.method === "DELETE") {
      const answer = options.del?.(match[1]!);
      if (answer !== undefined) return answer;
      members = members.filter((m) => m.user_id !== match[1]);
      return new Response(null, { status: 204 });
    }
    return apiError(404, "not_found", "Not found.");
  });
}

const puts = (api: ReturnType<typeof backend>) =>
  api.requests.filter((r) => r.method === "PUT" && new URL(r.url).pathname.startsWith(`${MEMBERS}/`));

describe("course members", () => {
  it("lists members with their course role; read-only for a viewer", async () => {
    const api = backend("viewer");
    renderApp(api.session, PAGE);

    expect(await screen.findByRole("heading", { name: "Members of Rust for Analysts" })).toBeInTheDocument();
    const rows = within(await screen.findByRole("table", { name: "Members" })).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Grace");
    expect(rows[0]).toHaveTextContent("Editor");
    expect(screen.queryByRole("combobox", { name: "Course role of Grace" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Add a member" })).not.toBeInTheDocument();
  });

  it("lets an admin add a user chosen from the user list", async () => {
    const api = backend("admin");
    renderApp(api.session, PAGE);
    const form = await screen.findByRole("form", { name: "Add a member" });
    const picker = within(form).getByLabelText("User");
    // Existing members are not offered again.
    await waitFor(() => expect(within(picker).getByRole("option", { name: "Barbara (barbara@example.com)" })).toBeInTheDocument());
    expect(within(picker).queryByRole("option", { name: /Grace/ })).not.toBeInTheDocument();

    await userEvent.selectOptions(picker, barbara.id);
    await userEvent.selectOptions(within(form).getByLabelText("Course role"), "reviewer");
    await userEvent.click(within(form).getByRole("button", { name: "Add member" }));

    expect(await screen.findByText("Added Barbara as Reviewer.")).toHaveAttribute("role", "status");
    const [put] = puts(api);
    expect(new URL(put!.url).pathname).toBe(`${MEMBERS}/${barbara.id}`);
    expect(await put!.json()).toEqual({ role: "reviewer" });
    expect(await screen.findByRole("combobox", { name: "Course role of Barbara" })).toHaveValue("reviewer");
  });

  it("lets a course admin (no global role) add by user ID, validating it first", async () => {
    // The signed-in user (Ada, no global role) is this course's admin member.
    const apiWithMe = backend(null, { members: [grace, { ...member(9, "Ada", "admin"), user_id: ME_ID }] });
    renderApp(apiWithMe.session, PAGE);
    const form = await screen.findByRole("form", { name: "Add a member" });
    const input = within(form).getByLabelText("User ID");

    await userEvent.type(input, "not-an-id");
    await userEvent.click(within(form).getByRole("button", { name: "Add member" }));
    expect(input).toHaveAccessibleDescription(expect.stringContaining("A user ID looks like"));
    expect(puts(apiWithMe)).toHaveLength(0);

    await userEvent.clear(input);
    await userEvent.type(input, barbara.id);
    await userEvent.click(within(form).getByRole("button", { name: "Add member" }));
    await screen.findByText("Added Barbara as Viewer.");
    // GET /users is admin-only: a course admin is never sent there.
    expect(apiWithMe.requestsTo("/api/v1/users")).toHaveLength(0);
  });

  it("changes a member's role", async () => {
    const api = backend("admin");
    renderApp(api.session, PAGE);

    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Course role of Alan" }), "editor");

    expect(await screen.findByText("Alan is now Editor on this course.")).toBeInTheDocument();
    const [put] = puts(api);
    expect(new URL(put!.url).pathname).toBe(`${MEMBERS}/${alan.user_id}`);
    expect(await put!.json()).toEqual({ role: "editor" });
  });

  it("shows the server's reason when a change is refused (409 last course admin)", async () => {
    const api = backend("admin", {
      members: [member(5, "Ada", "admin")],
      put: () => apiError(409, "last_course_admin", "A course keeps at least one admin member; add another admin first."),
    });
    renderApp(api.session, PAGE);

    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Course role of Ada" }), "viewer");

    expect(await screen.findByRole("alert")).toHaveTextContent("A course keeps at least one admin member");
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Course role of Ada" })).toHaveValue("admin"));
  });

  it("removes a member only after confirming", async () => {
    const api = backend("admin");
    renderApp(api.session, PAGE);

    await userEvent.click(await screen.findByRole("button", { name: "Remove Alan from members" }));
    const confirm = screen.getByRole("button", { name: "Yes, remove Alan" });
    expect(confirm).toHaveFocus();
    await userEvent.click(screen.getByRole("button", { name: "Keep Alan" }));
    expect(api.requests.filter((r) => r.method === "DELETE")).toHaveLength(0);
    expect(screen.getByRole("button", { name: "Remove Alan from members" })).toHaveFocus();

    await userEvent.click(screen.getByRole("button", { name: "Remove Alan from members" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, remove Alan" }));

    expect(await screen.findByText("Removed Alan from this course.")).toHaveAttribute("role", "status");
    const deletes = api.requests.filter((r) => r.method === "DELETE");
    expect(deletes.map((r) => new URL(r.url).pathname)).toEqual([`${MEMBERS}/${alan.user_id}`]);
    await waitFor(() => expect(screen.queryByRole("row", { name: /Alan/ })).not.toBeInTheDocument());
  });

  it("says so when the course is unknown or hidden (404)", async () => {
    const api = signedInApi("viewer", () => apiError(404, "not_found", "Not found."));
    renderApp(api.session, PAGE);

    expect(await screen.findByText("This course does not exist, or you may not see its members.")).toBeInTheDocument();
  });
});
