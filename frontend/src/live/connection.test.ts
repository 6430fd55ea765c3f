import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { FakeSocket } from "../test/fakeSocket";
import { LiveConnection, type LiveStatus, type Session } from "./connection";
import type { CourseEvent } from "./frames";

function event(courseId: string, seq: number, type = "run.phase"): CourseEvent {
  return { seq, course_id: courseId, run_id: null, type, payload: {}, created_at: "2026-11-30T12:00:00Z" };
}

// Lets pending promises (a renewal) settle; the timers are fake, so no retry fires.
const flush = () => vi.advanceTimersByTimeAsync(0);

describe("LiveConnection", () => {
  let sockets: FakeSocket[];
  let session: Session & { renew: ReturnType<typeof vi.fn> };
  let statuses: LiveStatus[];
  let live: LiveConnection;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    sockets = [];
    let token = 1;
    session = {
      accessToken: vi.fn(async () => `token-${token}`),
      renew: vi.fn(async () => {
        token += 1;
        return true;
      }),
    };
    statuses = [];
    live = new LiveConnection({
      url: "ws://test/api/v1/ws",
      session,
      openSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      backoffMs: (attempt) => attempt * 1000,
    });
    live.onStatus((s) => statuses.push(s));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  async function connected(): Promise<FakeSocket> {
    await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(0));
    const socket = sockets.at(-1)!;
    socket.open();
    socket.frame({ type: "authenticated", user_id: "u", expires_at: "2026-11-30T13:00:00Z" });
    return socket;
  }

  it("authenticates first, then subscribes every followed course from its head", async () => {
    const seen: number[] = [];
    live.follow("c1", (e) => seen.push(e.seq));
    const socket = await connected();
    expect(socket.sent).toEqual([
      { type: "auth", token: "token-1" },
      { type: "subscribe", course_id: "c1" },
    ]);
    socket.frame({ type: "subscribed", course_id: "c1", after_seq: 7, head: 7 });
    socket.frame({ type: "event", event: event("c1", 8) });
    socket.frame({ type: "event", event: event("c1", 8) }); // a repeat is dropped
    socket.frame({ type: "event", event: event("c2", 9) }); // not followed
    expect(seen).toEqual([8]);
    expect(statuses).toEqual(["connecting", "live"]);
  });

  it("reconnects after a drop and resumes each course from the last seq it saw", async () => {
    const seen: number[] = [];
    const resyncs = vi.fn();
    live.follow("c1", (e) => seen.push(e.seq), resyncs);
    const first = await connected();
    first.frame({ type: "subscribed", course_id: "c1", after_seq: 3, head: 3 });
    first.frame({ type: "event", event: event("c1", 4) });
    first.drop(1006);
    expect(live.status).toBe("reconnecting");

    await vi.advanceTimersByTimeAsync(1000);
    const second = await connected();
    expect(second.sent).toEqual([
      { type: "auth", token: "token-1" },
      { type: "subscribe", course_id: "c1", after_seq: 4 },
    ]);
    second.frame({ type: "subscribed", course_id: "c1", after_seq: 4, head: 6 });
    second.frame({ type: "event", event: event("c1", 5) });
    second.frame({ type: "event", event: event("c1", 6) });
    expect(seen).toEqual([4, 5, 6]);
    expect(resyncs).toHaveBeenCalledTimes(2); // each start: views fetch their state again
  });

  it("watches the courses feed on its own, watches again after a drop, and then asks for a resync", async () => {
    const notices: string[] = [];
    const resync = vi.fn();
    const stop = live.watchFeed({ notice: (n) => notices.push(`${n.course_id} ${n.event}`), resync });
    const first = await connected();
    expect(first.sent).toEqual([{ type: "auth", token: "token-1" }, { type: "watch" }]);
    first.frame({ type: "watching" });
    first.frame({ type: "feed", course_id: "c9", event: "review.requested", run_id: "r1" });
    expect(notices).toEqual(["c9 review.requested"]);
    expect(resync).not.toHaveBeenCalled(); // the page has just fetched its lists

    first.drop(1006);
    await vi.advanceTimersByTimeAsync(1000);
    const second = await connected();
    expect(second.sent).toEqual([{ type: "auth", token: "token-1" }, { type: "watch" }]);
    second.frame({ type: "watching" });
    expect(resync).toHaveBeenCalledTimes(1); // notices sent while away are lost
    second.frame({ type: "feed.resync" });
    expect(resync).toHaveBeenCalledTimes(2);

    stop();
    expect(second.sent.at(-1)).toEqual({ type: "unwatch" });
    expect(live.status).toBe("idle"); // nothing followed or watched: the socket goes
  });

  it("backs off longer after each failed attempt and starts over once connected", async () => {
    live.follow("c1", () => undefined);
    (await connected()).drop(1006);
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    sockets[1]!.drop(1006); // never opened
    await vi.advanceTimersByTimeAsync(1999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(sockets).toHaveLength(3));
    await connected();
    expect(live.status).toBe("live");
  });

  it("renews the token when the server warns, on the same socket", async () => {
    live.follow("c1", () => undefined);
    const socket = await connected();
    socket.frame({ type: "auth.expiring", expires_at: "2026-11-30T13:00:00Z" });
    await vi.waitFor(() => expect(socket.sent.at(-1)).toEqual({ type: "auth", token: "token-2" }));
    socket.frame({ type: "authenticated", user_id: "u", expires_at: "2026-11-30T13:15:00Z" });
    expect(socket.types()).toEqual(["auth", "subscribe", "auth"]); // no second subscribe
  });

  it("after an expired token, renews and reconnects; when renewal fails it goes offline", async () => {
    live.follow("c1", () => undefined);
    (await connected()).drop(4001);
    await flush();
    expect(session.renew).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    const second = await connected();
    expect(second.sent[0]).toEqual({ type: "auth", token: "token-2" });

    session.renew.mockResolvedValue(false);
    second.drop(1008);
    await flush();
    expect(live.status).toBe("offline");
  });

  it("resumes from the lagged frame's seqs", async () => {
    live.follow("c1", () => undefined);
    const socket = await connected();
    socket.frame({ type: "subscribed", course_id: "c1", after_seq: 0, head: 10 });
    socket.frame({ type: "lagged", resume: [{ course_id: "c1", after_seq: 12 }] });
    socket.drop(4008);
    await vi.advanceTimersByTimeAsync(1000);
    const next = await connected();
    expect(next.sent[1]).toEqual({ type: "subscribe", course_id: "c1", after_seq: 12 });
  });

  it("subscribes and unsubscribes as views come and go, and closes when none is left", async () => {
    const stopFirst = live.follow("c1", () => undefined);
    const socket = await connected();
    const stopSecond = live.follow("c2", () => undefined);
    const stopAgain = live.follow("c1", () => undefined); // already followed: no frame
    expect(socket.sent.slice(1)).toEqual([
      { type: "subscribe", course_id: "c1" },
      { type: "subscribe", course_id: "c2" },
    ]);
    stopFirst();
    expect(socket.types()).toHaveLength(3); // c1 still has a follower
    stopAgain();
    stopSecond();
    expect(socket.sent.slice(3)).toEqual([
      { type: "unsubscribe", course_id: "c1" },
      { type: "unsubscribe", course_id: "c2" },
    ]);
    expect(socket.closedWith).toBe(1000);
    expect(live.status).toBe("idle");
  });

  it("hands a course's presence to its notice listeners, and sends only while live", async () => {
    const notices = vi.fn();
    expect(live.send({ type: "presence", course_id: "c1", state: "viewing" })).toBe(false);
    live.follow("c1", () => undefined, undefined, notices);
    const socket = await connected();
    expect(live.send({ type: "presence", course_id: "c1", state: "viewing" })).toBe(true);
    expect(socket.sent.at(-1)).toEqual({ type: "presence", course_id: "c1", state: "viewing" });
    socket.frame({ type: "presence", course_id: "c1", people: [] });
    socket.frame({ type: "presence", course_id: "c2", people: [] }); // not followed
    expect(notices).toHaveBeenCalledTimes(1);
  });

  it("ignores frames that are not JSON or of unknown types", async () => {
    const seen = vi.fn();
    live.follow("c1", seen);
    const socket = await connected();
    socket.onmessage?.({ data: "not json" } as MessageEvent);
    socket.frame({ type: "presence.future", course_id: "c1" });
    expect(seen).not.toHaveBeenCalled();
    expect(live.status).toBe("live");
  });
});

describe("LiveConnection requests", () => {
  function connection(sockets: FakeSocket[]) {
    return new LiveConnection({
      url: "ws://test/api/v1/ws",
      session: { accessToken: async () => "token", renew: async () => true },
      openSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      backoffMs: () => 1000,
    });
  }

  async function liveSocket(sockets: FakeSocket[]) {
    await vi.waitFor(() => expect(sockets.length).toBe(1));
    const socket = sockets[0]!;
    socket.open();
    socket.frame({ type: "authenticated", user_id: "u", expires_at: "2026-11-30T13:00:00Z" });
    return socket;
  }

  it("pairs an answer or a refusal with what was sent, by id", async () => {
    const sockets: FakeSocket[] = [];
    const live = connection(sockets);
    live.follow("c1", () => undefined);
    const socket = await liveSocket(sockets);
    const sent = live.request({ type: "chat.send", course_id: "c1", text: "Hi" });
    const refused = live.request({ type: "chat.send", course_id: "c1", text: "" });
    const [first, second] = socket.sent.slice(-2) as { id: string }[];
    socket.frame({ type: "error", id: second!.id, error: "validation_error", detail: "text: too short" });
    socket.frame({ type: "chat.accepted", id: first!.id, course_id: "c1", message_id: "m1", seq: 3 });
    await expect(sent).resolves.toMatchObject({ type: "chat.accepted", message_id: "m1" });
    await expect(refused).rejects.toMatchObject({ code: "validation_error", message: "text: too short" });
  });

  it("refuses at once when not live, and fails what waits when the socket drops", async () => {
    const sockets: FakeSocket[] = [];
    const live = connection(sockets);
    await expect(live.request({ type: "chat.send", course_id: "c1", text: "Hi" })).rejects.toMatchObject({
      code: "not_connected",
    });
    live.follow("c1", () => undefined);
    const socket = await liveSocket(sockets);
    const waiting = live.request({ type: "chat.send", course_id: "c1", text: "Hi" });
    socket.drop(1006);
    await expect(waiting).rejects.toMatchObject({ code: "connection_lost" });
    live.close();
  });
});
