import type { Notice } from "../../admin/components/ui";

/**
 * The outcome of the last action in a part of a Drive screen, shown only while there is one
 * (unlike NoticeArea's standing live regions: these screens have several parts, each its own).
 */
export function DriveNotice({ notice }: { notice: Notice }) {
  if (notice === null) return null;
  return notice.kind === "status" ? (
    <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-800">
      {notice.text}
    </p>
  ) : (
    <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
      {notice.text}
    </p>
  );
}
