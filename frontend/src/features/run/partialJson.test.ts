import { describe, expect, it } from "vitest";

import { sketchOutline } from "./outlineSketch";
import { parsePartialJson } from "./partialJson";

const WHOLE = JSON.stringify({
  modules: [
    { title: "Basics", summary: "Start here, \"gently\"", lessons: [{ title: "Ownership", covers: [0, 12] }] },
    { title: "Borrowing", lessons: [{ title: "References" }, { title: "Lifetimes" }] },
  ],
});

describe("parsePartialJson", () => {
  it("gives the whole value once the text is whole", () => {
    expect(parsePartialJson(WHOLE)).toEqual(JSON.parse(WHOLE));
  });

  it("never throws and never goes back on a prefix: every prefix parses to something consistent", () => {
    let seenModules = 0;
    for (let end = 0; end <= WHOLE.length; end++) {
      const value = parsePartialJson(WHOLE.slice(0, end));
      const modules = sketchOutline(WHOLE.slice(0, end));
      if (value !== undefined) expect(typeof value).toBe("object");
      expect(modules.length).toBeGreaterThanOrEqual(seenModules);
      seenModules = modules.length;
    }
    expect(seenModules).toBe(2);
  });

  it("shows a string value as far as it is written, but not a key", () => {
    expect(parsePartialJson('{"modules": [{"title": "Bas')).toEqual({ modules: [{ title: "Bas" }] });
    expect(parsePartialJson('{"modules": [{"tit')).toEqual({ modules: [{}] });
    expect(parsePartialJson('{"modules": [{"title": "Say \\')).toEqual({ modules: [{ title: "Say " }] });
  });

  it("leaves out a number still being written", () => {
    expect(parsePartialJson('{"covers": [0, 1')).toEqual({ covers: [0] });
    expect(parsePartialJson('{"covers": [0, 12]')).toEqual({ covers: [0, 12] });
  });

  it("is undefined before any container opens", () => {
    expect(parsePartialJson("")).toBeUndefined();
    expect(parsePartialJson("  ")).toBeUndefined();
  });
});

describe("sketchOutline", () => {
  it("lists module and lesson titles so far", () => {
    const half = WHOLE.slice(0, WHOLE.indexOf("Lifetimes") + 4);
    expect(sketchOutline(half)).toEqual([
      { title: "Basics", lessons: ["Ownership"] },
      { title: "Borrowing", lessons: ["References", "Life"] },
    ]);
  });

  it("is empty for text that is not an outline", () => {
    expect(sketchOutline('{"unexpected": "x"}')).toEqual([]);
    expect(sketchOutline("[1, 2]")).toEqual([]);
  });
});
