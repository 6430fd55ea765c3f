import { describe, expect, it } from "vitest";

import { cleaned, isChanged, moved, moveLesson, moveModule, problems, updateLesson, type Outline } from "./draft";

const OUTLINE: Outline = {
  modules: [
    {
      key: "m1",
      title: "Basics",
      summary: "",
      lessons: [
        { key: "m1-l1", title: "Knots", objectives: ["Tie a bowline"], covers: [0] },
        { key: "m1-l2", title: "Lines", objectives: ["Coil a line"], covers: [0] },
      ],
    },
    { key: "m2", title: "Sailing", summary: "", lessons: [{ key: "m2-l1", title: "Tacking", objectives: ["Tack"] }] },
  ],
};

describe("outline edits", () => {
  it("moves entries and keeps their keys, so lessons keep their identity", () => {
    expect(moved(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(moved(["a", "b"], 1, 5)).toEqual(["a", "b"]); // out of bounds: unchanged
    const swapped = moveModule(OUTLINE, 1, 0);
    expect(swapped.modules.map((m) => m.key)).toEqual(["m2", "m1"]);
    const reordered = moveLesson(OUTLINE, "m1", 1, 0);
    expect(reordered.modules[0]!.lessons.map((l) => l.key)).toEqual(["m1-l2", "m1-l1"]);
    expect(isChanged(OUTLINE, reordered)).toBe(true);
    expect(isChanged(OUTLINE, moveLesson(OUTLINE, "m1", 0, 0))).toBe(false);
  });

  it("names what must be fixed before the edit can be sent", () => {
    const broken = updateLesson(OUTLINE, "m1-l2", (l) => ({ ...l, title: " ", objectives: ["", "  "] }));
    expect(problems(broken)).toEqual(["Lesson 1.2 needs a title.", "Lesson 1.2 needs at least one objective."]);
    expect(problems(OUTLINE)).toEqual([]);
  });

  it("sends trimmed titles without blank objectives", () => {
    const edited = updateLesson(OUTLINE, "m1-l1", (l) => ({ ...l, title: " Knots  ", objectives: ["Tie a bowline", " "] }));
    expect(cleaned(edited).modules[0]!.lessons[0]).toEqual(OUTLINE.modules[0]!.lessons[0]);
  });
});
