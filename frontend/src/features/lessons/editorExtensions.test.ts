import { Editor } from "@tiptap/core";
import { describe, expect, it } from "vitest";

import { lessonExtensions } from "./editorExtensions";

const LESSON = [
  "## Steps",
  "Run **git** and *read* [the docs](https://example.org/docs).",
  "- one\n- two",
  "1. first\n2. second",
  "| cmd | does |\n| --- | --- |\n| add | stage |",
  "```sh\ngit add .\n```",
  "![Map of the repository](assets/map.png)",
  "> Commit early.",
].join("\n\n");

describe("the lesson editor's Markdown", () => {
  it("keeps headings, marks, links, lists, tables, code and course images through an edit", () => {
    const editor = new Editor({
      extensions: lessonExtensions(async () => null),
      content: LESSON,
      contentType: "markdown",
    });
    const written = editor.getMarkdown();
    for (const part of [
      "## Steps",
      "**git**",
      "*read*",
      "[the docs](https://example.org/docs)",
      "- one\n- two",
      "1. first\n2. second",
      "```sh\ngit add .\n```",
      "![Map of the repository](assets/map.png)",
      "> Commit early.",
    ]) {
      expect(written).toContain(part);
    }
    expect(written).toMatch(/\| cmd \| does\s*\|/);
    editor.destroy();
  });
});
