/** Small pieces shared by the admin screens. */
export const selectClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:outline-none focus:ring-2 focus:ring-indigo-500 disabled:opacity-50";

export const dangerButtonClass =
  "rounded-md border border-red-300 bg-white px-3 py-1 text-sm text-red-700 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 disabled:opacity-50";

export type Notice = { kind: "status" | "error"; text: string } | null;

/**
 * One live region for a screen's outcomes: always in the DOM (so screen readers pick up
 * changes), polite for successes, assertive for failures.
 */
export function NoticeArea({ notice }: { notice: Notice }) {
  return (
    <>
      <div role="status" aria-live="polite" className="empty:hidden rounded-md bg-green-50 p-3 text-green-800">
        {notice?.kind === "status" ? notice.text : ""}
      </div>
      <div role="alert" aria-live="assertive" className="empty:hidden rounded-md bg-red-50 p-3 text-red-800">
        {notice?.kind === "error" ? notice.text : ""}
      </div>
    </>
  );
}
