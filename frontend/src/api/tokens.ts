import type { components } from "./schema";

export type TokenPair = components["schemas"]["TokenPair"];

const REFRESH_TOKEN_KEY = "courzly.refresh_token";

type Listener = () => void;

/**
 * Where the session's tokens live.
 *
 * The access token stays in memory only: script injected into the page cannot find it in
 * storage, and it is short-lived anyway. The refresh token goes to sessionStorage: it
 * survives a reload of the tab (which would otherwise sign the user out), but it is not
 * shared with other tabs and is gone when the tab closes, unlike localStorage or a
 * persistent cookie. Each tab therefore holds its own sign-in, which also keeps two tabs
 * from racing to rotate one refresh token (the server ends the sign-in on reuse).
 */
export class TokenStore {
  private accessToken: string | null = null;
  private accessExpiresAt = 0;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly storage: Storage | null = safeSessionStorage(),
    private readonly now: () => number = Date.now,
  ) {}

  get access(): string | null {
    return this.accessToken;
  }

  get refresh(): string | null {
    return this.storage?.getItem(REFRESH_TOKEN_KEY) ?? null;
  }

  /** Milliseconds until the access token expires (0 when there is none). */
  accessTtlMs(): number {
    return this.accessToken === null ? 0 : Math.max(0, this.accessExpiresAt - this.now());
  }

  save(pair: TokenPair): void {
    this.accessToken = pair.access_token;
    this.accessExpiresAt = this.now() + pair.expires_in * 1000;
    this.storage?.setItem(REFRESH_TOKEN_KEY, pair.refresh_token);
    this.emit();
  }

  clear(): void {
    const had = this.accessToken !== null || this.refresh !== null;
    this.accessToken = null;
    this.accessExpiresAt = 0;
    this.storage?.removeItem(REFRESH_TOKEN_KEY);
    if (had) this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    // Storage can be disabled by browser policy; the session then lasts until reload.
    return null;
  }
}

/**
 * When to renew an access token that lives `expiresInMs`: a minute before it runs out, or
 * at half its life when it is shorter than two minutes, so a slow request still succeeds.
 */
export function renewalDelayMs(expiresInMs: number): number {
  const margin = Math.min(60_000, expiresInMs / 2);
  return Math.max(0, expiresInMs - margin);
}
