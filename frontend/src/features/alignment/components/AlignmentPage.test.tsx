import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { apiError, json, signedInApi } from "../../../test/fakeApi";
import { courseRead } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { RunRead, RunState } from "../../course/api/runs";

const COURSE_ID = "00000000-0000-4000-8000-00000000c0de";
const PAGE = `/courses/${COURSE_ID}/alignment`;
const COURSE = `/api/v1/courses/${COURSE_ID}`;
const RUNS = `${COURSE}/runs`;
const RUN_ID = "00000000-0000-4000-a000-000000000002";

function run(overrides: Partial<RunRead> = {}): RunRead {
  return {
    id: RUN_ID,
    course_id: COURSE_ID,
    status: "waiting",
    phase: "assembly",
    offline: false,
    cost_usd: "0.10",
    parent_run_id: null,
    forked_from_checkpoint: null,
    started_by: "00000000-0000-4000-8000-000000000001",
    started_at: "2024-04-02T08:00:00Z",
    finished_at: null,
    error: null,
    ...overrides,
  };
}

const OUTLINE: RunState["outline"] = {
  modules: [
    {
      key: "m1",
      title: "Foundations",
      summary: "",
      lessons: [
        { key: "m1-l1", title: "Ownership", objectives: ["Explain ownership"], covers: [0] },
        { key: "m1-l2", title: "Borrowing", objectives: ["Use references"], covers: [0, 1] },
      ],
    },
    {
      key: "m2",
      title: "Data work",
      summary: "",
      lessons: [{ key: "m2-l1", title: "Polars", objectives: ["Load a CSV"], covers: [2] }],
    },
  ],
};

// As app/workflow/nodes/assembly.py alignment_matrix writes it.
const ALIGNMENT = {
  objectives: [
    { objective: "Explain ownership", index: 0, lessons: ["m1-l1", "m1-l2"], quiz_items: ["m1-q1", "m1-q2"], covered: true },
    { objective: "Borrow safely", index: 1, lessons: ["m1-l2"], quiz_items: ["m1-q2"], covered: true },
    { objective: "Load data with Polars", index: 2, lessons: ["m2-l1"], quiz_items: [], covered: false },
    { objective: "Write async code", index: 3, lessons: [], quiz_items: [], covered: false },
  ],
  uncovered: ["Load data with Polars", "Write async code"],
};

function state(r: RunRead, overrides: Partial<RunState> = {}): RunState {
  return { run: r, gates: [], outline: OUTLINE, outline_feedback: [], lessons: {}, alignment: null, usage: [], ...overrides };
}

function backend(options: { runs?: () => Response; state?: () => Response }) {
  return signedInApi("editor", (_request, url) => {
    if (url.pathname === COURSE) return json(courseRead({ id: COURSE_ID }));
    if (url.pathname === RUNS) return options.runs !== undefined ? options.runs() : json([]);
    if (url.pathname === `${RUNS}/${RUN_ID}` && options.state !== undefined) return options.state();
    return apiError(404, "not_found", "Not found.");
  });
}

describe("alignment page", () => {
  it("shows one row per objective with the lessons and quiz items that cover it", async () => {
    const r = run();
    const api = backend({ runs: () => json([r]), state: () => json(state(r, { alignment: ALIGNMENT })) });
    renderApp(api.session, PAGE);

    expect(await screen.findByRole("heading", { level: 1, name: "Objectives alignment" })).toBeInTheDocument();
    const table = await screen.findByRole("table");
    const headers = within(table).getAllByRole("columnheader").map((th) => th.textContent);
    expect(headers).toEqual(["Objective", "Lessons", "Quiz items"]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(4);

    const first = rows[0]!;
    expect(within(first).getByRole("rowheader")).toHaveTextContent("Explain ownership");
    const [lessons, items] = within(first).getAllByRole("cell");
    expect(within(lessons!).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Ownership", "Borrowing"]);
    expect(within(items!).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Foundations quiz, question 1",
      "Foundations quiz, question 2",
    ]);
    expect(within(first).getByText("Covered")).toBeInTheDocument();
    expect(within(first).queryByText("Not covered")).not.toBeInTheDocument();

    const third = rows[2]!;
    const [polarsLessons, polarsItems] = within(third).getAllByRole("cell");
    expect(polarsLessons).toHaveTextContent("Polars");
    expect(polarsItems).toHaveTextContent("None");
  });

  it("highlights uncovered objectives and counts them in a status summary", async () => {
    const r = run();
    const api = backend({ runs: () => json([r]), state: () => json(state(r, { alignment: ALIGNMENT })) });
    renderApp(api.session, PAGE);

    const table = await screen.findByRole("table");
    expect(screen.getByRole("status")).toHaveTextContent(/^2 of 4 objectives are not covered/);

    const rows = within(table).getAllByRole("row").slice(1);
    const gaps = rows.filter((row) => within(row).queryByText("Not covered") !== null);
    expect(gaps.map((row) => within(row).getByRole("rowheader").firstChild?.textContent)).toEqual([
      "Load data with Polars",
      "Write async code",
    ]);
    // Colour as well as text.
    for (const row of gaps) expect(row).toHaveClass("bg-red-50");
    expect(rows[0]).not.toHaveClass("bg-red-50");
    expect(within(gaps[0]!).getByRole("rowheader")).toHaveTextContent("No quiz item assesses this objective.");
    expect(within(gaps[1]!).getByRole("rowheader")).toHaveTextContent("No lesson serves this objective.");
  });

  it("says every objective is covered when none is missing", async () => {
    const r = run();
    const full = { objectives: ALIGNMENT.objectives.slice(0, 2), uncovered: [] };
    const api = backend({ runs: () => json([r]), state: () => json(state(r, { alignment: full })) });
    renderApp(api.session, PAGE);

    expect(await screen.findByText("All 2 objectives are covered")).toHaveAttribute("role", "status");
    expect(screen.queryByText("Not covered")).not.toBeInTheDocument();
  });

  it("names the phase the run is in before assembly has built the matrix", async () => {
    const r = run({ status: "waiting", phase: "lessons" });
    const api = backend({ runs: () => json([r]), state: () => json(state(r)) });
    renderApp(api.session, PAGE);

    const message = await screen.findByText(/There is no alignment matrix yet/);
    expect(message).toHaveTextContent("the latest run has not reached assembly. It is in the Lessons phase (waiting for review).");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("says so when no run has started, without asking for a run state", async () => {
    const api = backend({ runs: () => json([]) });
    renderApp(api.session, PAGE);

    expect(await screen.findByText(/No workflow run has started for this course/)).toBeInTheDocument();
    expect(api.requests.some((req) => new URL(req.url).pathname.startsWith(`${RUNS}/`))).toBe(false);
  });

  it("shows an error with a retry that loads the matrix again", async () => {
    const r = run();
    let calls = 0;
    const api = backend({
      runs: () => json([r]),
      state: () => (calls++ === 0 ? apiError(503, "unavailable", "The server is busy.") : json(state(r, { alignment: ALIGNMENT }))),
    });
    renderApp(api.session, PAGE);

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the latest run: The server is busy.");
    await userEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("table")).toBeInTheDocument();
  });

  it("is linked from the course page", async () => {
    const api = backend({ runs: () => json([]) });
    renderApp(api.session, `/courses/${COURSE_ID}`);

    const nav = await screen.findByRole("navigation", { name: "Course" });
    expect(within(nav).getByRole("link", { name: "Alignment" })).toHaveAttribute("href", PAGE);
  });
});
