import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Role } from "../../auth/permissions";
import { apiError, json, signedInApi } from "../../../test/fakeApi";
import { courseRead, gateRead, runRead, runState, uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { RunRead, RunState } from "../../course/api/runs";

const COURSE_ID = uuid("c0de");
const COURSE = `/api/v1/courses/${COURSE_ID}`;
const RUN_ID = uuid(500);
const RUN = `${COURSE}/runs/${RUN_ID}`;

const OUTLINE: RunState["outline"] = {
  modules: [
    {
      key: "m1",
      title: "Basics",
      summary: "",
      lessons: [
        { key: "m1-l1", title: "Ownership", objectives: ["Explain ownership"], covers: [0] },
        { key: "m1-l2", title: "Borrowing", objectives: ["Borrow safely"], covers: [0] },
      ],
    },
  ],
};

function backend(role: Role, runNow: () => RunRead, extra: Partial<RunState> = {}) {
  return signedInApi(role, (request, url) => {
    const path = url.pathname;
    if (path === COURSE) return json(courseRead({ id: COURSE_ID, status: "generating" }));
    if (path === `${COURSE}/runs`) return json([runNow()]);
    if (path === RUN) return json(runState(runNow(), { outline: OUTLINE, ...extra }));
    if (path === `${RUN}/retry` && request.method === "POST") return json(runRead({ status: "queued" }), 202);
    if (path === `${COURSE}/members`) return json([]);
    if (path === `${COURSE}/outline`) {
      const written = { id: uuid(61), workflow_key: "m1-l2", position: 2, title: "Borrowing", objectives: [], status: "draft", version: 1, deleted_at: null };
      return json([{ id: uuid(60), position: 1, title: "Basics", summary: "", objectives: [], lessons: [written] }]);
    }
    return apiError(404, "not_found", "Not found.");
  });
}

async function liveRun(role: Role, runNow: () => RunRead, extra: Partial<RunState> = {}) {
  const api = backend(role, runNow, extra);
  const view = renderApp(api.session, `/courses/${COURSE_ID}/run`);
  const socket = await view.live.server();
  await waitFor(() => expect(socket.sent).toContainEqual({ type: "subscribe", course_id: COURSE_ID }));
  socket.frame({ type: "subscribed", course_id: COURSE_ID, after_seq: 10, head: 10 });
  await screen.findByRole("heading", { level: 1, name: "Rust for Analysts: workflow run" });
  return { api, ...view };
}

function lessonItem(title: string): HTMLElement {
  return screen.getByText(title).closest("li")!;
}

describe("RunPage", () => {
  it("streams a lesson's text as it is written, with the cost so far", async () => {
    const { live } = await liveRun("editor", () => runRead({ status: "running", phase: "lessons" }), {
      lessons: { "m1-l1": { status: "planned" }, "m1-l2": { status: "approved" } },
    });
    await screen.findByText("Ownership");
    expect(within(lessonItem("Borrowing")).getByText("Approved")).toBeInTheDocument();
    // A written lesson opens in the editor; one not written yet is plain text.
    expect(await screen.findByRole("link", { name: "Borrowing" })).toHaveAttribute(
      "href",
      `/courses/${COURSE_ID}/lessons/${uuid(61)}`,
    );
    expect(screen.queryByRole("link", { name: "Ownership" })).not.toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Live");

    const lesson = { lesson_key: "m1-l1" };
    await act(async () => {
      await live.emit(COURSE_ID, 11, "lesson.started", { ...lesson, round: 1 });
      await live.emit(COURSE_ID, 12, "lesson.tokens", { ...lesson, chunk: 1, text: "Every value has " });
      await live.emit(COURSE_ID, 13, "lesson.tokens", { ...lesson, chunk: 2, text: "one owner." });
      await live.emit(COURSE_ID, 14, "run.cost", { run_cost_usd: "0.5" });
    });
    const item = lessonItem("Ownership");
    expect(within(item).getByText("Writing…")).toBeInTheDocument();
    expect(within(item).getByLabelText("Text of Ownership")).toHaveTextContent("Every value has one owner.");
    expect(screen.getByText("Cost so far").nextElementSibling).toHaveTextContent("$0.50");
  });

  it("shows the outline taking shape while it is written", async () => {
    const { live } = await liveRun("editor", () => runRead({ status: "running", phase: "outline" }), { outline: null });
    expect(screen.queryByRole("region", { name: /Outline so far/ })).not.toBeInTheDocument();
    const whole = JSON.stringify({ modules: [{ title: "Basics", lessons: [{ title: "Ownership" }, { title: "Borrowing" }] }] });
    const cut = whole.indexOf("Borrowing") + 3;
    await act(async () => {
      await live.emit(COURSE_ID, 11, "outline.tokens", { round: 1, attempt: 1, chunk: 1, text: whole.slice(0, cut) });
    });
    const sketch = screen.getByRole("region", { name: "Outline so far" });
    expect(within(sketch).getByText("Basics")).toBeInTheDocument();
    expect(within(sketch).getAllByRole("listitem").map((item) => item.textContent)).toEqual(["BasicsOwnershipBor", "Ownership", "Bor"]);
    await act(async () => {
      await live.emit(COURSE_ID, 12, "outline.tokens", { round: 1, attempt: 1, chunk: 2, text: whole.slice(cut) });
    });
    expect(within(sketch).getByText("Borrowing")).toBeInTheDocument();
  });

  it("says which lessons were written again after feedback, from their gates", async () => {
    const again = gateRead({ run_id: RUN_ID, course_id: COURSE_ID, kind: "lesson", lesson_key: "m1-l1", round: 2, title: "Ownership" });
    const first = gateRead({ run_id: RUN_ID, course_id: COURSE_ID, kind: "lesson", lesson_key: "m1-l2", round: 1, title: "Borrowing" });
    await liveRun("editor", () => runRead({ status: "waiting", phase: "lessons" }), {
      gates: [again, first],
      lessons: { "m1-l1": { status: "drafted", rounds: 2 }, "m1-l2": { status: "drafted", rounds: 1 } },
    });
    await screen.findByText("Ownership");
    expect(lessonItem("Ownership")).toHaveTextContent("Waiting for review · round 2");
    expect(lessonItem("Borrowing")).toHaveTextContent("Waiting for review");
    expect(lessonItem("Borrowing")).not.toHaveTextContent("round");
  });

  it("marks where the run waits and links to the outline's review", async () => {
    const outlineGate = gateRead({ run_id: RUN_ID, course_id: COURSE_ID, kind: "outline", title: "Outline" });
    await liveRun("editor", () => runRead({ status: "waiting", phase: "outline" }), { gates: [outlineGate] });
    const current = await screen.findByText(/Outline review/);
    expect(current.closest("li")).toHaveAttribute("aria-current", "step");
    expect(current.closest("li")).toHaveTextContent("waiting for a person");
    expect(screen.getByText("Outline").closest("li")).toHaveTextContent("done");
    expect(screen.getByRole("link", { name: "Review the outline" })).toHaveAttribute(
      "href",
      `/courses/${COURSE_ID}/outline`,
    );
  });

  it("offers an editor to retry a failed run and says why it failed", async () => {
    let failed = true;
    const { api, live } = await liveRun("editor", () =>
      failed ? runRead({ status: "failed", error: "The model is unreachable" }) : runRead({ status: "queued" }),
    );
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The run failed: The model is unreachable");
    await userEvent.click(within(alert).getByRole("button", { name: "Retry the run" }));
    await waitFor(() => expect(api.requestsTo(`${RUN}/retry`)).toHaveLength(1));
    failed = false;
    await act(() => live.emit(COURSE_ID, 11, "run.started", {}));
    await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
  });

  it("tells a viewer who may retry instead of offering it", async () => {
    await liveRun("viewer", () => runRead({ status: "failed", error: "Boom" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("An editor of this course can retry it.");
    expect(within(alert).queryByRole("button")).not.toBeInTheDocument();
  });
});
