import { describe, expect, it } from "vitest";

import { formatRelative } from "./format";
import { gateSubject, kindLabel } from "./labels";
import { canDecideReviews, decidesGlobally } from "../auth/permissions";

describe("review helpers", () => {
  const now = Date.parse("2024-05-10T12:00:00Z");

  it.each([
    ["2024-05-10T11:59:30Z", "now"],
    ["2024-05-10T11:55:00Z", "5 minutes ago"],
    ["2024-05-10T09:00:00Z", "3 hours ago"],
    ["2024-05-09T11:00:00Z", "yesterday"],
    ["2024-04-20T12:00:00Z", "2 weeks ago"],
    ["not a date", "not a date"],
  ])("formatRelative(%s) = %s", (iso, expected) => {
    expect(formatRelative(iso, now)).toBe(expected);
  });

  it("mirrors review:decide: reviewer and admin, globally or on the course", () => {
    expect(decidesGlobally("reviewer")).toBe(true);
    expect(decidesGlobally("admin")).toBe(true);
    expect(decidesGlobally("editor")).toBe(false);
    expect(decidesGlobally(null)).toBe(false);
    expect(canDecideReviews("editor", "admin")).toBe(true); // a course owner
    expect(canDecideReviews("viewer", "reviewer")).toBe(true);
    expect(canDecideReviews(null, "editor")).toBe(false);
    expect(canDecideReviews("viewer", null)).toBe(false);
  });

  it("names what a decision acts on", () => {
    expect(gateSubject({ kind: "lesson", title: "Knots" }, "Sailing")).toBe("lesson 'Knots' of 'Sailing'");
    expect(gateSubject({ kind: "outline", title: "Outline" }, undefined)).toBe("the outline of this course");
    expect(gateSubject({ kind: "final", title: "Final approval" }, "Sailing")).toBe("the final review of 'Sailing'");
    expect(kindLabel("final")).toBe("Final approval");
    expect(kindLabel("something-new")).toBe("something-new");
  });
});
