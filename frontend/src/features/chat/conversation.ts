import type { CourseEvent } from "../../live/frames";
import type { ChatMessage } from "./api/chat";

/** What live events added to a lesson's conversation since its history was fetched. */
export interface Conversation {
  arrived: ChatMessage[];
  /** Replies being written, by their message id: the parts so far, in order. */
  streams: Record<string, { replyTo: string; parts: string[] }>;
}

export const EMPTY_CONVERSATION: Conversation = { arrived: [], streams: {} };

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

export function applyChatEvent(state: Conversation, event: CourseEvent, lessonId: string): Conversation {
  const p = event.payload;
  if (event.type === "chat.message") {
    const id = str(p.message_id);
    if (id === null || p.lesson_id !== lessonId) return state;
    const message: ChatMessage = {
      id,
      course_id: event.course_id,
      lesson_id: lessonId,
      user_id: str(p.user_id),
      role: (str(p.role) ?? "system") as ChatMessage["role"],
      content: str(p.content) ?? "",
      created_at: event.created_at,
    };
    const { [id]: _done, ...streams } = state.streams;
    const arrived = state.arrived.some((m) => m.id === id) ? state.arrived : [...state.arrived, message];
    return { arrived, streams };
  }
  if (event.type === "chat.tokens") {
    const id = str(p.message_id);
    const replyTo = str(p.reply_to);
    const text = str(p.text);
    const part = typeof p.part === "number" ? p.part : null;
    if (id === null || replyTo === null || text === null || part === null || part < 0) return state;
    // A retried job streams again from part 0: its parts replace the earlier ones.
    const parts = [...(state.streams[id]?.parts ?? [])];
    parts[part] = text;
    return { ...state, streams: { ...state.streams, [id]: { replyTo, parts } } };
  }
  return state;
}

/** The conversation to show: history and arrivals once each, then replies being written. */
export function visible(history: readonly ChatMessage[], state: Conversation) {
  const seen = new Set(history.map((m) => m.id));
  const messages = [...history, ...state.arrived.filter((m) => !seen.has(m.id))];
  const ids = new Set(messages.map((m) => m.id));
  const writing = Object.entries(state.streams)
    .filter(([id, stream]) => ids.has(stream.replyTo) && !ids.has(id))
    .map(([id, stream]) => ({ id, text: stream.parts.join("") }));
  return { messages, writing };
}
