import type { Extensions } from "@tiptap/core";
import Image from "@tiptap/extension-image";
import { TableKit } from "@tiptap/extension-table";
import { Markdown } from "@tiptap/markdown";
import StarterKit from "@tiptap/starter-kit";

/** Looks up a course image for display: `assets/<name>` -> an object URL, null if none. */
export type ImageResolver = (src: string) => Promise<string | null>;

/**
 * Course images keep `assets/<name>` in the lesson (what exports expect); the editor shows
 * them from bytes fetched with the author's token, since an <img> cannot send one.
 */
function courseImage(resolve: ImageResolver) {
  return Image.extend({
    addNodeView() {
      return ({ node }) => {
        const img = document.createElement("img");
        img.alt = String(node.attrs.alt ?? "");
        img.className = "max-w-full rounded border border-slate-200";
        const src = String(node.attrs.src ?? "");
        img.dataset.src = src;
        void resolve(src).then((url) => {
          if (url !== null) img.src = url;
        });
        return { dom: img };
      };
    },
  });
}

/** Headings, lists, links, code, tables and images, read from and written back as Markdown. */
export function lessonExtensions(resolve: ImageResolver): Extensions {
  return [
    StarterKit.configure({
      heading: { levels: [2, 3, 4] },
      link: { openOnClick: false, protocols: ["http", "https", "mailto"], autolink: true },
    }),
    courseImage(resolve),
    TableKit.configure({ table: { resizable: false } }),
    Markdown,
  ];
}
