/** Previous / Next over a paged list, with "Page 2 of 5 · 93 courses" announced politely. */
interface PaginationProps {
  page: number;
  pageSize: number;
  total: number;
  /** What the list holds, singular and plural: ["course", "courses"]. */
  noun: [string, string];
  onPageChange: (page: number) => void;
}

export function Pagination({ page, pageSize, total, noun, onPageChange }: PaginationProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const button =
    "rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-4 py-3 text-sm">
      <p aria-live="polite">
        Page {Math.min(page, pages)} of {pages} · {total} {total === 1 ? noun[0] : noun[1]}
      </p>
      <div className="flex gap-2">
        <button type="button" className={button} disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
          Previous
        </button>
        <button type="button" className={button} disabled={page >= pages} onClick={() => onPageChange(page + 1)}>
          Next
        </button>
      </div>
    </nav>
  );
}
