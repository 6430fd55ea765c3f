import { CloseCode, parseFrame, type ClientFrame, type CourseEvent, type FeedNotice, type ServerFrame } from "./frames";

export type LiveStatus = "idle" | "connecting" | "live" | "reconnecting" | "offline";
export type EventListener = (event: CourseEvent) => void;
/** Told when a course's stream (re)starts: what happened meanwhile must be fetched again. */
export type ResyncListener = () => void;
/** Frames about a course that are not events (presence): the state now, not history. */
export type NoticeListener = (frame: ServerFrame) => void;

/** A watcher of the courses feed: each notice, and `resync` when some may have been missed. */
export interface FeedWatcher {
  notice(notice: FeedNotice): void;
  resync(): void;
}

export interface Session {
  /** The current access token, renewed first when it is about to expire; null: signed out. */
  accessToken(): Promise<string | null>;
  /** Renews the tokens now; false when the sign-in is over. */
  renew(): Promise<boolean>;
}

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export interface LiveOptions {
  url: string;
  session: Session;
  openSocket?: (url: string) => SocketLike;
  /** Delay before reconnect attempt `n` (1, 2, ...): exponential with jitter, at most 30 s. */
  backoffMs?: (attempt: number) => number;
}

/** A client frame the server answers, without the id that pairs it with the answer. */
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;
export type Request = WithoutId<Extract<ClientFrame, { id: string }>>;

/** A refusal of something sent over the socket, with the server's words for people. */
export class LiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (frame: ServerFrame) => void;
  reject: (error: LiveError) => void;
}

interface Course {
  events: Set<EventListener>;
  resyncs: Set<ResyncListener>;
  notices: Set<NoticeListener>;
  lastSeq: number | null; // null until the stream starts: no history is wanted before that
}

const OPEN = 1;

export function defaultBackoff(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

/**
 * One socket for every course the open views follow. It authenticates with the access token,
 * renews it when the server warns, and after any drop reconnects with backoff and resumes
 * each course from the last seq it saw, so views miss nothing and see nothing twice.
 */
export class LiveConnection {
  private readonly courses = new Map<string, Course>();
  private readonly feedWatchers = new Set<FeedWatcher>();
  /** The feed was watched on an earlier socket: watching again follows a gap. */
  private feedWatched = false;
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private currentStatus: LiveStatus = "idle";
  private readonly openSocket: (url: string) => SocketLike;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private readonly backoffMs: (attempt: number) => number;

  constructor(private readonly options: LiveOptions) {
    this.openSocket = options.openSocket ?? ((url) => new WebSocket(url));
    this.backoffMs = options.backoffMs ?? defaultBackoff;
  }

  get status(): LiveStatus {
    return this.currentStatus;
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Follow a course's events; the returned function stops. The socket lives while anyone follows. */
  follow(courseId: string, onEvent: EventListener, onResync?: ResyncListener, onNotice?: NoticeListener): () => void {
    let course = this.courses.get(courseId);
    if (course === undefined) {
      course = { events: new Set(), resyncs: new Set(), notices: new Set(), lastSeq: null };
      this.courses.set(courseId, course);
      this.send({ type: "subscribe", course_id: courseId });
    }
    course.events.add(onEvent);
    if (onResync !== undefined) course.resyncs.add(onResync);
    if (onNotice !== undefined) course.notices.add(onNotice);
    this.ensureConnected();
    const followed = course;
    return () => {
      followed.events.delete(onEvent);
      if (onResync !== undefined) followed.resyncs.delete(onResync);
      if (onNotice !== undefined) followed.notices.delete(onNotice);
      if (followed.events.size === 0 && this.courses.get(courseId) === followed) {
        this.courses.delete(courseId);
        this.send({ type: "unsubscribe", course_id: courseId });
        if (this.idle) this.shutDown();
      }
    };
  }

  /**
   * Watch the courses feed (lists of many courses); the returned function stops. After a
   * reconnect the watcher is told to resync: notices are not replayed.
   */
  watchFeed(watcher: FeedWatcher): () => void {
    if (this.feedWatchers.size === 0) this.send({ type: "watch" });
    this.feedWatchers.add(watcher);
    this.ensureConnected();
    return () => {
      if (!this.feedWatchers.delete(watcher) || this.feedWatchers.size > 0) return;
      this.feedWatched = false;
      this.send({ type: "unwatch" });
      if (this.idle) this.shutDown();
    };
  }

  /** Nothing is followed or watched: the socket may go. */
  private get idle(): boolean {
    return this.courses.size === 0 && this.feedWatchers.size === 0;
  }

  /**
   * Send a frame that the server answers (chat.send -> chat.accepted), and wait for the
   * answer carrying its id. Refused at once when the socket is not live: a message sent
   * into a reconnect would be lost or sent twice.
   */
  request(frame: Request): Promise<ServerFrame> {
    const socket = this.socket;
    if (socket === null || this.currentStatus !== "live") {
      return Promise.reject(new LiveError("not_connected", "Live connection is down; try again in a moment."));
    }
    const id = `r${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.sendOn(socket, { ...frame, id } as unknown as ClientFrame);
    });
  }

  /**
   * Send a frame nobody waits an answer for; dropped (false) while the socket is not live.
   * (A subscription made before authentication goes out with the others once it succeeds.)
   */
  send(frame: ClientFrame): boolean {
    if (this.socket === null || this.currentStatus !== "live") return false;
    this.sendOn(this.socket, frame);
    return true;
  }

  /** Sign-out: close and forget every course and the feed. */
  close(): void {
    this.courses.clear();
    this.feedWatchers.clear();
    this.feedWatched = false;
    this.shutDown();
  }

  private failPending(): void {
    for (const waiting of this.pending.values()) {
      waiting.reject(new LiveError("connection_lost", "The connection dropped before the server answered."));
    }
    this.pending.clear();
  }

  private shutDown(): void {
    this.failPending();
    this.clearRetry();
    const socket = this.socket;
    this.socket = null;
    if (socket !== null) {
      detach(socket);
      socket.close(1000, "no course followed");
    }
    this.attempt = 0;
    this.setStatus("idle");
  }

  private ensureConnected(): void {
    if (this.socket === null && this.retryTimer === null) void this.connect();
  }

  private async connect(): Promise<void> {
    this.setStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    const token = await this.options.session.accessToken();
    if (this.idle) return this.shutDown();
    if (token === null) return this.setStatus("offline");
    const socket = this.openSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => this.sendOn(socket, { type: "auth", token });
    socket.onmessage = (message) => {
      if (typeof message.data === "string") this.receive(socket, message.data);
    };
    socket.onclose = (event) => this.closed(socket, event.code);
    socket.onerror = () => undefined; // a close follows every error: handled there
  }

  private receive(socket: SocketLike, text: string): void {
    if (socket !== this.socket) return;
    const frame = parseFrame(text);
    if (frame !== null) this.handle(socket, frame);
  }

  private handle(socket: SocketLike, frame: ServerFrame): void {
    const answered = "id" in frame && typeof frame.id === "string" ? this.pending.get(frame.id) : undefined;
    if (answered !== undefined && "id" in frame && frame.id !== undefined) {
      this.pending.delete(frame.id);
      if (frame.type === "error") answered.reject(new LiveError(frame.error, frame.detail));
      else answered.resolve(frame);
      return;
    }
    switch (frame.type) {
      case "authenticated":
        if (this.currentStatus !== "live") this.subscribeAll(socket);
        this.attempt = 0;
        this.setStatus("live");
        return;
      case "auth.expiring":
        void this.reauthenticate(socket);
        return;
      case "subscribed":
        this.started(frame.course_id, frame.head);
        return;
      case "event":
        this.deliver(frame.event);
        return;
      case "presence":
        for (const listener of [...(this.courses.get(frame.course_id)?.notices ?? [])]) listener(frame);
        return;
      case "watching":
        if (this.feedWatched) this.resyncFeed(); // a new socket: notices in between are lost
        this.feedWatched = true;
        return;
      case "feed":
        for (const watcher of [...this.feedWatchers]) watcher.notice(frame);
        return;
      case "feed.resync":
        this.resyncFeed();
        return;
      case "lagged":
        for (const { course_id, after_seq } of frame.resume) {
          const course = this.courses.get(course_id);
          if (course !== undefined) course.lastSeq = after_seq;
        }
        return; // the server closes with 4008 next; the reconnect resumes from these
      default:
        return; // errors for one course, pongs, unsubscribed: nothing to do here
    }
  }

  private resyncFeed(): void {
    for (const watcher of [...this.feedWatchers]) watcher.resync();
  }

  private subscribeAll(socket: SocketLike): void {
    if (this.feedWatchers.size > 0) this.sendOn(socket, { type: "watch" });
    for (const [courseId, course] of this.courses) {
      const frame: ClientFrame =
        course.lastSeq === null
          ? { type: "subscribe", course_id: courseId }
          : { type: "subscribe", course_id: courseId, after_seq: course.lastSeq };
      this.sendOn(socket, frame);
    }
  }

  private started(courseId: string, head: number): void {
    const course = this.courses.get(courseId);
    if (course === undefined) return;
    // A first subscription starts at the head; a resumed one replays from lastSeq.
    if (course.lastSeq === null) course.lastSeq = head;
    for (const resync of [...course.resyncs]) resync();
  }

  private deliver(event: CourseEvent): void {
    const course = this.courses.get(event.course_id);
    if (course === undefined) return;
    if (course.lastSeq !== null && event.seq <= course.lastSeq) return; // seen already
    course.lastSeq = event.seq;
    for (const listener of [...course.events]) listener(event);
  }

  private async reauthenticate(socket: SocketLike): Promise<void> {
    if (!(await this.options.session.renew())) return; // the socket ends with 4001; so be it
    const token = await this.options.session.accessToken();
    if (token !== null && socket === this.socket) this.sendOn(socket, { type: "auth", token });
  }

  private closed(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    detach(socket);
    this.socket = null;
    this.failPending();
    if (this.idle) return this.shutDown();
    if (code === CloseCode.policyViolation || code === CloseCode.tokenExpired) {
      void this.renewThenRetry();
      return;
    }
    this.scheduleRetry();
  }

  private async renewThenRetry(): Promise<void> {
    if (await this.options.session.renew()) this.scheduleRetry();
    else this.setStatus("offline");
  }

  private scheduleRetry(): void {
    this.attempt += 1;
    this.setStatus("reconnecting");
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.backoffMs(this.attempt));
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private sendOn(socket: SocketLike, frame: ClientFrame): void {
    if (socket.readyState === OPEN) socket.send(JSON.stringify(frame));
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}

function detach(socket: SocketLike): void {
  socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
}
