import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { apiError, json, signedInApi, type Role } from "../../../test/fakeApi";
import { endpointRead, uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { Endpoint, EndpointCreated } from "../api/endpoints";

const WEBHOOKS = "/api/v1/webhooks";
const PAGE = "/admin/webhooks";
const SECRET = "whsec_c2VjcmV0LXNob3duLW9uY2U=";

const lms = endpointRead();
const broken = endpointRead({
  id: uuid(701),
  url: "https://broken.example.org/hook",
  description: "",
  enabled: false,
  disabled_reason: "Switched off after failing since 2026-11-28 10:00 UTC; last answer: HTTP 503.",
  failing_since: "2026-11-28T10:00:00Z",
  version: 7,
});

type Answer = (request: Request) => Response | Promise<Response>;

interface Options {
  endpoints?: Endpoint[];
  post?: Answer;
  patch?: Answer;
  other?: (request: Request, path: string) => Response | Promise<Response> | undefined;
}

function backend(role: Role, options: Options = {}) {
  let endpoints = [...(options.endpoints ?? [lms])];
  return signedInApi(role, async (request, url) => {
    const path = url.pathname;
    if (path === WEBHOOKS && request.method === "GET") return json(endpoints);
    if (path === WEBHOOKS && request.method === "POST") {
      if (options.post !== undefined) return options.post(request);
      const body = (await request.json()) as Pick<Endpoint, "url" | "description" | "events">;
      const created: EndpointCreated = { ...endpointRead({ id: uuid(799), ...body, version: 1 }), secret: SECRET };
      endpoints = [...endpoints, { ...created, secret: undefined } as unknown as Endpoint];
      return json(created, 201);
    }
    const one = /^\/api\/v1\/webhooks\/([^/]+)$/.exec(path);
    if (one !== null && request.method === "PATCH") {
      if (options.patch !== undefined) return options.patch(request);
      const current = endpoints.find((e) => e.id === one[1])!;
      const change = (await request.json()) as Partial<Endpoint>;
      const updated = {
        ...current,
        ...change,
        ...(change.enabled === true ? { disabled_reason: null, failing_since: null } : {}),
        version: current.version + 1,
      };
      endpoints = endpoints.map((e) => (e.id === updated.id ? updated : e));
      return json(updated);
    }
    if (one !== null && request.method === "DELETE") {
      endpoints = endpoints.filter((e) => e.id !== one[1]);
      return new Response(null, { status: 204 });
    }
    const answer = await options.other?.(request, path);
    return answer ?? apiError(404, "not_found", "Not found.");
  });
}

const byMethod = (api: ReturnType<typeof backend>, method: string, path = WEBHOOKS) =>
  api.requests.filter((r) => r.method === method && new URL(r.url).pathname.startsWith(path));

async function card(url: string) {
  return screen.findByRole("article", { name: url });
}

async function fillNewEndpoint(url: string, description: string, events: string[]) {
  const form = await screen.findByRole("form", { name: "Add an endpoint" });
  await userEvent.type(within(form).getByLabelText("Endpoint URL"), url);
  if (description !== "") await userEvent.type(within(form).getByLabelText("Description (optional)"), description);
  for (const name of events) await userEvent.click(within(form).getByRole("checkbox", { name: new RegExp(`^${name}`) }));
  return form;
}

describe("organisation webhooks", () => {
  it("lists endpoints for an admin, with a nav link, and shows a disabled one with its reason", async () => {
    const api = backend("admin", { endpoints: [lms, broken] });
    renderApp(api.session, PAGE);

    expect(await screen.findByRole("heading", { level: 1, name: "Webhooks" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Webhooks" })).toHaveAttribute("href", "/admin/webhooks");
    const first = await card(lms.url);
    expect(first).toHaveTextContent("LMS sync");
    expect(first).toHaveTextContent("Events: Run started, Export ready");
    expect(within(first).getByRole("button", { name: "Turn off" })).toBeInTheDocument();

    const off = await card(broken.url);
    expect(within(off).getByRole("note")).toHaveTextContent("This endpoint is turned off.");
    expect(within(off).getByRole("note")).toHaveTextContent("last answer: HTTP 503");
    await userEvent.click(within(off).getByRole("button", { name: "Turn on again" }));

    expect(await screen.findByText(`${broken.url} is on again; its queued messages go out now.`)).toHaveAttribute("role", "status");
    const [patch] = byMethod(api, "PATCH");
    expect(new URL(patch!.url).pathname).toBe(`${WEBHOOKS}/${broken.id}`);
    expect(patch!.headers.get("If-Match")).toBe('"7"');
    expect(await patch!.json()).toEqual({ enabled: true });
    await waitFor(() => expect(within(off).queryByRole("note")).not.toBeInTheDocument());
  });

  it("warns when deliveries to an endpoint are failing", async () => {
    const api = backend("admin", { endpoints: [endpointRead({ failing_since: "2026-11-30T08:00:00Z" })] });
    renderApp(api.session, PAGE);

    expect(within(await card(lms.url)).getByRole("note")).toHaveTextContent(/Warning: deliveries have been failing since/);
  });

  it("tells non-admins they may not, asks for nothing and hides the nav link", async () => {
    const api = backend("editor");
    renderApp(api.session, PAGE);

    expect(await screen.findByText("Only administrators can manage the organisation's webhooks.")).toBeInTheDocument();
    expect(api.requestsTo(WEBHOOKS)).toHaveLength(0);
    expect(screen.queryByRole("link", { name: "Webhooks" })).not.toBeInTheDocument();
  });

  it("creates an endpoint and shows its secret once, to copy and store", async () => {
    const api = backend("admin", { endpoints: [] });
    renderApp(api.session, PAGE);
    expect(await screen.findByText("No endpoints yet: add one below.")).toBeInTheDocument();

    const form = await fillNewEndpoint("https://new.example.org/hook", "Data warehouse", ["Decision made", "Run started"]);
    await userEvent.click(within(form).getByRole("button", { name: "Add endpoint" }));

    const secret = await screen.findByLabelText("Signing secret of https://new.example.org/hook");
    expect(secret).toHaveValue(SECRET);
    expect(secret).toHaveFocus();
    expect(secret).toHaveAccessibleDescription(expect.stringContaining("Store it now"));
    expect(screen.getByRole("button", { name: "Copy" })).toBeInTheDocument();
    const [post] = byMethod(api, "POST");
    expect(await post!.json()).toEqual({
      url: "https://new.example.org/hook",
      description: "Data warehouse",
      events: ["run.started", "decision.made"],
    });
    // The list is reloaded and shows the endpoint, without its secret.
    expect(await card("https://new.example.org/hook")).not.toHaveTextContent(SECRET);

    await userEvent.click(screen.getByRole("button", { name: "I have stored the secret" }));
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Add an endpoint" })).toHaveFocus();
    expect(within(screen.getByRole("form", { name: "Add an endpoint" })).getByLabelText("Endpoint URL")).toHaveValue("");
  });

  it("shows the server's reason next to the URL on a 422 and keeps the input", async () => {
    const detail =
      "internal.example.org resolves to 10.0.0.1, an address inside this network; webhooks only go to the public internet.";
    const api = backend("admin", { post: () => apiError(422, "invalid_webhook_url", detail) });
    renderApp(api.session, PAGE);

    const form = await fillNewEndpoint("https://internal.example.org/hook", "Intranet", ["Export ready"]);
    await userEvent.click(within(form).getByRole("button", { name: "Add endpoint" }));

    const url = within(form).getByLabelText("Endpoint URL");
    await waitFor(() => expect(url).toHaveAccessibleDescription(expect.stringContaining(detail)));
    expect(url).toHaveAttribute("aria-invalid", "true");
    expect(url).toHaveFocus();
    expect(url).toHaveValue("https://internal.example.org/hook");
    expect(within(form).getByLabelText("Description (optional)")).toHaveValue("Intranet");
    expect(within(form).getByRole("checkbox", { name: /^Export ready/ })).toBeChecked();
    expect(screen.queryByLabelText(/Signing secret/)).not.toBeInTheDocument();
  });

  it("asks for at least one event before sending", async () => {
    const api = backend("admin");
    renderApp(api.session, PAGE);

    const form = await fillNewEndpoint("https://new.example.org/hook", "", []);
    await userEvent.click(within(form).getByRole("button", { name: "Add endpoint" }));

    const events = within(form).getByRole("group", { name: "Events" });
    expect(events).toHaveAccessibleDescription(expect.stringContaining("Choose at least one event."));
    expect(within(events).getAllByRole("checkbox")[0]).toHaveFocus();
    expect(byMethod(api, "POST")).toHaveLength(0);

    await userEvent.click(within(events).getByRole("checkbox", { name: /^Run failed/ }));
    expect(within(form).queryByText("Choose at least one event.")).not.toBeInTheDocument();
    await userEvent.click(within(form).getByRole("button", { name: "Add endpoint" }));
    await waitFor(() => expect(byMethod(api, "POST")).toHaveLength(1));
    expect(await byMethod(api, "POST")[0]!.json()).toMatchObject({ events: ["run.failed"] });
  });

  it("checks the URL before sending", async () => {
    const api = backend("admin");
    renderApp(api.session, PAGE);

    const form = await fillNewEndpoint("ftp://files.example.org", "", ["Run started"]);
    await userEvent.click(within(form).getByRole("button", { name: "Add endpoint" }));

    expect(within(form).getByLabelText("Endpoint URL")).toHaveAccessibleDescription(
      expect.stringContaining("Enter a full URL starting with https://"),
    );
    expect(byMethod(api, "POST")).toHaveLength(0);
  });

  it("edits an endpoint, sending only what changed with If-Match", async () => {
    const api = backend("admin");
    renderApp(api.session, PAGE);
    const endpoint = await card(lms.url);

    await userEvent.click(within(endpoint).getByRole("button", { name: "Edit" }));
    const form = within(endpoint).getByRole("form", { name: `Edit ${lms.url}` });
    expect(within(form).getByLabelText("Endpoint URL")).toHaveValue(lms.url);
    await userEvent.click(within(form).getByRole("checkbox", { name: /^Run failed/ }));
    await userEvent.click(within(form).getByRole("button", { name: "Save changes" }));

    expect(await screen.findByText(`Saved the changes to ${lms.url}.`)).toBeInTheDocument();
    const [patch] = byMethod(api, "PATCH");
    expect(patch!.headers.get("If-Match")).toBe('"2"');
    expect(await patch!.json()).toEqual({ events: ["run.started", "run.failed", "export.ready"] });
    expect(within(endpoint).queryByRole("form")).not.toBeInTheDocument();
    expect(within(endpoint).getByRole("button", { name: "Edit" })).toHaveFocus();
  });

  it("says someone else changed the endpoint on a 409, reloads it and keeps the edit", async () => {
    const api = backend("admin", {
      patch: () => apiError(409, "version_conflict", "The record changed since you read it (now version 3)."),
    });
    renderApp(api.session, PAGE);
    const endpoint = await card(lms.url);

    await userEvent.click(within(endpoint).getByRole("button", { name: "Edit" }));
    const form = within(endpoint).getByRole("form", { name: `Edit ${lms.url}` });
    const description = within(form).getByLabelText("Description (optional)");
    await userEvent.clear(description);
    await userEvent.type(description, "LMS sync (prod)");
    const listsBefore = api.requestsTo(WEBHOOKS).length;
    await userEvent.click(within(form).getByRole("button", { name: "Save changes" }));

    expect(await within(form).findByRole("alert")).toHaveTextContent("Someone else changed this endpoint");
    await waitFor(() => expect(api.requestsTo(WEBHOOKS).length).toBeGreaterThan(listsBefore));
    expect(description).toHaveValue("LMS sync (prod)");
  });

  it("deletes an endpoint only after confirming", async () => {
    const api = backend("admin");
    renderApp(api.session, PAGE);
    const endpoint = await card(lms.url);

    await userEvent.click(within(endpoint).getByRole("button", { name: "Delete" }));
    expect(within(endpoint).getByRole("button", { name: "Yes, delete it" })).toHaveFocus();
    await userEvent.click(within(endpoint).getByRole("button", { name: "Keep it" }));
    expect(byMethod(api, "DELETE")).toHaveLength(0);
    expect(within(endpoint).getByRole("button", { name: "Delete" })).toHaveFocus();

    await userEvent.click(within(endpoint).getByRole("button", { name: "Delete" }));
    await userEvent.click(within(endpoint).getByRole("button", { name: "Yes, delete it" }));

    expect(await screen.findByText(`Deleted ${lms.url}.`)).toHaveAttribute("role", "status");
    expect(byMethod(api, "DELETE").map((r) => new URL(r.url).pathname)).toEqual([`${WEBHOOKS}/${lms.id}`]);
    await waitFor(() => expect(screen.queryByRole("article", { name: lms.url })).not.toBeInTheDocument());
  });

  it("reveals the secret on request, saying the viewing is audited", async () => {
    const api = backend("admin", {
      other: (request, path) =>
        path === `${WEBHOOKS}/${lms.id}/secret` && request.method === "GET"
          ? json({ secret: SECRET, previous_secret_valid_until: null })
          : undefined,
    });
    renderApp(api.session, PAGE);
    const endpoint = await card(lms.url);
    expect(within(endpoint).getByText("Each viewing of a secret is recorded in the audit log.")).toBeInTheDocument();
    expect(api.requestsTo(`${WEBHOOKS}/${lms.id}/secret`)).toHaveLength(0);

    await userEvent.click(within(endpoint).getByRole("button", { name: "Reveal secret" }));

    const box = await within(endpoint).findByLabelText("Signing secret");
    expect(box).toHaveValue(SECRET);
    expect(box).toHaveAccessibleDescription(expect.stringContaining("recorded in the audit log"));
    await userEvent.click(within(endpoint).getByRole("button", { name: "Hide secret" }));
    expect(within(endpoint).queryByLabelText("Signing secret")).not.toBeInTheDocument();
  });

  it("rotates the secret with an overlap and explains it", async () => {
    const api = backend("admin", {
      other: (request, path) =>
        path === `${WEBHOOKS}/${lms.id}/rotate-secret` && request.method === "POST"
          ? json({ secret: "whsec_bmV3", previous_secret_valid_until: "2026-12-02T12:00:00Z" })
          : undefined,
    });
    renderApp(api.session, PAGE);
    const endpoint = await card(lms.url);

    await userEvent.click(within(endpoint).getByRole("button", { name: "Rotate secret…" }));
    const form = within(endpoint).getByRole("form", { name: "Rotate the secret" });
    expect(form).toHaveTextContent("the previous secret signs them too");
    const hours = within(form).getByLabelText("Keep the previous secret for (hours)");
    expect(hours).toHaveValue(24);
    await userEvent.clear(hours);
    await userEvent.type(hours, "200");
    await userEvent.click(within(form).getByRole("button", { name: "Rotate now" }));
    expect(hours).toHaveAccessibleDescription(expect.stringContaining("from 0 to 168"));

    await userEvent.clear(hours);
    await userEvent.type(hours, "48");
    await userEvent.click(within(form).getByRole("button", { name: "Rotate now" }));

    const box = await within(endpoint).findByLabelText("New signing secret");
    expect(box).toHaveValue("whsec_bmV3");
    expect(box).toHaveAccessibleDescription(expect.stringContaining("signed with both the previous and the new secret"));
    const [post] = api.requestsTo(`${WEBHOOKS}/${lms.id}/rotate-secret`);
    expect(await post!.json()).toEqual({ keep_previous_hours: 48 });
  });

  it("sends a test event and shows the receiver's answer", async () => {
    const api = backend("admin", {
      other: (request, path) =>
        path === `${WEBHOOKS}/${lms.id}/test` && request.method === "POST"
          ? json({ succeeded: false, status_code: 401, latency_ms: 87, response_excerpt: "bad signature", error: null })
          : undefined,
    });
    renderApp(api.session, PAGE);
    const endpoint = await card(lms.url);

    await userEvent.click(within(endpoint).getByRole("button", { name: "Send test event" }));

    expect(await within(endpoint).findByText("Test event not delivered: HTTP 401 after 87 ms.")).toBeInTheDocument();
    expect(within(endpoint).getByText("bad signature")).toBeInTheDocument();
    expect(api.requestsTo(`${WEBHOOKS}/${lms.id}/test`)).toHaveLength(1);
  });
});
