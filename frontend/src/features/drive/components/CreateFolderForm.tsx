import { useId, useState, type FormEvent } from "react";

import { buttonClass, inputClass } from "../../brief/components/Field";
import { useCreateFolder, type DriveFolder } from "../api/folders";

interface CreateFolderFormProps {
  onStart: () => void;
  onCreated: (folder: DriveFolder) => void;
  onError: (error: unknown) => void;
}

/** A new folder at the top of the user's Drive, which Courzly may then use. */
export function CreateFolderForm({ onStart, onCreated, onError }: CreateFolderFormProps) {
  const id = useId();
  const [name, setName] = useState("");
  const [missing, setMissing] = useState(false);
  const create = useCreateFolder();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (create.isPending) return;
    const trimmed = name.trim();
    if (trimmed === "") {
      setMissing(true);
      return;
    }
    onStart();
    create.mutate(trimmed, {
      onSuccess: (folder) => {
        setName("");
        onCreated(folder);
      },
      onError,
    });
  };

  return (
    <form noValidate aria-label="Create a folder" onSubmit={submit} className="flex flex-wrap items-end gap-2">
      <div className="min-w-[16rem] flex-1">
        <label htmlFor={id} className="block text-sm font-medium">
          New folder name
        </label>
        <input
          id={id}
          value={name}
          maxLength={255}
          onChange={(e) => {
            setName(e.target.value);
            setMissing(false);
          }}
          aria-invalid={missing}
          aria-describedby={missing ? `${id}-error` : undefined}
          className={inputClass}
        />
        {missing && (
          <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
            Give the folder a name.
          </p>
        )}
      </div>
      <button type="submit" disabled={create.isPending} className={`${buttonClass} mb-0.5`}>
        {create.isPending ? "Creating…" : "Create folder"}
      </button>
    </form>
  );
}
