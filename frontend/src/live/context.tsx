import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";

import type { ApiSession } from "../api/client";
import { useApi } from "../api/context";
import { LiveConnection, type LiveStatus, type SocketLike } from "./connection";
import type { CourseEvent, FeedNotice } from "./frames";

const LiveContext = createContext<LiveConnection | null>(null);
const RENEW_BEFORE_MS = 30_000; // a token about to expire would be refused mid-handshake

export function socketUrl(location: Location = window.location): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/api/v1/ws`;
}

export function createLiveConnection(
  api: ApiSession,
  openSocket?: (url: string) => SocketLike,
  url: string = socketUrl(),
): LiveConnection {
  return new LiveConnection({
    url,
    openSocket,
    session: {
      accessToken: async () => {
        if (api.tokens.accessTtlMs() < RENEW_BEFORE_MS && api.tokens.refresh !== null) await api.renew();
        return api.tokens.access;
      },
      renew: () => api.renew(),
    },
  });
}

/** One live connection for the signed-in tab; `connection` lets tests pass their own. */
export function LiveProvider({ connection, children }: { connection?: LiveConnection; children: ReactNode }) {
  const api = useApi();
  const [live] = useState(() => connection ?? createLiveConnection(api));
  useEffect(
    () =>
      api.tokens.subscribe(() => {
        if (api.tokens.access === null && api.tokens.refresh === null) live.close(); // signed out
      }),
    [api, live],
  );
  useEffect(() => () => live.close(), [live]);
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLiveConnection(): LiveConnection {
  const live = useContext(LiveContext);
  if (live === null) throw new Error("live hooks need a <LiveProvider> above them");
  return live;
}

/**
 * Calls `onEvent` for each new event of the course while the component is mounted, and
 * `onResync` whenever the stream (re)starts, when state fetched earlier may be stale.
 */
export function useCourseEvents(
  courseId: string,
  onEvent: (event: CourseEvent) => void,
  onResync?: () => void,
): void {
  const live = useLiveConnection();
  const handlers = useRef({ onEvent, onResync });
  handlers.current = { onEvent, onResync };
  useEffect(
    () =>
      live.follow(
        courseId,
        (event) => handlers.current.onEvent(event),
        () => handlers.current.onResync?.(),
      ),
    [live, courseId],
  );
}

export function useLiveStatus(): LiveStatus {
  const live = useLiveConnection();
  return useSyncExternalStore(
    (changed) => live.onStatus(changed),
    () => live.status,
  );
}

/** Sends a frame the server answers (chat.send); rejects with a LiveError it explains. */
export function useLiveRequest(): LiveConnection["request"] {
  const live = useLiveConnection();
  return useCallback((frame) => live.request(frame), [live]);
}

const FEED_SETTLE_MS = 250; // one refetch for a burst (a run's phase, wait and review at once)

/**
 * Calls `onChange` when courses the user may read move (run state, reviews, exports), at most
 * once per burst, and after a reconnect: for pages listing many courses. `onChange` gets the
 * notices of the burst; none after a reconnect, when everything may have changed.
 */
export function useCoursesFeed(onChange: (notices: FeedNotice[]) => void): void {
  const live = useLiveConnection();
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    let burst: FeedNotice[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const notices = burst;
      burst = [];
      handler.current(notices);
    };
    const stop = live.watchFeed({
      notice: (notice) => {
        burst.push(notice);
        timer ??= setTimeout(flush, FEED_SETTLE_MS);
      },
      resync: () => {
        burst = [];
        if (timer !== null) clearTimeout(timer);
        timer = null;
        handler.current([]);
      },
    });
    return () => {
      stop();
      if (timer !== null) clearTimeout(timer);
    };
  }, [live]);
}
