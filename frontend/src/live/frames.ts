// The WebSocket protocol of /api/v1/ws (docs/realtime.md), as far as the web app uses it.

export interface CourseEvent {
  seq: number;
  course_id: string;
  run_id: string | null;
  type: string;
  payload: Record<string, unknown>;
  created_at: string;
}

export interface Person {
  user_id: string;
  display_name: string;
  state: "viewing" | "editing";
  lesson_id: string | null;
}

export type ServerFrame =
  | { type: "authenticated"; user_id: string; expires_at: string }
  | { type: "auth.expiring"; expires_at: string }
  | { type: "subscribed"; course_id: string; after_seq: number; head: number }
  | { type: "unsubscribed"; course_id: string; reason?: string }
  | { type: "event"; event: CourseEvent }
  | { type: "lagged"; resume: { course_id: string; after_seq: number }[] }
  | { type: "error"; error: string; detail: string; course_id?: string; id?: string }
  | { type: "chat.accepted"; id?: string; course_id: string; message_id: string; seq: number }
  | { type: "presence"; course_id: string; people: Person[] }
  | { type: "watching"; id?: string }
  | { type: "unwatched"; id?: string }
  | FeedNotice
  | { type: "feed.resync" }
  | { type: "pong" };

/** The courses feed: a course the socket may read moved (its run, its reviews, an export). */
export interface FeedNotice {
  type: "feed";
  course_id: string;
  event: string;
  run_id: string | null;
}

export type ClientFrame =
  | { type: "auth"; token: string }
  | { type: "subscribe"; course_id: string; after_seq?: number }
  | { type: "unsubscribe"; course_id: string }
  | { type: "chat.send"; id: string; course_id: string; lesson_id?: string; text: string }
  | { type: "presence"; course_id: string; state: "viewing" | "editing"; lesson_id?: string }
  | { type: "watch" }
  | { type: "unwatch" };

/** Close codes that decide what the client does next (docs/realtime.md, "Close codes"). */
export const CloseCode = {
  policyViolation: 1008, // signed out or a bad token: renew once, else stay offline
  tokenExpired: 4001, // renew, reconnect, resume
  lagged: 4008, // reconnect, resume from the `lagged` frame's seqs
} as const;

export function parseFrame(text: string): ServerFrame | null {
  try {
    const frame: unknown = JSON.parse(text);
    if (typeof frame === "object" && frame !== null && typeof (frame as { type?: unknown }).type === "string") {
      return frame as ServerFrame;
    }
  } catch {
    // A frame that is not JSON is ignored like an unknown type: newer servers may add some.
  }
  return null;
}
