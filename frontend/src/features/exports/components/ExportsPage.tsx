import { useState } from "react";
import { Link, useParams } from "react-router-dom";

import { errorMessage } from "../../../api/errors";
import { LoadFailed } from "../../../components/LoadFailed";
import { useCurrentUser } from "../../auth/api/auth";
import { STATUS_LABELS } from "../../courses/status";
import { useCourse } from "../../courses/api/courses";
import { useCourseLive } from "../../course/useCourseLive";
import { useDownloadLink, useExportFormats, useExports, type ExportRead } from "../api/exports";
import { assignLocation } from "../navigation";
import { useMyCourseRole } from "../../admin/api/members";
import { canCreateExports } from "../../auth/permissions";
import { isInProgress } from "../status";
import { useDriveStatus } from "../../drive/api/connection";
import { DriveSyncsSection } from "../../drive/components/DriveSyncsSection";
import { ExportForm } from "./ExportForm";
import { ExportTable } from "./ExportTable";

/** Route: /courses/:courseId/exports */
export default function ExportsPage() {
  const { courseId } = useParams();
  if (courseId === undefined || courseId === "") {
    return <p role="alert">No course was given.</p>;
  }
  // Keyed so nothing (ticked formats, messages) carries over to another course.
  return <ExportsScreen key={courseId} courseId={courseId} />;
}

function ExportsScreen({ courseId }: { courseId: string }) {
  const user = useCurrentUser();
  const courseRole = useMyCourseRole(courseId, user?.id);
  const mayExport = canCreateExports(user?.role, courseRole);
  const course = useCourse(courseId);
  const formats = useExportFormats(courseId, mayExport);
  const exports = useExports(courseId);
  const download = useDownloadLink(courseId);
  const drive = useDriveStatus();
  // The export whose "Sync to Drive" was pressed: its form opens in the Google Drive section.
  const [driveTarget, setDriveTarget] = useState<ExportRead | null>(null);
  // export.ready / export.failed refresh the list and show a toast; progress moves the bars.
  const [progress, setProgress] = useState<ReadonlyMap<string, number>>(new Map());
  useCourseLive(courseId, (event) => {
    const { export_id: id, percent } = event.payload;
    if (event.type !== "export.progress" || typeof id !== "string" || typeof percent !== "number") return;
    setProgress((known) => new Map(known).set(id, percent));
  });

  const onDownload = (exp: ExportRead) =>
    // The link is fetched on click and used at once: it is signed and expires in minutes.
    download.mutate(exp.id, { onSuccess: (link) => assignLocation(link.url) });

  const running = exports.data?.filter(isInProgress).length ?? 0;

  return (
    <section aria-labelledby="exports-heading" className="space-y-6">
      <div className="space-y-1">
        <Link to="/courses" className="text-sm text-indigo-700 underline">
          Back to courses
        </Link>
        <h1 id="exports-heading" className="text-2xl font-semibold">
          Export{course.data !== undefined && <span className="font-normal">: {course.data.title}</span>}
        </h1>
      </div>

      {course.isPending ? (
        <p role="status" className="text-slate-600">
          Loading course…
        </p>
      ) : course.isError ? (
        <LoadFailed what="the course" error={course.error} onRetry={() => void course.refetch()} />
      ) : course.data.status !== "approved" ? (
        <p role="note" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-amber-900">
          This course is not finally approved (status: {STATUS_LABELS[course.data.status]}), so its exports are
          marked as drafts: “-draft” in the file name, “(draft)” in titles and a draft notice inside.
        </p>
      ) : (
        <p className="text-slate-700">Status: {STATUS_LABELS[course.data.status]}. Exports are final.</p>
      )}

      {mayExport && (
        <section aria-labelledby="new-export-heading" className="space-y-3">
          <h2 id="new-export-heading" className="text-xl font-semibold">
            New export
          </h2>
          {formats.isPending ? (
            <p role="status" className="text-slate-600">
              Loading formats…
            </p>
          ) : formats.isError ? (
            <LoadFailed what="the export formats" error={formats.error} onRetry={() => void formats.refetch()} />
          ) : (
            <ExportForm courseId={courseId} formats={formats.data} />
          )}
        </section>
      )}

      <section aria-labelledby="earlier-exports-heading" className="space-y-3">
        <h2 id="earlier-exports-heading" className="text-xl font-semibold">
          Earlier exports
        </h2>
        <p role="status" className="text-sm text-slate-600">
          {running > 0 &&
            `${running === 1 ? "1 export is" : `${running} exports are`} in progress; this list updates by itself.`}
        </p>
        {download.isError && (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
            Could not get the download link: {errorMessage(download.error)}
          </p>
        )}
        {exports.isPending ? (
          <p role="status" className="text-slate-600">
            Loading exports…
          </p>
        ) : exports.isError ? (
          <LoadFailed what="the exports" error={exports.error} onRetry={() => void exports.refetch()} />
        ) : exports.data.length === 0 ? (
          <p className="rounded-md bg-white p-8 text-center text-slate-600">No exports yet.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg shadow">
            <ExportTable
              exports={exports.data}
              onDownload={onDownload}
              downloadingId={download.isPending ? (download.variables ?? null) : null}
              progress={progress}
              onSyncToDrive={drive.data?.connected === true ? setDriveTarget : undefined}
            />
          </div>
        )}
      </section>

      <DriveSyncsSection courseId={courseId} target={driveTarget} onTargetDone={() => setDriveTarget(null)} />
    </section>
  );
}
