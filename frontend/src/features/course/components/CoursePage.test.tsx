import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { apiError, json, signedInApi } from "../../../test/fakeApi";
import { courseRead, gateRead, runRead, runState } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { CourseRead } from "../../exports/api/exports";
import { RUN_POLL_MS, type GateRead, type RunRead, type RunState } from "../api/runs";

const COURSE_ID = "00000000-0000-4000-8000-00000000c0de";
const PAGE = `/courses/${COURSE_ID}`;
const COURSE = `/api/v1${PAGE}`;
const RUNS = `${COURSE}/runs`;
const RUN_ID = "00000000-0000-4000-a000-000000000002";
const OLD_RUN_ID = "00000000-0000-4000-a000-000000000001";

const course = (status: CourseRead["status"] = "generating") => courseRead({ id: COURSE_ID, status });

function run(overrides: Partial<RunRead> = {}): RunRead {
  return runRead({ id: RUN_ID, course_id: COURSE_ID, ...overrides });
}

let gateSerial = 0;
function gate(overrides: Partial<GateRead> = {}): GateRead {
  gateSerial += 1;
  const id = `00000000-0000-4000-b000-${String(gateSerial).padStart(12, "0")}`;
  return gateRead({ id, run_id: RUN_ID, course_id: COURSE_ID, kind: "outline", title: "Outline", ...overrides });
}

const state = runState;

interface Backend {
  course?: () => Response;
  runs?: RunRead[];
  /** The state answered on the n-th GET of a run (0-based). */
  state?: (n: number, runId: string) => RunState;
}

function backend(options: Backend = {}) {
  let states = 0;
  return signedInApi("editor", (_request, url) => {
    const path = url.pathname;
    if (path === COURSE) return options.course !== undefined ? options.course() : json(course());
    if (path === RUNS) return json(options.runs ?? []);
    if (path === `${COURSE}/outline`) return json([]);
    const one = /^\/api\/v1\/courses\/[^/]+\/runs\/([^/]+)$/.exec(path);
    if (one !== null && options.state !== undefined) return json(options.state(states++, one[1]!));
    return apiError(404, "not_found", "Not found.");
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("course page", () => {
  it("shows the course title and status with links to its exports and reviews", async () => {
    const api = backend();
    renderApp(api.session, PAGE);

    expect(await screen.findByText("Loading course…", { selector: "[role=status]" })).toBeInTheDocument();
    expect(await screen.findByRole("heading", { level: 1, name: "Rust for Analysts" })).toBeInTheDocument();
    expect(screen.getByText(/^Status:/)).toHaveTextContent("Status: Generating");
    const nav = screen.getByRole("navigation", { name: "Course" });
    expect(within(nav).getByRole("link", { name: "Exports" })).toHaveAttribute("href", `/courses/${COURSE_ID}/exports`);
    expect(within(nav).getByRole("link", { name: "Reviews" })).toHaveAttribute("href", `/reviews?course=${COURSE_ID}`);
  });

  it("says so when no workflow run has started", async () => {
    const api = backend({ runs: [] });
    renderApp(api.session, PAGE);

    expect(await screen.findByText("No workflow run has started for this course.")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "Latest workflow run" })).toBeInTheDocument();
    expect(api.requests.some((r) => new URL(r.url).pathname.startsWith(`${RUNS}/`))).toBe(false);
  });

  it("shows the latest run's status, phase, cost and pending gates with their kinds", async () => {
    const waiting = run({ status: "waiting", phase: "lessons", cost_usd: "0.5" });
    const api = backend({
      // Listed oldest first on purpose: the page must still pick the newest.
      runs: [run({ id: OLD_RUN_ID, status: "cancelled", started_at: "2024-04-01T08:00:00Z" }), waiting],
      state: () =>
        state(waiting, {
          gates: [
            gate({ kind: "outline", status: "applied", decision: "approve" }),
            gate({ kind: "lesson", title: "Ownership", lesson_key: "m1-l1" }),
            gate({ kind: "lesson", title: "Borrowing", lesson_key: "m1-l2" }),
          ],
          lessons: { "m1-l1": { status: "drafted" }, "m1-l2": { status: "drafted" }, "m1-l3": { status: "approved" } },
        }),
    });
    renderApp(api.session, PAGE);

    const facts = (await screen.findByText("Status", { selector: "dt" })).closest("dl")!;
    await waitFor(() => expect(within(facts).getByText("2 gates wait for a reviewer:")).toBeInTheDocument());
    expect(fact(facts, "Status")).toHaveTextContent("Waiting for review");
    expect(fact(facts, "Phase")).toHaveTextContent("Lessons");
    expect(fact(facts, "Cost")).toHaveTextContent("$0.50");
    expect(fact(facts, "Lessons")).toHaveTextContent("1 of 3 approved");
    const pending = within(fact(facts, "Pending reviews")).getAllByRole("listitem");
    expect(pending.map((li) => li.textContent)).toEqual(["Lesson: Ownership", "Lesson: Borrowing"]);
    expect(within(facts).queryByText("Failure reason")).not.toBeInTheDocument();
    expect(api.requestsTo(`${RUNS}/${RUN_ID}`)).toHaveLength(1);
    expect(api.requestsTo(`${RUNS}/${OLD_RUN_ID}`)).toHaveLength(0);
  });

  it("gives the reason of a failed run", async () => {
    const failed = run({ status: "failed", error: "The model provider refused the key.", finished_at: "2024-04-02T08:10:00Z" });
    const api = backend({ runs: [failed], state: () => state(failed) });
    renderApp(api.session, PAGE);

    expect(await screen.findByText("The model provider refused the key.")).toBeInTheDocument();
    const facts = screen.getByText("Failure reason").closest("dl")!;
    expect(fact(facts, "Status")).toHaveTextContent("Failed");
    await waitFor(() => expect(fact(facts, "Pending reviews")).toHaveTextContent("None"));
  });

  it("without live events, polls every 2 s while the run is queued or running and stops once it waits", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const phases: [RunRead["status"], string][] = [
      ["queued", "brief"],
      ["running", "outline"],
      ["waiting", "outline"],
    ];
    const api = backend({
      runs: [run({ status: "queued", phase: "brief" })],
      state: (n) => {
        const [status, phase] = phases[Math.min(n, phases.length - 1)]!;
        const r = run({ status, phase, cost_usd: status === "waiting" ? "0.02" : "0" });
        return state(r, { gates: status === "waiting" ? [gate({ kind: "outline" })] : [] });
      },
    });
    renderApp(api.session, PAGE);
    const polls = () => api.requestsTo(`${RUNS}/${RUN_ID}`).length;
    const courseFetches = () => api.requestsTo(COURSE).length;

    expect(await screen.findByText(/This run is in progress\./)).toBeInTheDocument();
    const facts = screen.getByText("Phase").closest("dl")!;
    expect(fact(facts, "Status")).toHaveTextContent("Queued");
    expect(fact(facts, "Phase")).toHaveTextContent("Reading the brief");
    expect(polls()).toBe(1);
    expect(courseFetches()).toBe(1);

    await act(() => vi.advanceTimersByTimeAsync(RUN_POLL_MS));
    expect(polls()).toBe(2);
    await waitFor(() => expect(fact(facts, "Status")).toHaveTextContent("Running"));
    expect(fact(facts, "Phase")).toHaveTextContent("Outline");
    expect(fact(facts, "Cost so far")).toHaveTextContent("$0.00");

    await act(() => vi.advanceTimersByTimeAsync(RUN_POLL_MS));
    expect(polls()).toBe(3);
    await waitFor(() => expect(fact(facts, "Status")).toHaveTextContent("Waiting for review"));
    expect(within(fact(facts, "Pending reviews")).getByRole("listitem")).toHaveTextContent("Outline");
    expect(screen.queryByText(/This run is in progress/)).not.toBeInTheDocument();
    // The course's status follows the run, so it is fetched again once the run settles.
    await waitFor(() => expect(courseFetches()).toBe(2));

    await act(() => vi.advanceTimersByTimeAsync(RUN_POLL_MS * 10));
    expect(polls()).toBe(3);
  });

  it("says a missing course does not exist or cannot be seen", async () => {
    const api = backend({ course: () => apiError(404, "not_found", "Course not found.") });
    renderApp(api.session, PAGE);

    expect(await screen.findByRole("alert")).toHaveTextContent("This course does not exist or you cannot see it.");
    expect(screen.getByRole("heading", { level: 1, name: "Course not found" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to courses" })).toHaveAttribute("href", "/courses");
  });

  it("offers a retry when the course cannot be loaded", async () => {
    let attempts = 0;
    const api = backend({
      course: () => (++attempts === 1 ? apiError(503, "unavailable", "Try again shortly.") : json(course("in_review"))),
    });
    renderApp(api.session, PAGE);

    expect(await screen.findByRole("alert")).toHaveTextContent("Could not load the course: Try again shortly.");
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Rust for Analysts" })).toBeInTheDocument();
    expect(screen.getByText(/^Status:/)).toHaveTextContent("Status: In review");
  });

  it("offers a retry when the runs cannot be loaded", async () => {
    let attempts = 0;
    const waiting = run({ status: "waiting" });
    const api = signedInApi("editor", (_request, url) => {
      if (url.pathname === COURSE) return json(course());
      if (url.pathname === RUNS) return ++attempts === 1 ? apiError(500, "internal", "Boom.") : json([waiting]);
      if (url.pathname === `${COURSE}/outline`) return json([]);
      // The page asks for the members to know whether to link the course's webhooks.
      if (url.pathname === `${COURSE}/members`) return json([]);
      return json(state(waiting));
    });
    renderApp(api.session, PAGE);

    expect(await screen.findByRole("alert")).toHaveTextContent("Could not load the workflow runs: Boom.");
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Waiting for review")).toBeInTheDocument();
  });
});

/** The <dd> that follows the <dt> named `term`. */
function fact(list: HTMLElement, term: string): HTMLElement {
  const dt = within(list).getByText(term, { selector: "dt" });
  const dd = dt.nextElementSibling;
  if (!(dd instanceof HTMLElement) || dd.tagName !== "DD") throw new Error(`no <dd> after ${term}`);
  return dd;
}

describe("CoursePage with live events", () => {
  it("refreshes the run on events instead of polling, and shows notable ones as toasts", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let waiting = false;
    const api = backend({
      runs: [run({ status: "running" })],
      state: () =>
        waiting
          ? state(run({ status: "waiting" }), { gates: [gate({ kind: "outline" })] })
          : state(run({ status: "running" })),
    });
    const { live } = renderApp(api.session, PAGE);
    const polls = () => api.requestsTo(`${RUNS}/${RUN_ID}`).length;
    const socket = await live.server();
    await waitFor(() => expect(socket.sent).toContainEqual({ type: "subscribe", course_id: COURSE_ID }));
    socket.frame({ type: "subscribed", course_id: COURSE_ID, after_seq: 4, head: 4 });
    const facts = (await screen.findByText("Phase")).closest("dl")!;
    await waitFor(() => expect(fact(facts, "Status")).toHaveTextContent("Running"));
    const before = polls();

    await act(() => vi.advanceTimersByTimeAsync(RUN_POLL_MS * 3));
    expect(polls()).toBe(before); // live: no polling

    waiting = true;
    await act(() => live.emit(COURSE_ID, 5, "run.waiting", { gates: 1 }));
    await waitFor(() => expect(fact(facts, "Status")).toHaveTextContent("Waiting for review"));
    expect(within(screen.getByRole("region", { name: "Notifications" })).getByText("The workflow waits for a review.")).toBeInTheDocument();
  });
});
