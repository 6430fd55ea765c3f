import { describe, expect, it } from "vitest";

import { applyParamChanges, pageParam } from "./urlParams";

describe("applyParamChanges", () => {
  it("sets, replaces and removes parameters without touching the original", () => {
    const current = new URLSearchParams("q=rust&status=draft&page=3");

    const next = applyParamChanges(current, { q: "go", status: null, page: "", kind: "lesson" });

    expect(next.toString()).toBe("q=go&kind=lesson");
    expect(current.toString()).toBe("q=rust&status=draft&page=3");
  });
});

describe("pageParam", () => {
  it.each([
    ["", 1],
    ["page=2", 2],
    ["page=0", 1],
    ["page=-4", 1],
    ["page=abc", 1],
  ])("%s reads as page %d", (search, page) => {
    expect(pageParam(new URLSearchParams(search))).toBe(page);
  });
});
