import { describe, expect, it } from "vitest";

import { placeFieldIssues, toBrief, validateBrief, type BriefForm } from "./validation";

const VALID: BriefForm = {
  title: "Rust for analysts",
  audience: "Analysts",
  level: "beginner",
  duration_minutes: "60",
  language: "en",
  tone: "",
  objectives: [{ id: "a", text: "Read Rust" }],
  modules: "3",
  lessons_per_module: "3",
  source_material: "",
};

const fieldsOf = (changes: Partial<BriefForm>) => validateBrief({ ...VALID, ...changes }).fields;

describe("brief validation mirrors the server's limits", () => {
  it("accepts a valid brief; tone and source material may be empty", () => {
    expect(validateBrief(VALID)).toEqual({ fields: {}, objectives: {} });
  });

  it.each<[Partial<BriefForm>, keyof BriefForm]>([
    [{ title: "   " }, "title"],
    [{ title: "x".repeat(201) }, "title"],
    [{ audience: "a\tb" }, "audience"],
    [{ tone: "t".repeat(201) }, "tone"],
    [{ duration_minutes: "4" }, "duration_minutes"],
    [{ duration_minutes: "6001" }, "duration_minutes"],
    [{ duration_minutes: "60.5" }, "duration_minutes"],
    [{ language: "EN" }, "language"],
    [{ language: "english" }, "language"],
    [{ modules: "0" }, "modules"],
    [{ modules: "13" }, "modules"],
    [{ lessons_per_module: "11" }, "lessons_per_module"],
    [{ objectives: [] }, "objectives"],
    [{ objectives: Array.from({ length: 21 }, (_, i) => ({ id: `o${i}`, text: "x" })) }, "objectives"],
    [{ source_material: "é".repeat(250_001) }, "source_material"], // 500,002 bytes in UTF-8
    [{ source_material: "nul\u0000" }, "source_material"],
  ])("%j is refused on %s", (changes, field) => {
    expect(Object.keys(fieldsOf(changes))).toEqual([field]);
  });

  it("accepts the edges of each range", () => {
    expect(fieldsOf({ title: "x".repeat(200), duration_minutes: "5", modules: "12", lessons_per_module: "1" })).toEqual({});
    expect(fieldsOf({ duration_minutes: "6000", language: "pt-BR", source_material: "a".repeat(500_000) })).toEqual({});
    // Code points, as Python counts them: 200 emoji are 400 UTF-16 units.
    expect(fieldsOf({ title: "🦀".repeat(200) })).toEqual({});
  });

  it("checks each objective: blank, too long", () => {
    const result = validateBrief({
      ...VALID,
      objectives: [
        { id: "a", text: "  " },
        { id: "b", text: "ok" },
        { id: "c", text: "x".repeat(301) },
      ],
    });
    expect(Object.keys(result.objectives)).toEqual(["a", "c"]);
  });

  it("sends text trimmed and numbers as numbers", () => {
    expect(toBrief({ ...VALID, title: "  T  ", duration_minutes: " 90 ", objectives: [{ id: "a", text: " O " }] })).toEqual({
      title: "T",
      audience: "Analysts",
      level: "beginner",
      duration_minutes: 90,
      language: "en",
      tone: "",
      objectives: ["O"],
      source_material: "",
      modules: 3,
      lessons_per_module: 3,
    });
  });

  it("places server issues by location, objectives by index", () => {
    const objectives = [
      { id: "a", text: "A" },
      { id: "b", text: "B" },
    ];
    const { errors, unplaced } = placeFieldIssues(
      [
        { loc: ["body", "brief", "objectives", 1], msg: "bad objective", type: "x" },
        { loc: ["body", "brief", "objectives"], msg: "too many", type: "x" },
        { loc: ["body", "language"], msg: "bad language", type: "x" },
        { loc: ["body", "brief"], msg: "Field required", type: "missing" },
        { loc: ["query", "page"], msg: "odd", type: "x" },
      ],
      objectives,
    );
    expect(errors).toEqual({ fields: { objectives: "too many", language: "bad language" }, objectives: { b: "bad objective" } });
    expect(unplaced).toEqual(["body.brief: Field required", "query.page: odd"]);
  });
});
