import { isRunStatus, RUN_STATUS_STYLES, runStatusLabel } from "../run";

export function RunStatusBadge({ status }: { status: string }) {
  const style = isRunStatus(status) ? RUN_STATUS_STYLES[status] : "bg-slate-100 text-slate-800";
  return <span className={`rounded-full px-2 py-0.5 text-sm font-medium ${style}`}>{runStatusLabel(status)}</span>;
}
