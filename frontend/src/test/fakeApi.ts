import { vi } from "vitest";

import { createApiSession, type ApiSession } from "../api/client";
import type { components } from "../api/schema";
import { TokenStore, type TokenPair } from "../api/tokens";

export const BASE_URL = "http://courzly.test";

export type Handler = (request: Request, url: URL) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export function apiError(status: number, error: string, detail: string): Response {
  return json({ error, detail, request_id: "req-test" }, status);
}

export function tokenPair(n: number, expiresIn = 900): TokenPair {
  return {
    access_token: `access-${n}`,
    refresh_token: `refresh-${n}-0123456789`,
    token_type: "bearer",
    expires_in: expiresIn,
    refresh_expires_in: 86_400,
  };
}

export type Role = components["schemas"]["Role"] | null;

export function user(role: Role): components["schemas"]["UserRead"] {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    email: "ada@example.com",
    display_name: "Ada",
    role,
    is_active: true,
    version: 1,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
  };
}

export interface FakeApi {
  session: ApiSession;
  tokens: TokenStore;
  fetch: ReturnType<typeof vi.fn>;
  /** Every request the client sent, as sent (method, URL, headers). */
  requests: Request[];
  requestsTo(path: string): Request[];
}

/** A real API session (openapi-fetch, middleware, token store) over a fake `fetch`. */
export function fakeApi(handler: Handler, tokens = new TokenStore(window.sessionStorage)): FakeApi {
  const requests: Request[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    return handler(request, new URL(request.url));
  });
  const session = createApiSession({ tokens, fetch, baseUrl: BASE_URL });
  return {
    session,
    tokens,
    fetch,
    requests,
    requestsTo: (path) => requests.filter((r) => new URL(r.url).pathname === path),
  };
}

/** `fakeApi` for someone signed in as `role`: it answers /auth/me and holds a token pair. */
export function signedInApi(role: Role, handler: Handler): FakeApi {
  const api = fakeApi((request, url) =>
    url.pathname === "/api/v1/auth/me" ? json(user(role)) : handler(request, url),
  );
  api.tokens.save(tokenPair(1));
  return api;
}
