import { useId, useState } from "react";

import { useDebouncedValue } from "../../../lib/useDebouncedValue";
import type { Notice } from "../../admin/components/ui";
import type { DriveStatus } from "../api/connection";
import { useChooseFolder, useDriveFolders, type DriveFolder } from "../api/folders";
import { LEAST_PRIVILEGE_NOTE } from "../labels";
import { describeDriveError } from "../messages";
import { CreateFolderForm } from "./CreateFolderForm";
import { DriveNotice } from "./DriveNotice";
import { FolderPicker } from "./FolderPicker";

/** Where exports go by default: the chosen folder, and the folders to choose from or create. */
export function FolderSettings({ status }: { status: DriveStatus }) {
  const headingId = useId();
  const [filter, setFilter] = useState("");
  const name = useDebouncedValue(filter.trim(), 300);
  const folders = useDriveFolders(name);
  const choose = useChooseFolder();
  const [notice, setNotice] = useState<Notice>(null);
  // The status has no link to the folder: it comes from the list, or from the folder just chosen.
  const [chosen, setChosen] = useState<DriveFolder | null>(null);

  const onDriveError = (error: unknown, action: string) =>
    setNotice({ kind: "error", text: describeDriveError(error, action) });

  const onChoose = (folder: DriveFolder) => {
    setNotice(null);
    choose.mutate(folder, {
      onSuccess: () => {
        setChosen(folder);
        setNotice({ kind: "status", text: `Exports now go to “${folder.name}”.` });
      },
      onError: (error) => onDriveError(error, `Could not choose “${folder.name}”`),
    });
  };

  const listed = folders.data?.pages.flatMap((page) => page.folders) ?? [];
  const current = status.folder_id ?? null;
  const currentLink =
    (chosen?.id === current ? chosen?.web_view_link : undefined) ?? listed.find((f) => f.id === current)?.web_view_link;

  return (
    <section aria-labelledby={headingId} className="space-y-4">
      <div className="space-y-1">
        <h3 id={headingId} className="text-lg font-semibold">
          Export folder
        </h3>
        <p className="text-sm text-slate-600">{LEAST_PRIVILEGE_NOTE}</p>
      </div>

      {current === null ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
          No folder chosen yet: create one or choose one below before sending exports to Drive.
        </p>
      ) : (
        <p className="text-slate-700">
          Exports go to{" "}
          {currentLink != null ? (
            <a href={currentLink} target="_blank" rel="noreferrer" className="font-medium text-indigo-700 underline">
              {status.folder_name ?? current}
              <span className="sr-only"> (opens Google Drive in a new tab)</span>
            </a>
          ) : (
            <span className="font-medium">{status.folder_name ?? current}</span>
          )}
          .
        </p>
      )}

      <DriveNotice notice={notice} />

      <CreateFolderForm
        onCreated={(folder) =>
          setNotice({ kind: "status", text: `Created “${folder.name}”. Choose it in the list to send exports there.` })
        }
        onError={(error) => onDriveError(error, "Could not create the folder")}
        onStart={() => setNotice(null)}
      />

      <FolderPicker
        filter={filter}
        onFilterChange={setFilter}
        searched={name}
        folders={folders}
        currentId={current}
        choosingId={choose.isPending ? choose.variables.id : null}
        onChoose={onChoose}
      />
    </section>
  );
}
