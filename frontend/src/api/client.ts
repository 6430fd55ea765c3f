import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { paths } from "./schema";
import { renewalDelayMs, TokenStore } from "./tokens";

export type ApiClient = Client<paths>;
type Fetch = typeof globalThis.fetch;

// These carry credentials in their body: a 401 from them is the answer, not an expired token.
const CREDENTIAL_PATHS: ReadonlySet<string> = new Set(["/api/v1/auth/login", "/api/v1/auth/refresh"]);

export interface ApiSession {
  /** The typed client every feature calls; it adds the bearer token and renews on 401. */
  readonly client: ApiClient;
  readonly tokens: TokenStore;
  /**
   * Trades the refresh token for a new pair. Concurrent callers share one request: the
   * server rotates refresh tokens and ends the whole sign-in when one is used twice.
   * Resolves false when it could not renew; a rejected refresh token also signs out.
   */
  renew(): Promise<boolean>;
  /** Renews shortly before the access token expires, for as long as the session lasts. */
  startRenewalTimer(): () => void;
}

interface ApiSessionOptions {
  tokens?: TokenStore;
  fetch?: Fetch;
  baseUrl?: string;
}

export function createApiSession(options: ApiSessionOptions = {}): ApiSession {
  const tokens = options.tokens ?? new TokenStore();
  // Looked up per call so a fetch replaced after start-up (tests, polyfills) is used.
  const fetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const baseUrl = options.baseUrl ?? "";
  const client = createClient<paths>({ baseUrl, fetch });
  // Renewal goes around the middleware so a failing refresh cannot trigger another.
  const bare = createClient<paths>({ baseUrl, fetch });

  let renewal: Promise<boolean> | null = null;

  async function exchangeRefreshToken(): Promise<boolean> {
    const refreshToken = tokens.refresh;
    if (refreshToken === null) {
      tokens.clear();
      return false;
    }
    let result;
    try {
      result = await bare.POST("/api/v1/auth/refresh", { body: { refresh_token: refreshToken } });
    } catch {
      // Offline: the refresh token was not spent, so keep it for the next attempt.
      return false;
    }
    if (result.data !== undefined) {
      tokens.save(result.data);
      return true;
    }
    const status = result.response.status;
    // 4xx: the server refused this refresh token (expired, revoked, reused): sign out.
    // 5xx and 429 say nothing about the token, so the session stays for a later attempt.
    if (status >= 400 && status < 500 && status !== 429) tokens.clear();
    return false;
  }

  function renew(): Promise<boolean> {
    renewal ??= exchangeRefreshToken().finally(() => {
      renewal = null;
    });
    return renewal;
  }

  // The request as it was before sending (bodies can be read once) and the token it used.
  const inFlight = new Map<string, { copy: Request; token: string | null }>();

  const auth: Middleware = {
    onRequest({ request, schemaPath, id }) {
      if (CREDENTIAL_PATHS.has(schemaPath)) return undefined;
      const token = tokens.access;
      if (token !== null) request.headers.set("Authorization", `Bearer ${token}`);
      inFlight.set(id, { copy: request.clone(), token });
      return request;
    },
    async onResponse({ response, id, options: requestOptions }) {
      const sent = inFlight.get(id);
      inFlight.delete(id);
      if (sent === undefined || response.status !== 401) return undefined;
      // Another request may have renewed the token while this one was on its way.
      const renewedMeanwhile = tokens.access !== null && tokens.access !== sent.token;
      if (!renewedMeanwhile && !(await renew())) return undefined;
      const token = tokens.access;
      if (token === null) return undefined;
      sent.copy.headers.set("Authorization", `Bearer ${token}`);
      return requestOptions.fetch(sent.copy);
    },
    onError({ id }) {
      inFlight.delete(id);
    },
  };
  client.use(auth);

  function startRenewalTimer(): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      const ttl = tokens.accessTtlMs();
      if (ttl > 0) timer = setTimeout(() => void renew(), renewalDelayMs(ttl));
    };
    schedule();
    const unsubscribe = tokens.subscribe(schedule);
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }

  return { client, tokens, renew, startRenewalTimer };
}
