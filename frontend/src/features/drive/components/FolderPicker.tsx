import { useId } from "react";

import { errorMessage } from "../../../api/errors";
import { retryButton } from "../../../components/LoadFailed";
import { buttonClass, inputClass } from "../../brief/components/Field";
import type { DriveFolder, FolderQuery } from "../api/folders";

interface FolderPickerProps {
  filter: string;
  onFilterChange: (filter: string) => void;
  /** The name the list was asked for (the filter once typing has paused). */
  searched: string;
  folders: FolderQuery;
  currentId: string | null;
  choosingId: string | null;
  onChoose: (folder: DriveFolder) => void;
}

/** Courzly's folders, filtered by name, a page at a time, each one choosable. */
export function FolderPicker(props: FolderPickerProps) {
  const { filter, onFilterChange, searched, folders, currentId, choosingId, onChoose } = props;
  const filterId = useId();

  const listed = folders.data?.pages.flatMap((page) => page.folders) ?? [];

  return (
    <div className="space-y-3">
      <div>
        <label htmlFor={filterId} className="block text-sm font-medium">
          Filter folders by name
        </label>
        <input
          id={filterId}
          type="search"
          value={filter}
          onChange={(e) => onFilterChange(e.target.value)}
          className={inputClass}
        />
      </div>

      {folders.isPending ? (
        <p role="status" className="text-slate-600">
          Loading folders…
        </p>
      ) : folders.isError && listed.length === 0 ? (
        <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          <p>Could not load your folders: {errorMessage(folders.error)}</p>
          <button type="button" onClick={() => void folders.refetch()} className={retryButton}>
            Try again
          </button>
        </div>
      ) : listed.length === 0 ? (
        <p className="text-slate-600">
          {searched === "" ? "No folders yet: create one above." : `No folder's name contains “${searched}”.`}
        </p>
      ) : (
        <ul aria-label="Your Courzly folders" className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {listed.map((folder) => (
            <FolderRow
              key={folder.id}
              folder={folder}
              current={folder.id === currentId}
              choosing={choosingId === folder.id}
              disabled={choosingId !== null}
              onChoose={() => onChoose(folder)}
            />
          ))}
        </ul>
      )}

      {folders.isFetchNextPageError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          Could not load more folders: {errorMessage(folders.error)}
        </p>
      )}
      {folders.hasNextPage && (
        <button
          type="button"
          onClick={() => void folders.fetchNextPage()}
          disabled={folders.isFetchingNextPage}
          className={buttonClass}
        >
          {folders.isFetchingNextPage ? "Loading…" : "Load more folders"}
        </button>
      )}
    </div>
  );
}

interface FolderRowProps {
  folder: DriveFolder;
  current: boolean;
  choosing: boolean;
  disabled: boolean;
  onChoose: () => void;
}

function FolderRow({ folder, current, choosing, disabled, onChoose }: FolderRowProps) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
      <span className="font-medium">
        {folder.web_view_link !== null ? (
          <a href={folder.web_view_link} target="_blank" rel="noreferrer" className="text-indigo-700 underline">
            {folder.name}
            <span className="sr-only"> (opens Google Drive in a new tab)</span>
          </a>
        ) : (
          folder.name
        )}
      </span>
      {current ? (
        <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900">
          Export folder
        </span>
      ) : (
        <button type="button" onClick={onChoose} disabled={disabled} className={buttonClass}>
          {choosing ? "Choosing…" : "Use this folder"}
          <span className="sr-only"> “{folder.name}”</span>
        </button>
      )}
    </li>
  );
}
