import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Role } from "../../auth/permissions";
import { apiError, json, signedInApi } from "../../../test/fakeApi";
import { courseRead, uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { Lesson, Revision } from "../api/lessons";
import { AUTOSAVE_DELAY_MS } from "../useAutosave";

const COURSE_ID = uuid("c0de");
const LESSON_ID = uuid(77);
const COURSE = `/api/v1/courses/${COURSE_ID}`;
const LESSON = `${COURSE}/lessons/${LESSON_ID}`;

function lesson(changes: Partial<Lesson> = {}): Lesson {
  return {
    id: LESSON_ID,
    course_id: COURSE_ID,
    module_id: uuid(70),
    position: 1,
    title: "Bowline",
    objectives: ["Tie a bowline"],
    content: "## The knot\n\nMake a loop.",
    status: "draft",
    version: 3,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-02T10:00:00Z",
    deleted_at: null,
    ...changes,
  } as Lesson;
}

function revision(version: number, content: string): Revision {
  return {
    id: uuid(800 + version),
    version,
    title: "Bowline",
    objectives: ["Tie a bowline"],
    content,
    source: version === 1 ? "ai" : "human",
    author_id: null,
    created_at: "2026-11-01T10:00:00Z",
  } as Revision;
}

interface Server {
  current: Lesson;
  /** Edits the AI proposed, as GET /suggestions lists them. */
  proposed: Record<string, unknown>[];
  /** Answer the next PATCH with 409, as if someone saved `theirs` first. */
  conflictWith: Lesson | null;
  patches: Record<string, unknown>[];
}

function backend(role: Role, server: Server) {
  return signedInApi(role, async (request, url) => {
    const path = url.pathname;
    if (path === COURSE) return json(courseRead({ id: COURSE_ID, title: "Sailing" }));
    if (path === `${COURSE}/members`) return json([]);
    if (path === `${COURSE}/chat/messages`) return json({ items: [], page: 1, page_size: 50, total: 0 });
    if (path === `${COURSE}/suggestions`) {
      return json({ items: server.proposed, page: 1, page_size: 50, total: server.proposed.length });
    }
    const accepting = /\/suggestions\/([^/]+)\/accept$/.exec(path);
    if (accepting !== null && request.method === "POST") {
      const suggestion = server.proposed.find((p) => p.id === accepting[1])!;
      server.proposed = [];
      server.current = lesson({ ...server.current, content: String(suggestion.content), version: server.current.version + 1 });
      return json({ suggestion: { ...suggestion, status: "accepted" }, lesson: server.current });
    }
    if (path === `${LESSON}/revisions`) return json([revision(1, "Loop it."), revision(2, "## The knot\n\nMake a loop.")]);
    if (path === LESSON && request.method === "PATCH") {
      const body = (await request.json()) as Record<string, unknown>;
      server.patches.push(body);
      if (server.conflictWith !== null) {
        server.current = server.conflictWith;
        server.conflictWith = null;
        return apiError(409, "version_conflict", "Someone else changed this first.");
      }
      if (body.version !== server.current.version) return apiError(409, "version_conflict", "Stale.");
      server.current = lesson({ ...server.current, ...(body as Partial<Lesson>), version: server.current.version + 1 });
      return json(server.current);
    }
    if (path === LESSON) return json(server.current);
    return apiError(404, "not_found", "Not found.");
  });
}

async function open(role: Role = "editor") {
  const server: Server = { current: lesson(), proposed: [], conflictWith: null, patches: [] };
  const api = backend(role, server);
  const { live } = renderApp(api.session, `/courses/${COURSE_ID}/lessons/${LESSON_ID}`);
  await screen.findByRole("heading", { level: 1, name: "Bowline" });
  return { server, api, live };
}

const pause = () => act(() => vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS + 50));

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("LessonEditorPage", () => {
  it("saves once typing pauses, against the version it started from", async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { server } = await open();
    expect(screen.getByRole("textbox", { name: "Lesson text" })).toHaveTextContent("Make a loop.");
    await user.type(screen.getByLabelText("Title"), " knot");
    expect(screen.getByText("Unsaved changes…")).toBeInTheDocument();
    expect(server.patches).toHaveLength(0); // not on every keystroke
    await pause();
    await waitFor(() => expect(screen.getByText("All changes saved (version 4)")).toBeInTheDocument());
    expect(server.patches).toHaveLength(1);
    expect(server.patches[0]).toMatchObject({ title: "Bowline knot", version: 3, objectives: ["Tie a bowline"] });
    expect(server.patches[0]!.content).toContain("Make a loop.");
  });

  it("stops at a conflict, shows what the other person changed, and keeps mine on request", async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { server } = await open();
    server.conflictWith = lesson({ version: 4, content: "## The knot\n\nMake a small loop first." });
    await user.type(screen.getByLabelText("Title"), "!");
    await pause();
    const conflict = await screen.findByRole("alert");
    expect(within(conflict).getByRole("heading")).toHaveTextContent("Someone else saved this lesson first");
    expect(within(conflict).getByLabelText("Their version 4 against yours")).toHaveTextContent("Make a small loop first.");
    expect(screen.getByLabelText("Title")).toBeDisabled(); // nothing more is typed into a lost cause

    await user.click(within(conflict).getByRole("button", { name: "Keep my text" }));
    await waitFor(() => expect(screen.getByText("All changes saved (version 5)")).toBeInTheDocument());
    expect(server.patches.at(-1)).toMatchObject({ title: "Bowline!", version: 4 });
  });

  it("continues from the other version when asked, dropping mine", async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { server } = await open();
    server.conflictWith = lesson({ version: 4, title: "Bowline (theirs)" });
    await user.type(screen.getByLabelText("Title"), " mine");
    await pause();
    await user.click(await screen.findByRole("button", { name: "Continue from theirs" }));
    expect(screen.getByLabelText("Title")).toHaveValue("Bowline (theirs)");
    expect(screen.getByText("All changes saved (version 4)")).toBeInTheDocument();
  });

  it("shows a revision's difference from the text now and restores it as a new version", async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { server } = await open();
    await user.click(screen.getByRole("button", { name: "Show versions" }));
    await user.click(await screen.findByRole("button", { name: /Version 1, written by AI/ }));
    const diff = screen.getByLabelText("What restoring version 1 would change");
    expect(diff).toHaveTextContent("added: Loop it.");
    expect(diff).toHaveTextContent("removed: Make a loop.");
    await user.click(screen.getByRole("button", { name: "Restore version 1" }));
    await waitFor(() => expect(server.patches).toHaveLength(1));
    expect(server.patches[0]).toMatchObject({ content: "Loop it.", version: 3 });
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Lesson text" })).toHaveTextContent("Loop it."));
  });

  it("is read only for a viewer: no toolbar, nothing saved", async () => {
    const { server } = await open("viewer");
    expect(screen.getByText(/Read only/)).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toBeDisabled();
    expect(screen.queryByRole("toolbar", { name: "Formatting" })).not.toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Lesson text" })).toHaveAttribute("contenteditable", "false");
    await pause();
    expect(server.patches).toHaveLength(0);
  });

  it("shows a version someone else saved at once, when nothing here is unsaved", async () => {
    const { server, live } = await open("reviewer");
    const socket = await live.server();
    await waitFor(() => expect(socket.sent).toContainEqual({ type: "subscribe", course_id: COURSE_ID }));
    socket.frame({ type: "subscribed", course_id: COURSE_ID, after_seq: 1, head: 1 });
    server.current = lesson({ version: 4, title: "Bowline, revised", content: "Make a loop, then a tail." });
    await act(() => live.emit(COURSE_ID, 2, "lesson.saved", { lesson_id: LESSON_ID, version: 4, by: uuid(2) }));
    await waitFor(() => expect(screen.getByLabelText("Title")).toHaveValue("Bowline, revised"));
    expect(screen.getByRole("textbox", { name: "Lesson text" })).toHaveTextContent("Make a loop, then a tail.");
    expect(screen.getByText("Someone else saved this lesson; you now see version 4.")).toBeInTheDocument();
  });

  it("chats beside the editor: the reply streams in, and a proposed edit is accepted from its diff", async () => {
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { server, live } = await open("editor");
    const socket = await live.server();
    await waitFor(() => expect(socket.sent).toContainEqual({ type: "subscribe", course_id: COURSE_ID }));
    socket.frame({ type: "subscribed", course_id: COURSE_ID, after_seq: 1, head: 1 });

    await user.type(screen.getByLabelText("Message"), "Shorten the lesson");
    await user.click(screen.getByRole("button", { name: "Send" }));
    const sent = socket.sent.at(-1) as Record<string, string>;
    expect(sent).toMatchObject({ type: "chat.send", course_id: COURSE_ID, lesson_id: LESSON_ID, text: "Shorten the lesson" });
    socket.frame({ type: "chat.accepted", id: sent.id, course_id: COURSE_ID, message_id: "q1", seq: 2 });
    await waitFor(() => expect(screen.getByLabelText("Message")).toHaveValue(""));

    const ask = { message_id: "q1", lesson_id: LESSON_ID, user_id: uuid(1), role: "user", content: "Shorten the lesson" };
    await act(async () => {
      await live.emit(COURSE_ID, 2, "chat.message", ask);
      await live.emit(COURSE_ID, 3, "chat.tokens", { message_id: "a1", reply_to: "q1", part: 0, text: "Here is a " });
    });
    const log = screen.getByRole("log", { name: "Conversation" });
    expect(log).toHaveTextContent("Answer, being written: Here is a");

    server.proposed = [
      {
        id: uuid(900),
        course_id: COURSE_ID,
        lesson_id: LESSON_ID,
        message_id: "a1",
        base_version: 3,
        content: "## The knot\n\nLoop.",
        diff: "",
        status: "proposed",
        decided_by: null,
        decided_at: null,
        created_at: "2026-11-30T12:00:00Z",
      },
    ];
    await act(async () => {
      await live.emit(COURSE_ID, 4, "chat.message", { ...ask, message_id: "a1", role: "assistant", content: "Here is a shorter one." });
      await live.emit(COURSE_ID, 5, "suggestion.created", { suggestion_id: uuid(900), lesson_id: LESSON_ID });
    });
    expect(log).toHaveTextContent("Answer: Here is a shorter one.");
    const diff = await screen.findByLabelText("Proposed edit of the lesson");
    expect(diff).toHaveTextContent("removed: Make a loop.");
    expect(diff).toHaveTextContent("added: Loop.");
    await user.click(screen.getByRole("button", { name: "Accept the edit" }));
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Lesson text" })).toHaveTextContent("Loop."));
    expect(screen.getByRole("textbox", { name: "Lesson text" })).not.toHaveTextContent("Make a loop.");
    expect(screen.getByText("All changes saved (version 4)")).toBeInTheDocument();
  });

  it("says it edits this lesson and shows who else is on the course", async () => {
    const { live } = await open("editor");
    const socket = await live.server();
    await waitFor(() => expect(socket.sent).toContainEqual({ type: "subscribe", course_id: COURSE_ID }));
    socket.frame({ type: "subscribed", course_id: COURSE_ID, after_seq: 1, head: 1 });
    await waitFor(() =>
      expect(socket.sent).toContainEqual({ type: "presence", course_id: COURSE_ID, state: "editing", lesson_id: LESSON_ID }),
    );
    const me = { user_id: uuid(1), display_name: "Ada", state: "editing", lesson_id: LESSON_ID };
    const bob = { user_id: uuid(2), display_name: "Bob", state: "viewing", lesson_id: null };
    const cy = { user_id: uuid(3), display_name: "Cy", state: "editing", lesson_id: LESSON_ID };
    act(() => socket.frame({ type: "presence", course_id: COURSE_ID, people: [me, bob, cy] }));
    expect(screen.getByTestId("presence")).toHaveTextContent("Also here: Bob (viewing), Cy (editing this lesson)");
    const dan = { user_id: uuid(4), display_name: "Dan", state: "viewing", lesson_id: uuid(99) };
    act(() => socket.frame({ type: "presence", course_id: COURSE_ID, people: [me, dan] }));
    expect(screen.getByTestId("presence")).toHaveTextContent("Also here: Dan (viewing a lesson)");
    act(() => socket.frame({ type: "presence", course_id: COURSE_ID, people: [me] }));
    expect(screen.getByTestId("presence")).toHaveTextContent("Nobody else is here.");
  });
});
