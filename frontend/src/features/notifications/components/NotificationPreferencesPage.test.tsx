import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { apiError, json, signedInApi } from "../../../test/fakeApi";
import { renderApp } from "../../../test/render";
import type { Preference } from "../api/preferences";

const PREFERENCES = "/api/v1/notifications/preferences";
const PAGE = "/settings/notifications";

const PREFS: Preference[] = [
  { kind: "review_requested", label: "A course is waiting for your review", critical: false, enabled: true },
  { kind: "export_ready", label: "An export is ready to download", critical: false, enabled: false },
  { kind: "password_changed", label: "Your password was changed", critical: true, enabled: true },
  { kind: "webhook_disabled", label: "A webhook was disabled after repeated failures", critical: true, enabled: true },
];

function backend(put?: (request: Request) => Response | Promise<Response>) {
  let prefs = [...PREFS];
  return signedInApi("viewer", async (request, url) => {
    if (url.pathname !== PREFERENCES) return apiError(404, "not_found", "Not found.");
    if (request.method === "PUT") {
      if (put !== undefined) return put(request);
      const { preferences } = (await request.json()) as { preferences: Record<string, boolean> };
      prefs = prefs.map((p) => (p.kind in preferences ? { ...p, enabled: preferences[p.kind]! } : p));
      return json(prefs);
    }
    return json(prefs);
  });
}

describe("notification settings", () => {
  it("is linked for every signed-in user and shows security mail on, locked, with the reason", async () => {
    const api = backend();
    renderApp(api.session, "/courses");
    await userEvent.click(await screen.findByRole("link", { name: "Notification settings" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Notification settings" })).toBeInTheDocument();
    const optional = await screen.findByRole("group", { name: "E-mail me when…" });
    expect(within(optional).getByRole("checkbox", { name: "A course is waiting for your review" })).toBeChecked();
    expect(within(optional).getByRole("checkbox", { name: "An export is ready to download" })).not.toBeChecked();

    const security = screen.getByRole("group", { name: "Security mail" });
    for (const box of within(security).getAllByRole("checkbox")) {
      expect(box).toBeChecked();
      expect(box).toBeDisabled();
      expect(box).toHaveAccessibleDescription(expect.stringContaining("Security mail cannot be turned off"));
    }
    expect(within(security).getAllByRole("checkbox")).toHaveLength(2);
  });

  it("saves a toggle, sending only the kinds that can change, and says so", async () => {
    const api = backend();
    renderApp(api.session, PAGE);

    await userEvent.click(await screen.findByRole("checkbox", { name: "A course is waiting for your review" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "An export is ready to download" }));
    expect(screen.getByText("You have unsaved changes.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));

    expect(await screen.findByText("Your notification settings are saved.")).toHaveAttribute("role", "status");
    const [put] = api.requests.filter((r) => r.method === "PUT");
    expect(await put!.json()).toEqual({ preferences: { review_requested: false, export_ready: true } });
    expect(screen.getByRole("checkbox", { name: "A course is waiting for your review" })).not.toBeChecked();
    expect(screen.getByRole("checkbox", { name: "An export is ready to download" })).toBeChecked();
    expect(screen.queryByText("You have unsaved changes.")).not.toBeInTheDocument();
  });

  it("shows why a save failed and keeps the choices", async () => {
    const api = backend(() => apiError(422, "critical_notification", "Security notifications cannot be turned off."));
    renderApp(api.session, PAGE);

    const box = await screen.findByRole("checkbox", { name: "An export is ready to download" });
    await userEvent.click(box);
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));

    await waitFor(() =>
      expect(screen.getByRole("alert")).toHaveTextContent(
        "Could not save your settings: Security notifications cannot be turned off.",
      ),
    );
    expect(box).toBeChecked();
  });
});
