import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import { useEffect, useRef, useState, type FormEvent } from "react";

import { lessonExtensions, type ImageResolver } from "../editorExtensions";
import { ImageButton } from "./ImageButton";

const tool =
  "rounded px-2 py-1 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 aria-pressed:bg-indigo-100 aria-pressed:text-indigo-900 disabled:opacity-40";

/**
 * WYSIWYG editing of a lesson's Markdown. `replaced` changes when the text was set from
 * outside (someone else's version, a restored revision): the editor then reloads it.
 */
export function RichTextEditor({
  courseId,
  markdown,
  replaced,
  editable,
  resolveImage,
  onChange,
  label,
}: {
  courseId: string;
  markdown: string;
  replaced: number;
  editable: boolean;
  resolveImage: ImageResolver;
  onChange: (markdown: string) => void;
  label: string;
}) {
  const changed = useRef(onChange);
  changed.current = onChange;
  const editor = useEditor({
    extensions: lessonExtensions(resolveImage),
    content: markdown,
    contentType: "markdown",
    editable,
    immediatelyRender: true,
    editorProps: {
      attributes: {
        class: "lesson-prose min-h-[24rem] p-4 focus:outline-none",
        "aria-label": label,
        "aria-multiline": "true",
        role: "textbox",
      },
    },
    onUpdate: ({ editor: updated }) => changed.current(updated.getMarkdown()),
  });

  const seen = useRef(replaced);
  useEffect(() => {
    if (editor === null || replaced === seen.current) return;
    seen.current = replaced;
    editor.commands.setContent(markdown, { contentType: "markdown", emitUpdate: false });
  }, [editor, replaced, markdown]);

  useEffect(() => {
    editor?.setEditable(editable, false); // no update event: nothing was typed
  }, [editor, editable]);

  return (
    <div className="rounded-lg border border-slate-300 bg-white shadow-sm">
      {editable && editor !== null && <Toolbar editor={editor} courseId={courseId} />}
      <EditorContent editor={editor} />
    </div>
  );
}

function Toolbar({ editor, courseId }: { editor: Editor; courseId: string }) {
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      code: e.isActive("code"),
      bullets: e.isActive("bulletList"),
      numbers: e.isActive("orderedList"),
      codeBlock: e.isActive("codeBlock"),
      quote: e.isActive("blockquote"),
      link: e.isActive("link"),
      table: e.isActive("table"),
    }),
  });
  const chain = () => editor.chain().focus();
  const toggle = (name: string, pressed: boolean, run: () => void) => (
    <button type="button" className={tool} aria-pressed={pressed} onClick={run}>
      {name}
    </button>
  );
  return (
    <div role="toolbar" aria-label="Formatting" className="flex flex-wrap items-center gap-1 border-b border-slate-200 p-2">
      {toggle("Heading", active.h2, () => chain().toggleHeading({ level: 2 }).run())}
      {toggle("Subheading", active.h3, () => chain().toggleHeading({ level: 3 }).run())}
      {toggle("Bold", active.bold, () => chain().toggleBold().run())}
      {toggle("Italic", active.italic, () => chain().toggleItalic().run())}
      {toggle("Inline code", active.code, () => chain().toggleCode().run())}
      {toggle("Bulleted list", active.bullets, () => chain().toggleBulletList().run())}
      {toggle("Numbered list", active.numbers, () => chain().toggleOrderedList().run())}
      {toggle("Code block", active.codeBlock, () => chain().toggleCodeBlock().run())}
      {toggle("Quote", active.quote, () => chain().toggleBlockquote().run())}
      <LinkButton editor={editor} active={active.link} />
      {active.table ? (
        <button type="button" className={tool} onClick={() => chain().deleteTable().run()}>
          Remove table
        </button>
      ) : (
        <button
          type="button"
          className={tool}
          onClick={() => chain().insertTable({ rows: 3, cols: 2, withHeaderRow: true }).run()}
        >
          Table
        </button>
      )}
      <ImageButton editor={editor} courseId={courseId} className={tool} />
    </div>
  );
}

function LinkButton({ editor, active }: { editor: Editor; active: boolean }) {
  const [open, setOpen] = useState(false);
  const [href, setHref] = useState("");
  function apply(event: FormEvent) {
    event.preventDefault();
    const url = href.trim();
    const chain = editor.chain().focus().extendMarkRange("link");
    if (url === "") chain.unsetLink().run();
    else chain.setLink({ href: url }).run();
    setOpen(false);
  }
  return (
    <>
      <button
        type="button"
        className={tool}
        aria-pressed={active}
        aria-expanded={open}
        onClick={() => {
          setHref(String(editor.getAttributes("link").href ?? "https://"));
          setOpen(!open);
        }}
      >
        Link
      </button>
      {open && (
        <form onSubmit={apply} className="flex items-center gap-1">
          <label className="sr-only" htmlFor="link-address">
            Link address
          </label>
          <input
            id="link-address"
            className="rounded border border-slate-300 px-2 py-1 text-sm"
            value={href}
            onChange={(e) => setHref(e.target.value)}
            placeholder="https://…"
            autoFocus
          />
          <button type="submit" className={tool}>
            {href.trim() === "" ? "Remove link" : "Apply link"}
          </button>
        </form>
      )}
    </>
  );
}
