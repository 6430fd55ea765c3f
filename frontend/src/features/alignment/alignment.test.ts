import { describe, expect, it } from "vitest";

import { coverageSummary, outlineLabels, parseAlignment, type AlignmentRow } from "./alignment";

const row = (index: number, covered: boolean): AlignmentRow => ({
  objective: `Objective ${index}`,
  index,
  lessons: covered ? ["m1-l1"] : [],
  quiz_items: covered ? ["m1-q1"] : [],
  covered,
});

describe("alignment", () => {
  it("reads the shape assembly writes, in objective order, and refuses another", () => {
    const parsed = parseAlignment({ objectives: [row(1, false), row(0, true)], uncovered: ["Objective 1"] });
    expect(parsed?.objectives.map((r) => r.index)).toEqual([0, 1]);
    expect(parsed?.uncovered).toEqual(["Objective 1"]);
    expect(parseAlignment({ objectives: [{ objective: "x" }] })).toBeNull();
    expect(parseAlignment({})).toBeNull();
  });

  it("counts the gaps in words", () => {
    expect(coverageSummary([row(0, false), row(1, true)])).toBe("1 of 2 objectives is not covered");
    expect(coverageSummary([row(0, false), row(1, false), row(2, true)])).toBe("2 of 3 objectives are not covered");
    expect(coverageSummary([row(0, true)])).toBe("The 1 objective is covered");
  });

  it("names lessons and quiz items from the outline, keeping unknown keys", () => {
    const labels = outlineLabels({
      modules: [{ key: "m1", title: "Basics", summary: "", lessons: [{ key: "m1-l1", title: "Intro", objectives: ["a"] }] }],
    });
    expect(labels.lesson("m1-l1")).toBe("Intro");
    expect(labels.lesson("m9-l9")).toBe("m9-l9");
    expect(labels.quizItem("m1-q3")).toBe("Basics quiz, question 3");
    expect(labels.quizItem("m7-q1")).toBe("m7-q1");
    expect(outlineLabels(null).lesson("m1-l1")).toBe("m1-l1");
  });
});
