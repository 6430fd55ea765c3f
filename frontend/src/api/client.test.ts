import { afterEach, describe, expect, it, vi } from "vitest";

import { apiError, fakeApi, json, tokenPair, user } from "../test/fakeApi";
import { renewalDelayMs, TokenStore } from "./tokens";

const ME = "/api/v1/auth/me";
const REFRESH = "/api/v1/auth/refresh";

function bearer(request: Request): string | null {
  return request.headers.get("Authorization");
}

describe("API client session", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the access token as a bearer token", async () => {
    const api = fakeApi(() => json(user("editor")));
    api.tokens.save(tokenPair(1));

    const { data } = await api.session.client.GET(ME);

    expect(data?.role).toBe("editor");
    expect(bearer(api.requests[0]!)).toBe("Bearer access-1");
  });

  it("on 401 renews once with the refresh token and retries the request", async () => {
    const api = fakeApi(async (request, url) => {
      if (url.pathname === REFRESH) {
        expect(await request.json()).toEqual({ refresh_token: "refresh-1-0123456789" });
        return json(tokenPair(2));
      }
      return bearer(request) === "Bearer access-2" ? json(user("viewer")) : apiError(401, "unauthorized", "expired");
    });
    api.tokens.save(tokenPair(1));

    const { data, response } = await api.session.client.GET(ME);

    expect(response.status).toBe(200);
    expect(data?.email).toBe("ada@example.com");
    expect(api.requests.map((r) => new URL(r.url).pathname)).toEqual([ME, REFRESH, ME]);
    expect(bearer(api.requestsTo(REFRESH)[0]!)).toBeNull();
    expect(api.tokens.access).toBe("access-2");
    expect(api.tokens.refresh).toBe("refresh-2-0123456789");
  });

  it("retries a request with a body after renewing", async () => {
    let attempts = 0;
    const api = fakeApi(async (request, url) => {
      if (url.pathname === REFRESH) return json(tokenPair(2));
      attempts += 1;
      const body = await request.json();
      if (attempts === 1) return apiError(401, "unauthorized", "expired");
      return json({ received: body }, 201);
    });
    api.tokens.save(tokenPair(1));

    const { data, response } = await api.session.client.POST("/api/v1/courses", {
      body: { title: "Rust for beginners" } as never,
    });

    expect(response.status).toBe(201);
    expect(data).toEqual({ received: { title: "Rust for beginners" } });
    expect(bearer(api.requestsTo("/api/v1/courses")[1]!)).toBe("Bearer access-2");
  });

  it("signs out when the refresh token is refused, without retrying", async () => {
    const api = fakeApi((_request, url) =>
      url.pathname === REFRESH
        ? apiError(401, "invalid_refresh_token", "The refresh token is not valid; sign in again.")
        : apiError(401, "unauthorized", "expired"),
    );
    api.tokens.save(tokenPair(1));
    const signedOut = vi.fn();
    api.tokens.subscribe(signedOut);

    const { response, error } = await api.session.client.GET(ME);

    expect(response.status).toBe(401);
    expect(error).toMatchObject({ error: "unauthorized" });
    expect(api.requestsTo(ME)).toHaveLength(1);
    expect(api.tokens.access).toBeNull();
    expect(api.tokens.refresh).toBeNull();
    expect(window.sessionStorage.length).toBe(0);
    expect(signedOut).toHaveBeenCalled();
  });

  it("keeps the session when the refresh fails for a server error", async () => {
    const api = fakeApi((_request, url) =>
      url.pathname === REFRESH ? apiError(503, "unavailable", "down") : apiError(401, "unauthorized", "expired"),
    );
    api.tokens.save(tokenPair(1));

    const { response } = await api.session.client.GET(ME);

    expect(response.status).toBe(401);
    expect(api.tokens.refresh).toBe("refresh-1-0123456789");
  });

  it("shares one refresh between concurrent 401s (refresh tokens are single-use)", async () => {
    let releaseRefresh: () => void = () => undefined;
    const refreshed = new Promise<void>((resolve) => {
      releaseRefresh = resolve;
    });
    const api = fakeApi(async (request, url) => {
      if (url.pathname === REFRESH) {
        await refreshed;
        return json(tokenPair(2));
      }
      return bearer(request) === "Bearer access-2" ? json(user("admin")) : apiError(401, "unauthorized", "expired");
    });
    api.tokens.save(tokenPair(1));

    const calls = [api.session.client.GET(ME), api.session.client.GET(ME), api.session.client.GET(ME)];
    await vi.waitFor(() => expect(api.requestsTo(REFRESH)).toHaveLength(1));
    releaseRefresh();
    const results = await Promise.all(calls);

    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
    expect(api.requestsTo(REFRESH)).toHaveLength(1);
  });

  it("does not try to renew when signing in is refused", async () => {
    const api = fakeApi(() => apiError(401, "invalid_credentials", "Wrong e-mail or password."));

    const { error } = await api.session.client.POST("/api/v1/auth/login", {
      body: { email: "ada@example.com", password: "nope" },
    });

    expect(error).toMatchObject({ detail: "Wrong e-mail or password." });
    expect(api.requests).toHaveLength(1);
  });

  it("after a reload (refresh token only) the first request renews and succeeds", async () => {
    window.sessionStorage.setItem("courzly.refresh_token", "refresh-1-0123456789");
    const api = fakeApi((request, url) => {
      if (url.pathname === REFRESH) return json(tokenPair(2));
      return bearer(request) === "Bearer access-2" ? json(user("editor")) : apiError(401, "unauthorized", "no token");
    }, new TokenStore(window.sessionStorage));

    const { response } = await api.session.client.GET(ME);

    expect(response.status).toBe(200);
    expect(bearer(api.requestsTo(ME)[0]!)).toBeNull();
  });

  it("renews shortly before the access token expires", async () => {
    vi.useFakeTimers();
    const api = fakeApi(() => json(tokenPair(2, 900)));
    api.tokens.save(tokenPair(1, 900));
    const stop = api.session.startRenewalTimer();

    await vi.advanceTimersByTimeAsync(839_000);
    expect(api.requestsTo(REFRESH)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.requestsTo(REFRESH)).toHaveLength(1);
    expect(api.tokens.access).toBe("access-2");

    // The renewed token is scheduled in turn.
    await vi.advanceTimersByTimeAsync(840_000);
    expect(api.requestsTo(REFRESH)).toHaveLength(2);
    stop();
    await vi.advanceTimersByTimeAsync(2_000_000);
    expect(api.requestsTo(REFRESH)).toHaveLength(2);
  });
});

describe("renewalDelayMs", () => {
  it("renews a minute early, or at half life for short tokens", () => {
    expect(renewalDelayMs(900_000)).toBe(840_000);
    expect(renewalDelayMs(60_000)).toBe(30_000);
    expect(renewalDelayMs(0)).toBe(0);
  });
});
