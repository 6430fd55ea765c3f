import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Role } from "../../auth/permissions";
import { apiError, json, signedInApi } from "../../../test/fakeApi";
import { courseRead, gateRead, runRead, runState, uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { Outline } from "../draft";

const COURSE_ID = uuid("c0de");
const COURSE = `/api/v1/courses/${COURSE_ID}`;
const RUN_ID = uuid(500);
const GATE = gateRead({ id: uuid(900), run_id: RUN_ID, course_id: COURSE_ID, kind: "outline", title: "Outline" });
const DECISION = `${COURSE}/runs/${RUN_ID}/gates/${GATE.id}/decision`;

const OUTLINE: Outline = {
  modules: [
    {
      key: "m1",
      title: "Knots",
      summary: "",
      lessons: [
        { key: "m1-l1", title: "Bowline", objectives: ["Tie a bowline"], covers: [0] },
        { key: "m1-l2", title: "Cleat hitch", objectives: ["Cleat a line"], covers: [0] },
      ],
    },
  ],
};

function backend(role: Role, feedback: string[] = []) {
  return signedInApi(role, (request, url) => {
    const path = url.pathname;
    if (path === COURSE) return json(courseRead({ id: COURSE_ID, title: "Sailing" }));
    if (path === `${COURSE}/runs`) return json([runRead({ status: "waiting" })]);
    if (path === `${COURSE}/runs/${RUN_ID}`) {
      return json(runState(runRead({ status: "waiting" }), { outline: OUTLINE, gates: [GATE], outline_feedback: feedback }));
    }
    if (path === `${COURSE}/members`) return json([]);
    if (path === DECISION && request.method === "POST") return json({ ...GATE, status: "decided" });
    return apiError(404, "not_found", "Not found.");
  });
}

async function openAs(role: Role, feedback: string[] = []) {
  const api = backend(role, feedback);
  const view = renderApp(api.session, `/courses/${COURSE_ID}/outline`);
  await screen.findByRole("heading", { level: 1, name: "Sailing: outline" });
  await screen.findByLabelText("Lesson 1.1 title");
  return { api, ...view };
}

async function decisionBody(api: ReturnType<typeof backend>): Promise<Record<string, unknown>> {
  await waitFor(() => expect(api.requestsTo(DECISION)).toHaveLength(1));
  return (await api.requestsTo(DECISION)[0]!.json()) as Record<string, unknown>;
}

describe("OutlineReviewPage", () => {
  it("lets a reviewer retitle and reorder lessons from the keyboard, then approve with the edits", async () => {
    const user = userEvent.setup();
    const { api, router } = await openAs("reviewer");
    await user.clear(screen.getByLabelText("Lesson 1.1 title"));
    await user.type(screen.getByLabelText("Lesson 1.1 title"), "The bowline");

    const handle = screen.getByRole("button", { name: /Reorder lesson Cleat hitch/ });
    handle.focus();
    await user.keyboard("{ArrowUp}");
    expect(screen.getByText("lesson Cleat hitch moved to position 1 of 2.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Reorder lesson Cleat hitch \(position 1 of 2\)/ })).toHaveFocus();
    expect(screen.getByLabelText("Lesson 1.1 title")).toHaveValue("Cleat hitch");

    await user.click(screen.getByRole("button", { name: "Approve with my edits" }));
    const body = await decisionBody(api);
    expect(body.decision).toBe("edit");
    const lessons = (body.outline as Outline).modules[0]!.lessons;
    expect(lessons.map((l) => [l.key, l.title])).toEqual([
      ["m1-l2", "Cleat hitch"],
      ["m1-l1", "The bowline"],
    ]);
    await waitFor(() => expect(router.state.location.pathname).toBe(`/courses/${COURSE_ID}/run`));
  });

  it("approves unchanged, and holds back an edit that would be refused", async () => {
    const user = userEvent.setup();
    const { api } = await openAs("admin");
    await user.clear(screen.getByLabelText("Lesson 1.2, objective 1"));
    const approve = screen.getByRole("button", { name: "Approve with my edits" });
    expect(approve).toBeDisabled();
    expect(screen.getByRole("alert")).toHaveTextContent("Lesson 1.2 needs at least one objective.");
    await user.type(screen.getByLabelText("Lesson 1.2, objective 1"), "Cleat a line");
    await user.click(screen.getByRole("button", { name: "Approve the outline" }));
    expect(await decisionBody(api)).toEqual({ decision: "approve", feedback: "" });
  });

  it("sends a rejection only with feedback and shows the earlier rounds", async () => {
    const user = userEvent.setup();
    const { api } = await openAs("reviewer", ["Too long", "Start with safety"]);
    const rounds = screen.getByRole("region", { name: "Earlier feedback on this outline" });
    expect(within(rounds).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Round 1: Too long",
      "Round 2: Start with safety",
    ]);
    await user.click(screen.getByRole("button", { name: "Reject with feedback…" }));
    const send = screen.getByRole("button", { name: "Send the rejection" });
    expect(send).toBeDisabled();
    await user.type(screen.getByLabelText("What should the next draft change?"), "Add a lesson on reefing");
    await user.click(send);
    expect(await decisionBody(api)).toEqual({ decision: "reject", feedback: "Add a lesson on reefing" });
  });

  it("shows an editor the outline without letting them decide", async () => {
    await openAs("editor");
    expect(screen.getByLabelText("Lesson 1.1 title")).toBeDisabled();
    expect(screen.queryByRole("button", { name: /Approve/ })).not.toBeInTheDocument();
    expect(screen.getByText(/waits for a reviewer/)).toBeInTheDocument();
  });
});
