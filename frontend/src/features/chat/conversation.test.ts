import { describe, expect, it } from "vitest";

import type { CourseEvent } from "../../live/frames";
import type { ChatMessage } from "./api/chat";
import { applyChatEvent, EMPTY_CONVERSATION, visible, type Conversation } from "./conversation";

let seq = 0;
function event(type: string, payload: Record<string, unknown>): CourseEvent {
  seq += 1;
  return { seq, course_id: "c1", run_id: null, type, payload, created_at: `2026-11-30T12:00:0${seq % 10}Z` };
}

const question = { message_id: "q1", lesson_id: "l1", user_id: "u1", role: "user", content: "Shorten it" };

function play(...events: CourseEvent[]): Conversation {
  return events.reduce((state, e) => applyChatEvent(state, e, "l1"), EMPTY_CONVERSATION);
}

describe("a lesson's conversation", () => {
  it("streams a reply to a question of this lesson and replaces it with the stored answer", () => {
    const writing = play(
      event("chat.message", question),
      event("chat.tokens", { message_id: "a1", reply_to: "q1", part: 0, text: "Here " }),
      event("chat.tokens", { message_id: "a1", reply_to: "q1", part: 1, text: "it is." }),
    );
    expect(visible([], writing).writing).toEqual([{ id: "a1", text: "Here it is." }]);
    const done = applyChatEvent(
      writing,
      event("chat.message", { ...question, message_id: "a1", role: "assistant", content: "Here it is." }),
      "l1",
    );
    const shown = visible([], done);
    expect(shown.messages.map((m) => [m.id, m.role])).toEqual([
      ["q1", "user"],
      ["a1", "assistant"],
    ]);
    expect(shown.writing).toEqual([]);
  });

  it("shows each message once, ignores other lessons and restarts a retried stream", () => {
    const history = [{ id: "q1", role: "user", content: "Shorten it" } as ChatMessage];
    const state = play(
      event("chat.message", question), // already in the history
      event("chat.message", { ...question, message_id: "q2", lesson_id: "other" }),
      event("chat.tokens", { message_id: "a1", reply_to: "q1", part: 0, text: "first try" }),
      event("chat.tokens", { message_id: "a1", reply_to: "q1", part: 0, text: "again" }),
      event("chat.tokens", { message_id: "x9", reply_to: "q2", part: 0, text: "another lesson's" }),
    );
    const shown = visible(history, state);
    expect(shown.messages.map((m) => m.id)).toEqual(["q1"]);
    expect(shown.writing).toEqual([{ id: "a1", text: "again" }]);
  });
});
