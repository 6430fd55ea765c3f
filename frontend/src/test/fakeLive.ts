import { vi } from "vitest";

import type { ApiSession } from "../api/client";
import type { LiveConnection } from "../live/connection";
import { createLiveConnection } from "../live/context";
import type { CourseEvent } from "../live/frames";
import { FakeSocket } from "./fakeSocket";

export interface FakeLive {
  connection: LiveConnection;
  sockets: FakeSocket[];
  /** The latest socket, opened and authenticated: the server's end, for the test to play. */
  server(): Promise<FakeSocket>;
  /** Sends an event of the course on the latest socket. */
  emit(courseId: string, seq: number, type: string, payload?: Record<string, unknown>): Promise<void>;
}

export function fakeLive(session: ApiSession): FakeLive {
  const sockets: FakeSocket[] = [];
  const connection = createLiveConnection(
    session,
    () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    "ws://courzly.test/api/v1/ws",
  );
  let opened: FakeSocket | null = null;
  async function server(): Promise<FakeSocket> {
    await vi.waitFor(() => {
      if (sockets.length === 0) throw new Error("no socket opened yet");
    });
    const socket = sockets.at(-1)!;
    if (socket !== opened) {
      socket.open();
      socket.frame({ type: "authenticated", user_id: "u", expires_at: "2099-01-01T00:00:00Z" });
      opened = socket;
    }
    return socket;
  }
  return {
    connection,
    sockets,
    server,
    async emit(courseId, seq, type, payload = {}) {
      const event: CourseEvent = {
        seq,
        course_id: courseId,
        run_id: null,
        type,
        payload,
        created_at: "2026-11-30T12:00:00Z",
      };
      (await server()).frame({ type: "event", event });
    },
  };
}
