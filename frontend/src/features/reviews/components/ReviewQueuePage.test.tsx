import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import openapi from "../../../api/openapi.json";
import { apiError, json, signedInApi, user, type Role } from "../../../test/fakeApi";
import { gateRead, uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import { FEEDBACK_MAX_LENGTH, QUEUE_REFETCH_MS, type Gate } from "../api/reviews";

const PENDING = "/api/v1/reviews/pending";
const SAILING = uuid(100);
const BAKING = uuid(200);
const TITLES: Record<string, string> = { [SAILING]: "Sailing", [BAKING]: "Baking" };
const ME = user(null).id;

interface Server {
  gates: Gate[];
  members?: Record<string, { user_id: string; role: NonNullable<Role> }[]>;
  /** Answers a decision instead of the default (201, gate removed). */
  decide?: (gate: Gate, body: unknown) => Response | undefined;
  failPending?: () => Response | undefined;
}

const DECISION = /^\/api\/v1\/courses\/([^/]+)\/runs\/([^/]+)\/gates\/([^/]+)\/decision$/;

/** A lesson gate of course uuid(100), waiting for five minutes. */
function gate(n: number, changes: Partial<Gate> = {}): Gate {
  const waitingSince = new Date(Date.now() - 5 * 60_000).toISOString();
  return gateRead({ id: uuid(1000 + n), lesson_key: `m1-l${n}`, title: `Lesson ${n}`, created_at: waitingSince, ...changes });
}

function renderReviewQueue(api: ReturnType<typeof signedIn>, path = "/reviews") {
  return renderApp(api.session, path);
}

function signedIn(role: Role, server: Server) {
  return signedInApi(role, async (request, url) => {
    const path = url.pathname;
    if (path === PENDING) {
      const failed = server.failPending?.();
      if (failed !== undefined) return failed;
      const kind = url.searchParams.get("kind");
      const course = url.searchParams.get("course_id");
      const items = server.gates.filter(
        (g) => (kind === null || g.kind === kind) && (course === null || g.course_id === course),
      );
      return json({ items, page: 1, page_size: 50, total: items.length });
    }
    if (path === "/api/v1/courses") {
      const items = Object.entries(TITLES).map(([id, title]) => ({ id, title }));
      return json({ items, page: 1, page_size: 100, total: items.length });
    }
    const members = /^\/api\/v1\/courses\/([^/]+)\/members$/.exec(path);
    if (members) return json(server.members?.[members[1]!] ?? []);
    const course = /^\/api\/v1\/courses\/([^/]+)$/.exec(path);
    if (course) {
      const title = TITLES[course[1]!];
      return title === undefined ? apiError(404, "course_not_found", "No such course.") : json({ id: course[1], title });
    }
    const decision = DECISION.exec(path);
    if (decision && request.method === "POST") {
      const target = server.gates.find((g) => g.id === decision[3]);
      if (target === undefined) return apiError(404, "gate_not_found", "No such review gate.");
      const body: unknown = await request.json();
      const answer = server.decide?.(target, body);
      if (answer !== undefined) return answer;
      server.gates = server.gates.filter((g) => g !== target);
      return json({ ...target, status: "decided", decision: (body as { decision: string }).decision }, 201);
    }
    return apiError(404, "not_found", "Not found.");
  });
}

function rows() {
  const table = screen.getByRole("table", { name: /Pending reviews/ });
  return within(table).getAllByRole("row").slice(1);
}

function decisions(api: ReturnType<typeof signedIn>) {
  return api.requests.filter((r) => DECISION.test(new URL(r.url).pathname));
}

describe("reviewers' dashboard", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("refetches the queue when the courses feed says a gate opened, without polling while live", async () => {
    const server: Server = { gates: [gate(1, { title: "Knots" })] };
    const api = signedIn("reviewer", server);
    const view = renderReviewQueue(api);
    await screen.findByText("Knots");
    const socket = await view.live.server();
    await waitFor(() => expect(socket.sent).toContainEqual({ type: "watch" }));
    socket.frame({ type: "watching" });
    server.gates = [...server.gates, gate(2, { title: "Splices" })];

    socket.frame({ type: "feed", course_id: server.gates[1]!.course_id, event: "review.requested", run_id: null });

    expect(await screen.findByText("Splices")).toBeInTheDocument();
  });

  it("refetches the queue every 15 seconds while the live connection is down", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const server: Server = { gates: [gate(1, { title: "Knots" })] };
    const api = signedIn("viewer", server);
    renderReviewQueue(api);
    await screen.findByText("Knots");
    expect(QUEUE_REFETCH_MS).toBe(15_000);
    const before = api.requestsTo(PENDING).length;
    server.gates = [...server.gates, gate(2, { title: "Splices" })];

    await vi.advanceTimersByTimeAsync(QUEUE_REFETCH_MS);

    expect(await screen.findByText("Splices")).toBeInTheDocument();
    expect(api.requestsTo(PENDING).length).toBe(before + 1);
  });

  it("lists the pending gates with course, kind, subject, waiting time and a course link", async () => {
    const api = signedIn("reviewer", {
      gates: [
        gate(1, { title: "Knots", round: 2 }),
        gate(2, { kind: "outline", lesson_key: null, title: "Outline", course_id: BAKING }),
        gate(3, { kind: "final", lesson_key: null, title: "Final approval" }),
      ],
    });
    renderReviewQueue(api);

    await screen.findByRole("link", { name: "Baking" });
    const [knots, outline, final] = rows();
    expect(knots).toHaveTextContent("Sailing");
    expect(knots).toHaveTextContent("Lesson");
    expect(knots).toHaveTextContent("Knots");
    expect(knots).toHaveTextContent("(round 2)");
    expect(knots).toHaveTextContent("5 minutes ago");
    expect(within(knots!).getByRole("link", { name: "Sailing" })).toHaveAttribute("href", `/courses/${SAILING}`);
    expect(outline).toHaveTextContent("Outline");
    expect(within(outline!).getByRole("link", { name: "Baking" })).toHaveAttribute("href", `/courses/${BAKING}`);
    expect(final).toHaveTextContent("Final approval");

    expect(within(knots!).getByRole("button", { name: "Approve lesson 'Knots' of 'Sailing'" })).toBeEnabled();
    expect(within(knots!).getByRole("button", { name: "Reject lesson 'Knots' of 'Sailing'" })).toBeEnabled();
    expect(within(outline!).getByRole("button", { name: "Approve the outline of 'Baking'" })).toBeEnabled();
    // A final rejection needs the lessons to redraft, which the queue does not carry.
    expect(within(final!).getByRole("link", { name: /Reject the final review of 'Sailing'/ })).toHaveAttribute(
      "href",
      `/courses/${SAILING}`,
    );

    const sent = new URL(api.requestsTo(PENDING)[0]!.url).searchParams;
    expect(sent.get("page")).toBe("1");
    expect(sent.get("page_size")).toBe("50");
    expect(sent.has("kind")).toBe(false);
    expect(sent.has("course_id")).toBe(false);
  });

  it("maps the filters to the query parameters and keeps them in the URL", async () => {
    const api = signedIn("reviewer", {
      gates: [gate(1), gate(2, { kind: "outline", title: "Outline", course_id: BAKING })],
    });
    const { router } = renderReviewQueue(api);
    await screen.findByText("Lesson 1");
    const user = userEvent.setup();

    await user.selectOptions(screen.getByLabelText("Gate"), "outline");
    await waitFor(() => expect(screen.queryByText("Lesson 1")).not.toBeInTheDocument());
    expect(rows()).toHaveLength(1);
    let last = new URL(api.requestsTo(PENDING).at(-1)!.url).searchParams;
    expect(last.get("kind")).toBe("outline");
    expect(router.state.location.search).toBe("?kind=outline");

    await user.selectOptions(screen.getByLabelText("Gate"), "");
    await user.selectOptions(await screen.findByRole("combobox", { name: "Course" }), "Sailing");
    await waitFor(() => expect(screen.queryByText("Outline", { selector: "span" })).not.toBeInTheDocument());
    last = new URL(api.requestsTo(PENDING).at(-1)!.url).searchParams;
    expect(last.get("course_id")).toBe(SAILING);
    expect(last.has("kind")).toBe(false);
    expect(router.state.location.search).toBe(`?course=${SAILING}`);
  });

  it("reads the filters from the URL on arrival", async () => {
    const api = signedIn("reviewer", { gates: [gate(1)] });
    renderReviewQueue(api, `/reviews?kind=lesson&course=${SAILING}&page=2`);
    await screen.findByText("Lesson 1");
    const sent = new URL(api.requestsTo(PENDING)[0]!.url).searchParams;
    expect(sent.get("kind")).toBe("lesson");
    expect(sent.get("course_id")).toBe(SAILING);
    expect(sent.get("page")).toBe("2");
  });

  it("approves in place: posts the decision, removes the row and announces it", async () => {
    const api = signedIn("reviewer", { gates: [gate(1, { title: "Knots" }), gate(2)] });
    renderReviewQueue(api);
    const approve = await screen.findByRole("button", { name: "Approve lesson 'Knots' of 'Sailing'" });

    await userEvent.setup().click(approve);

    await waitFor(() => expect(screen.queryByText("Knots")).not.toBeInTheDocument());
    expect(rows()).toHaveLength(1);
    const sent = decisions(api);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe("POST");
    expect(new URL(sent[0]!.url).pathname).toBe(
      `/api/v1/courses/${SAILING}/runs/${uuid(500)}/gates/${uuid(1001)}/decision`,
    );
    expect(await sent[0]!.json()).toEqual({ decision: "approve", feedback: "" });
    const status = screen.getAllByRole("status").find((el) => el.getAttribute("aria-live") === "polite");
    expect(status).toHaveTextContent("Approved lesson 'Knots' of 'Sailing'. It has left the queue.");
    // The queue is asked again to confirm; focus, whose row is gone, moves to the heading.
    await waitFor(() => expect(api.requestsTo(PENDING).length).toBeGreaterThanOrEqual(2));
    expect(screen.getByRole("heading", { name: "Reviews waiting" })).toHaveFocus();
  });

  it("disables Approve while the decision is on its way", async () => {
    let release: () => void = () => undefined;
    const api = signedIn("reviewer", {
      gates: [gate(1, { title: "Knots" })],
      decide: () => undefined,
    });
    const original = api.fetch.getMockImplementation()!;
    api.fetch.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (DECISION.test(new URL(request.url).pathname)) {
        await new Promise<void>((resolve) => (release = resolve));
      }
      return original(request);
    });
    renderReviewQueue(api);
    const approve = await screen.findByRole("button", { name: "Approve lesson 'Knots' of 'Sailing'" });

    await userEvent.setup().click(approve);

    expect(approve).toBeDisabled();
    expect(approve).toHaveTextContent("Approving…");
    release();
    await waitFor(() => expect(screen.queryByText("Knots")).not.toBeInTheDocument());
  });

  it("rejects with required feedback, then posts it", async () => {
    const api = signedIn("reviewer", { gates: [gate(1, { title: "Knots" })] });
    renderReviewQueue(api);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Reject lesson 'Knots' of 'Sailing'" }));

    const field = screen.getByRole("textbox", { name: /Feedback for lesson 'Knots' of 'Sailing'/ });
    expect(field).toHaveFocus();

    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription(/Write the feedback/);
    expect(field).toHaveFocus();

    await user.type(field, "   ");
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(decisions(api)).toHaveLength(0);

    await user.clear(field);
    await user.type(field, "Explain the bowline first.");
    expect(field).toHaveAttribute("aria-invalid", "false");
    await user.click(screen.getByRole("button", { name: "Send" }));

    await waitFor(() => expect(screen.queryByText("Knots")).not.toBeInTheDocument());
    const sent = decisions(api);
    expect(sent).toHaveLength(1);
    expect(await sent[0]!.json()).toEqual({ decision: "reject", feedback: "Explain the bowline first." });
    expect(await screen.findByText("Nothing is waiting for review.")).toBeInTheDocument();
    expect(screen.getByText(/Rejected with feedback: lesson 'Knots' of 'Sailing'/)).toBeInTheDocument();
  });

  it("refuses feedback above the server's maximum length", async () => {
    expect(FEEDBACK_MAX_LENGTH).toBe(openapi.components.schemas.DecisionCreate.properties.feedback.maxLength);
    const api = signedIn("reviewer", { gates: [gate(1, { title: "Knots" })] });
    renderReviewQueue(api);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /Reject lesson 'Knots'/ }));
    const field = screen.getByRole("textbox", { name: /Feedback for/ });

    await user.click(field);
    await user.paste("x".repeat(FEEDBACK_MAX_LENGTH + 1));
    await user.click(screen.getByRole("button", { name: "Send" }));

    expect(field).toHaveAccessibleDescription(/at most 10,000 characters \(it has 10,001\)/);
    expect(decisions(api)).toHaveLength(0);
  });

  it("Cancel closes the form and puts focus back on the row's Reject button", async () => {
    const api = signedIn("reviewer", { gates: [gate(1, { title: "Knots" })] });
    renderReviewQueue(api);
    const user = userEvent.setup();
    const reject = await screen.findByRole("button", { name: "Reject lesson 'Knots' of 'Sailing'" });
    await user.click(reject);
    expect(reject).toHaveAttribute("aria-expanded", "true");

    await user.click(screen.getByRole("button", { name: "Cancel" }));

    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
    expect(reject).toHaveFocus();
    expect(reject).toHaveAttribute("aria-expanded", "false");
    expect(decisions(api)).toHaveLength(0);
  });

  it("a gate someone else decided (409) says so and refreshes the list", async () => {
    const server: Server = {
      gates: [gate(1, { title: "Knots" }), gate(2)],
      decide: (target) => {
        // Meanwhile another reviewer approved it: it is no longer pending.
        server.gates = server.gates.filter((g) => g !== target);
        return apiError(409, "gate_not_pending", "This gate is decided (approve).");
      },
    };
    const api = signedIn("reviewer", server);
    renderReviewQueue(api);
    await userEvent.setup().click(await screen.findByRole("button", { name: /Approve lesson 'Knots'/ }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(
      "Someone else has already decided lesson 'Knots' of 'Sailing'. This gate is decided (approve). The queue has been refreshed.",
    );
    await waitFor(() => expect(screen.queryByText("Knots")).not.toBeInTheDocument());
    expect(rows()).toHaveLength(1);
    expect(api.requestsTo(PENDING).length).toBeGreaterThanOrEqual(2);
  });

  it("other errors stay on the row, with the server's message", async () => {
    const api = signedIn("reviewer", {
      gates: [gate(1, { title: "Knots" })],
      decide: () => apiError(409, "run_busy", "This run is in the middle of a step; try again in a moment."),
    });
    renderReviewQueue(api);
    const approve = await screen.findByRole("button", { name: /Approve lesson 'Knots'/ });
    await userEvent.setup().click(approve);

    expect(await screen.findByRole("alert")).toHaveTextContent("This run is in the middle of a step; try again in a moment.");
    expect(screen.getByText("Knots")).toBeInTheDocument();
    expect(approve).toBeEnabled();
  });

  it.each<[Role, boolean]>([
    ["admin", true],
    ["reviewer", true],
    ["editor", false],
    ["viewer", false],
    [null, false],
  ])("global role %s: actions shown = %s", async (role, shown) => {
    const api = signedIn(role, { gates: [gate(1, { title: "Knots" })] });
    renderReviewQueue(api);
    await screen.findByRole("link", { name: "Sailing" });

    if (shown) {
      expect(screen.getByRole("button", { name: /Approve lesson 'Knots'/ })).toBeInTheDocument();
    } else {
      await waitFor(() => expect(api.requestsTo(`/api/v1/courses/${SAILING}/members`)).toHaveLength(1));
      expect(screen.queryByRole("button", { name: /Approve|Reject/ })).not.toBeInTheDocument();
      expect(screen.queryByRole("columnheader", { name: "Decision" })).not.toBeInTheDocument();
      expect(screen.getByText(/need the reviewer or admin role/)).toBeInTheDocument();
    }
  });

  it("a course membership with the reviewer or admin role grants the actions on that course only", async () => {
    const api = signedIn("editor", {
      gates: [gate(1, { title: "Knots" }), gate(2, { title: "Bread", course_id: BAKING })],
      members: { [SAILING]: [{ user_id: ME, role: "admin" }], [BAKING]: [{ user_id: ME, role: "viewer" }] },
    });
    renderReviewQueue(api);

    expect(await screen.findByRole("button", { name: "Approve lesson 'Knots' of 'Sailing'" })).toBeInTheDocument();
    const bread = rows().find((row) => row.textContent?.includes("Bread"))!;
    expect(within(bread).queryByRole("button")).not.toBeInTheDocument();
    expect(bread).toHaveTextContent("View only");
  });

  it("says so when nothing is waiting", async () => {
    const api = signedIn("reviewer", { gates: [] });
    renderReviewQueue(api);

    expect(await screen.findByText("Nothing is waiting for review.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("shows a loading error and retries on request", async () => {
    let fail = true;
    const api = signedIn("reviewer", {
      gates: [gate(1, { title: "Knots" })],
      failPending: () => (fail ? apiError(503, "unavailable", "The database is not reachable.") : undefined),
    });
    renderReviewQueue(api);

    expect(await screen.findByRole("alert")).toHaveTextContent("The database is not reachable.");
    fail = false;
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Knots")).toBeInTheDocument();
  });
});
