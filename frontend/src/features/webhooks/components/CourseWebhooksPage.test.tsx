import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { apiError, json, signedInApi, user as me, type Role } from "../../../test/fakeApi";
import { attemptRead, courseRead, deliveryDetail, deliveryRead, endpointRead, uuid } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { Delivery } from "../api/deliveries";
import type { Member } from "../../admin/api/members";

const COURSE_ID = uuid("c0de");
const COURSE = `/api/v1/courses/${COURSE_ID}`;
const WEBHOOKS = `${COURSE}/webhooks`;
const PAGE = `/courses/${COURSE_ID}/webhooks`;

const endpoint = endpointRead({ course_id: COURSE_ID });
const DELIVERIES = `${WEBHOOKS}/${endpoint.id}/deliveries`;

const delivered = deliveryRead({ id: uuid(801), event: "run.started" });
const failed = deliveryRead({
  id: uuid(802),
  event: "export.ready",
  status: "failed",
  attempts: 8,
  created_at: "2026-11-29T08:00:00Z",
  last_attempt: attemptRead({ status_code: null, latency_ms: 10_000, response_excerpt: "", error: "timed out", succeeded: false }),
});
const failedDetail = deliveryDetail(failed, {
  payload: { type: "export.ready", data: { course: { title: "Rust for Analysts" }, format: "scorm12" } },
  attempt_log: [
    attemptRead({ attempted_at: "2026-11-29T08:00:01Z", status_code: 502, latency_ms: 120, response_excerpt: "Bad Gateway", succeeded: false }),
    attemptRead({ attempted_at: "2026-11-29T08:00:07Z", status_code: null, latency_ms: 10_000, response_excerpt: "", error: "timed out", succeeded: false }),
  ],
});

function courseMember(role: Member["role"]): Member {
  return { user_id: me(null).id, email: "ada@example.com", display_name: "Ada", role, added_at: "2024-02-01T00:00:00Z" };
}

function backend(globalRole: Role, courseRole: Member["role"] | null, total = 2) {
  return signedInApi(globalRole, (request, url) => {
    const path = url.pathname;
    if (path === COURSE) return json(courseRead({ id: COURSE_ID }));
    if (path === `${COURSE}/members`) return json(courseRole === null ? [] : [courseMember(courseRole)]);
    if (path === `${COURSE}/runs`) return json([]);
    if (path === WEBHOOKS && request.method === "GET") return json([endpoint]);
    if (path === DELIVERIES) {
      const status = url.searchParams.get("status");
      const items: Delivery[] = status === "failed" ? [failed] : [delivered, failed];
      const page = Number(url.searchParams.get("page") ?? "1");
      return json({ items, page, page_size: Number(url.searchParams.get("page_size")), total: status === "failed" ? 1 : total });
    }
    if (path === `${DELIVERIES}/${failed.id}`) return json(failedDetail);
    if (path === `${DELIVERIES}/${failed.id}/redeliver` && request.method === "POST") {
      return json(deliveryRead({ id: uuid(803), event: failed.event, status: "pending", attempts: 0, last_attempt: null, redelivery_of: failed.id }), 202);
    }
    return apiError(404, "not_found", "Not found.");
  });
}

async function openLog() {
  const card = await screen.findByRole("article", { name: endpoint.url });
  await userEvent.click(within(card).getByRole("button", { name: "Show delivery log" }));
  return within(card).findByRole("table", { name: `Deliveries to ${endpoint.url}` });
}

describe("course webhooks", () => {
  it("is linked from the course page for a course admin only", async () => {
    const admin = backend(null, "admin");
    const { unmount } = renderApp(admin.session, `/courses/${COURSE_ID}`);
    const nav = await screen.findByRole("navigation", { name: "Course" });
    expect(await within(nav).findByRole("link", { name: "Webhooks" })).toHaveAttribute("href", PAGE);
    unmount();

    const editor = backend("editor", "editor");
    renderApp(editor.session, `/courses/${COURSE_ID}`);
    const editorNav = await screen.findByRole("navigation", { name: "Course" });
    await waitFor(() => expect(editor.requestsTo(`${COURSE}/members`)).toHaveLength(1));
    expect(within(editorNav).queryByRole("link", { name: "Webhooks" })).not.toBeInTheDocument();
  });

  it("tells a member without the admin role they may not, and never asks for the endpoints", async () => {
    const api = backend("editor", "editor");
    renderApp(api.session, PAGE);

    expect(await screen.findByText("Only administrators and this course's admin members can manage its webhooks.")).toBeInTheDocument();
    expect(api.requestsTo(WEBHOOKS)).toHaveLength(0);
  });

  it("shows a course admin the endpoints and the delivery log, filtered and paged", async () => {
    const api = backend(null, "admin", 25);
    renderApp(api.session, PAGE);
    expect(await screen.findByRole("heading", { level: 1, name: "Webhooks of Rust for Analysts" })).toBeInTheDocument();

    const table = await openLog();
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Run started");
    expect(rows[0]).toHaveTextContent("Succeeded");
    expect(rows[0]).toHaveTextContent("HTTP 200, 42 ms");
    expect(rows[1]).toHaveTextContent("Export ready");
    expect(rows[1]).toHaveTextContent("Failed");
    expect(rows[1]).toHaveTextContent("timed out, 10000 ms");
    expect(screen.getByText("Page 1 of 3 · 25 deliveries")).toBeInTheDocument();
    const first = new URL(api.requestsTo(DELIVERIES)[0]!.url).searchParams;
    expect(first.get("page")).toBe("1");
    expect(first.get("status")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(new URL(api.requestsTo(DELIVERIES).at(-1)!.url).searchParams.get("page")).toBe("2"));

    await userEvent.selectOptions(screen.getByLabelText("Status"), "failed");
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(2));
    const filtered = new URL(api.requestsTo(DELIVERIES).at(-1)!.url).searchParams;
    expect(filtered.get("status")).toBe("failed");
    expect(filtered.get("page")).toBe("1");
  });

  it("opens a delivery to show its payload and every attempt", async () => {
    const api = backend("admin", null);
    renderApp(api.session, PAGE);
    const table = await openLog();

    const details = within(table).getByRole("button", { name: /^Details of Export ready/ });
    await userEvent.click(details);
    expect(details).toHaveAttribute("aria-expanded", "true");

    const payload = await screen.findByRole("region", { name: "Payload" });
    expect(JSON.parse(payload.textContent ?? "")).toEqual(failedDetail.payload);
    const attempts = screen.getByRole("table", { name: "Attempts" });
    const rows = within(attempts).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Refused");
    expect(rows[0]).toHaveTextContent("502");
    expect(rows[0]).toHaveTextContent("120 ms");
    expect(rows[0]).toHaveTextContent("Bad Gateway");
    expect(rows[1]).toHaveTextContent("No answer");
    expect(rows[1]).toHaveTextContent("timed out");
    expect(api.requestsTo(`${DELIVERIES}/${failed.id}`)).toHaveLength(1);

    await userEvent.click(within(table).getByRole("button", { name: /^Hide details of Export ready/ }));
    expect(screen.queryByRole("table", { name: "Attempts" })).not.toBeInTheDocument();
  });

  it("redelivers a delivery and reloads the log", async () => {
    const api = backend("admin", null);
    renderApp(api.session, PAGE);
    const table = await openLog();
    const listsBefore = api.requestsTo(DELIVERIES).length;

    await userEvent.click(within(table).getByRole("button", { name: /^Redeliver Export ready/ }));

    expect(await screen.findByText("Export ready queued again; it goes out after the messages ahead of it.")).toHaveAttribute(
      "role",
      "status",
    );
    const posts = api.requestsTo(`${DELIVERIES}/${failed.id}/redeliver`);
    expect(posts.map((r) => r.method)).toEqual(["POST"]);
    await waitFor(() => expect(api.requestsTo(DELIVERIES).length).toBeGreaterThan(listsBefore));
  });
});
