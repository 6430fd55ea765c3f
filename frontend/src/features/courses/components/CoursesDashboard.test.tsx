import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { apiError, json, signedInApi, type Role } from "../../../test/fakeApi";
import { renderApp } from "../../../test/render";
import type { CourseProgress, CourseSummary } from "../api/courses";

const COURSES = "/api/v1/courses";

function course(n: number, status: CourseSummary["status"] = "draft"): CourseSummary {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    title: `Course ${n}`,
    slug: `course-${n}`,
    language: "en",
    status,
    owner_id: "00000000-0000-4000-8000-000000000001",
    version: 1,
    created_at: "2024-03-01T09:00:00Z",
    updated_at: "2024-03-02T10:30:00Z",
    deleted_at: null,
  };
}

function signedIn(role: Role, courses: (url: URL) => Response) {
  return signedInApi(role, (_request, url) =>
    url.pathname === COURSES ? courses(url) : apiError(404, "not_found", "Not found."),
  );
}

function page(items: CourseSummary[], total = items.length, pageNumber = 1) {
  return json({ items, page: pageNumber, page_size: 20, total });
}

function progressOf(courseId: string, changes: Partial<CourseProgress> = {}): CourseProgress {
  return {
    course_id: courseId,
    run_id: null,
    run_status: null,
    phase: null,
    lessons_total: 0,
    lessons_approved: 0,
    pending_reviews: 0,
    ...changes,
  };
}

describe("courses dashboard", () => {
  it("shows each course's progress and waiting reviews, and follows them live", async () => {
    const first = course(1, "in_review");
    let approved = 1;
    const api = signedInApi("editor", (_request, url) => {
      if (url.pathname === COURSES) return page([first, course(2)]);
      if (url.pathname === "/api/v1/progress") {
        const asked = url.searchParams.getAll("course_id");
        const running = { run_id: "r1", run_status: "waiting", phase: "lessons", lessons_total: 4 } as const;
        return json([progressOf(asked[0]!, { ...running, lessons_approved: approved, pending_reviews: 4 - approved }), progressOf(asked[1]!)]);
      }
      return apiError(404, "not_found", "Not found.");
    });
    const view = renderApp(api.session, "/courses");

    const bar = await screen.findByRole("progressbar", { name: "Lessons approved in Course 1" });
    expect(bar).toHaveAttribute("value", "1");
    expect(bar).toHaveAttribute("max", "4");
    const rows = within(screen.getByRole("table", { name: "Courses" })).getAllByRole("row").slice(1);
    expect(rows[0]).toHaveTextContent("1 of 4 approved");
    expect(rows[0]).toHaveTextContent("Lessons: waiting for review");
    expect(within(rows[0]!).getByRole("link", { name: "3 waiting for review in Course 1" })).toHaveAttribute(
      "href",
      `/reviews?course=${first.id}`,
    );
    expect(rows[1]).toHaveTextContent("No run yet");
    expect(rows[1]).toHaveTextContent("None");
    expect(new URL(api.requestsTo("/api/v1/progress")[0]!.url).searchParams.getAll("course_id")).toEqual([first.id, course(2).id]);

    // The page watches the courses feed: a decision elsewhere refetches, no reload.
    const socket = await view.live.server();
    await waitFor(() => expect(socket.sent).toContainEqual({ type: "watch" }));
    socket.frame({ type: "watching" });
    approved = 2;
    await act(async () => {
      socket.frame({ type: "feed", course_id: first.id, event: "review.decided", run_id: "r1" });
      socket.frame({ type: "feed", course_id: first.id, event: "run.waiting", run_id: "r1" });
    });
    await waitFor(() => expect(rows[0]).toHaveTextContent("2 of 4 approved"));
    expect(within(rows[0]!).getByRole("link", { name: "2 waiting for review in Course 1" })).toBeInTheDocument();
    // One burst, one refetch of each.
    expect(api.requestsTo("/api/v1/progress")).toHaveLength(2);
  });


  it("lists the courses with title, status and update time", async () => {
    const api = signedIn("viewer", () => page([course(1, "draft"), course(2, "in_review")]));
    renderApp(api.session, "/courses");

    const table = await screen.findByRole("table", { name: "Courses" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Course 1");
    expect(rows[0]).toHaveTextContent("Draft");
    expect(rows[1]).toHaveTextContent("In review");
    expect(within(rows[0]!).getByText((_, el) => el?.tagName === "TIME")).toHaveAttribute(
      "dateTime",
      "2024-03-02T10:30:00Z",
    );
    const sent = new URL(api.requestsTo(COURSES)[0]!.url).searchParams;
    expect(sent.get("page")).toBe("1");
    expect(sent.get("page_size")).toBe("20");
    expect(sent.get("sort")).toBe("-updated_at");
    expect(sent.has("q")).toBe(false);
  });

  it("passes the search to the API once typing settles", async () => {
    const api = signedIn("viewer", (url) =>
      url.searchParams.get("q") === "rust" ? page([course(7)]) : page([course(1), course(2)]),
    );
    const { router } = renderApp(api.session, "/courses");
    await screen.findByText("Course 1");

    await userEvent.setup().type(screen.getByRole("searchbox", { name: "Search titles" }), "rust");

    expect(await screen.findByText("Course 7")).toBeInTheDocument();
    expect(screen.queryByText("Course 1")).not.toBeInTheDocument();
    const queries = api.requestsTo(COURSES).map((r) => new URL(r.url).searchParams.get("q"));
    // Debounced: no request per keystroke, one for the settled text.
    expect(queries).toEqual([null, "rust"]);
    expect(router.state.location.search).toBe("?q=rust");
  });

  it("maps the status filter to the API's status parameter", async () => {
    const api = signedIn("viewer", (url) =>
      url.searchParams.get("status") === "approved" ? page([course(3, "approved")]) : page([course(1)]),
    );
    renderApp(api.session, "/courses?page=2");
    await screen.findByText("Course 1");

    await userEvent.setup().selectOptions(screen.getByLabelText("Status"), "approved");

    expect(await screen.findByText("Course 3")).toBeInTheDocument();
    const last = new URL(api.requestsTo(COURSES).at(-1)!.url).searchParams;
    expect(last.get("status")).toBe("approved");
    expect(last.get("page")).toBe("1");
  });

  it("pages through the results", async () => {
    const api = signedIn("viewer", (url) => {
      const n = Number(url.searchParams.get("page"));
      return page([course(n * 100)], 45, n);
    });
    renderApp(api.session, "/courses");
    await screen.findByText("Course 100");
    expect(screen.getByText(/Page 1 of 3/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Previous" })).toBeDisabled();

    await userEvent.setup().click(screen.getByRole("button", { name: "Next" }));

    expect(await screen.findByText("Course 200")).toBeInTheDocument();
    expect(screen.getByText(/Page 2 of 3/)).toBeInTheDocument();
  });

  it("says so when there are no courses", async () => {
    const api = signedIn("viewer", () => page([]));
    renderApp(api.session, "/courses");

    expect(await screen.findByText("No courses yet.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("shows the server's error and retries on request", async () => {
    let fail = true;
    const api = signedIn("viewer", () =>
      fail ? apiError(503, "unavailable", "The database is not reachable.") : page([course(1)]),
    );
    renderApp(api.session, "/courses");

    expect(await screen.findByRole("alert")).toHaveTextContent("The database is not reachable.");
    fail = false;
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Course 1")).toBeInTheDocument();
  });

  it.each<[Role, boolean]>([
    ["admin", true],
    ["editor", true],
    ["reviewer", false],
    ["viewer", false],
    [null, false],
  ])("role %s: New course shown = %s", async (role, shown) => {
    const api = signedIn(role, () => page([course(1)]));
    renderApp(api.session, "/courses");
    await screen.findByText("Course 1");

    const link = screen.queryByRole("link", { name: "New course" });
    if (shown) expect(link).toHaveAttribute("href", "/courses/new");
    else expect(link).not.toBeInTheDocument();
  });

  it("signs out: tells the server, forgets the tokens, goes to sign-in", async () => {
    const api = signedIn("editor", () => page([course(1)]));
    const { router } = renderApp(api.session, "/courses");
    await screen.findByText("Course 1");

    await userEvent.setup().click(screen.getByRole("button", { name: "Sign out" }));

    await waitFor(() => expect(router.state.location.pathname).toBe("/sign-in"));
    const logout = api.requestsTo("/api/v1/auth/logout");
    expect(logout).toHaveLength(1);
    expect(logout[0]!.headers.get("Authorization")).toBe("Bearer access-1");
    expect(api.tokens.access).toBeNull();
    expect(window.sessionStorage.getItem("courzly.refresh_token")).toBeNull();
  });
});
