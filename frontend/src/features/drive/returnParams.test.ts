import { describe, expect, it } from "vitest";

import { parseDriveReturn } from "./returnParams";

describe("parseDriveReturn", () => {
  it("reads the callback's outcome", () => {
    expect(parseDriveReturn(new URLSearchParams("drive=connected"))).toEqual({ kind: "connected" });
    expect(parseDriveReturn(new URLSearchParams("drive=error&reason=You+did+not+allow+access."))).toEqual({
      kind: "error",
      reason: "You did not allow access.",
    });
  });

  it("gives an empty reason when none came, and nothing for other values", () => {
    expect(parseDriveReturn(new URLSearchParams("drive=error"))).toEqual({ kind: "error", reason: "" });
    expect(parseDriveReturn(new URLSearchParams("drive=maybe"))).toBeNull();
    expect(parseDriveReturn(new URLSearchParams(""))).toBeNull();
  });
});
