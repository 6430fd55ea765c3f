import type { Editor } from "@tiptap/react";
import { useRef } from "react";

import { errorMessage } from "../../../api/errors";
import { useToast } from "../../../components/Toasts";
import { useUploadAsset } from "../api/lessons";

/** Uploads an image as a course asset and inserts it where the cursor is. */
export function ImageButton({ editor, courseId, className }: { editor: Editor; courseId: string; className: string }) {
  const input = useRef<HTMLInputElement>(null);
  const upload = useUploadAsset(courseId);
  const notify = useToast();
  async function chosen(file: File | undefined) {
    if (file === undefined) return;
    try {
      const asset = await upload.mutateAsync(file);
      const alt = file.name.replace(/\.[^.]+$/, "");
      editor.chain().focus().setImage({ src: asset.src, alt }).run();
    } catch (caught) {
      notify(`The image could not be added: ${errorMessage(caught)}`, "error");
    } finally {
      if (input.current !== null) input.current.value = "";
    }
  }
  return (
    <>
      <button type="button" className={className} disabled={upload.isPending} onClick={() => input.current?.click()}>
        {upload.isPending ? "Uploading…" : "Image"}
      </button>
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg,image/gif,image/webp"
        className="hidden"
        aria-label="Image file to insert"
        tabIndex={-1}
        onChange={(e) => void chosen(e.target.files?.[0])}
      />
    </>
  );
}
