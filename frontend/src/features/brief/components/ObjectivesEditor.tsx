import { useEffect, useRef, useState } from "react";

import { LIMITS, type Objective } from "../validation";
import { buttonClass, describedBy, inputClass } from "./Field";

interface ObjectivesEditorProps {
  /** Prefix of every element id; `${idPrefix}-add` is the Add button, `${idPrefix}-${id}` an input. */
  idPrefix: string;
  objectives: Objective[];
  onChange: (objectives: Objective[]) => void;
  listError: string | undefined;
  itemErrors: Record<string, string>;
}

/** Where the focus goes after a change: the list re-renders first, so it is set afterwards. */
type FocusTarget = { id: string; part: "input" | "up" | "down" } | { id: null; part: "add" };

export function objectiveInputId(idPrefix: string, objectiveId: string): string {
  return `${idPrefix}-${objectiveId}`;
}

export function ObjectivesEditor({ idPrefix, objectives, onChange, listError, itemErrors }: ObjectivesEditorProps) {
  const nextId = useRef(0);
  const [focusTarget, setFocusTarget] = useState<FocusTarget | null>(null);
  const legendId = `${idPrefix}-legend`;
  const hintId = `${idPrefix}-hint`;
  const listErrorId = listError !== undefined ? `${idPrefix}-error` : undefined;
  const atLimit = objectives.length >= LIMITS.maxObjectives;

  useEffect(() => {
    if (focusTarget === null) return;
    const id =
      focusTarget.id === null
        ? `${idPrefix}-add`
        : focusTarget.part === "input"
          ? objectiveInputId(idPrefix, focusTarget.id)
          : `${objectiveInputId(idPrefix, focusTarget.id)}-${focusTarget.part}`;
    const element = document.getElementById(id);
    // A move button that is now disabled (top or bottom reached) hands the focus to the other one.
    if (element instanceof HTMLButtonElement && element.disabled && focusTarget.id !== null) {
      const other = focusTarget.part === "up" ? "down" : "up";
      document.getElementById(`${objectiveInputId(idPrefix, focusTarget.id)}-${other}`)?.focus();
    } else {
      element?.focus();
    }
    setFocusTarget(null);
  }, [focusTarget, idPrefix]);

  function add() {
    nextId.current += 1;
    const objective = { id: `new-${nextId.current}`, text: "" };
    onChange([...objectives, objective]);
    setFocusTarget({ id: objective.id, part: "input" });
  }

  function remove(index: number) {
    const next = objectives.filter((_, i) => i !== index);
    onChange(next);
    const neighbour = next[index] ?? next[index - 1];
    setFocusTarget(neighbour !== undefined ? { id: neighbour.id, part: "input" } : { id: null, part: "add" });
  }

  function move(index: number, by: -1 | 1) {
    const target = index + by;
    const moving = objectives[index];
    const other = objectives[target];
    if (moving === undefined || other === undefined) return;
    const next = [...objectives];
    next[target] = moving;
    next[index] = other;
    onChange(next);
    setFocusTarget({ id: moving.id, part: by < 0 ? "up" : "down" });
  }

  function edit(index: number, text: string) {
    onChange(objectives.map((o, i) => (i === index ? { ...o, text } : o)));
  }

  return (
    <fieldset aria-describedby={describedBy(listErrorId, hintId)} className="space-y-2">
      <legend id={legendId} className="text-sm font-medium">
        Learning objectives
      </legend>
      <p id={hintId} className="text-xs text-slate-600">
        What a learner can do after the course: 1 to {LIMITS.maxObjectives}, each up to {LIMITS.objective}{" "}
        characters, in the order you want them covered.
      </p>
      {objectives.length > 0 && (
        <ol className="space-y-2">
          {objectives.map((objective, index) => {
            const n = index + 1;
            const inputId = objectiveInputId(idPrefix, objective.id);
            const error = itemErrors[objective.id];
            const errorId = error !== undefined ? `${inputId}-error` : undefined;
            return (
              <li key={objective.id} className="rounded-md border border-slate-200 bg-slate-50 p-2">
                <label htmlFor={inputId} className="block text-sm">
                  Objective {n}
                </label>
                <div className="flex flex-wrap items-start gap-2">
                  <input
                    id={inputId}
                    type="text"
                    value={objective.text}
                    onChange={(e) => edit(index, e.target.value)}
                    aria-invalid={error !== undefined}
                    aria-describedby={errorId}
                    className={`${inputClass} mt-0 min-w-0 flex-1`}
                  />
                  <button
                    id={`${inputId}-up`}
                    type="button"
                    className={buttonClass}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                    aria-label={`Move objective ${n} up`}
                  >
                    ↑
                  </button>
                  <button
                    id={`${inputId}-down`}
                    type="button"
                    className={buttonClass}
                    disabled={index === objectives.length - 1}
                    onClick={() => move(index, 1)}
                    aria-label={`Move objective ${n} down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className={buttonClass}
                    onClick={() => remove(index)}
                    aria-label={`Remove objective ${n}`}
                  >
                    Remove
                  </button>
                </div>
                {error !== undefined && (
                  <p id={errorId} className="mt-1 text-sm text-red-700">
                    {error}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <button
        id={`${idPrefix}-add`}
        type="button"
        className={buttonClass}
        disabled={atLimit}
        onClick={add}
        aria-describedby={listErrorId}
      >
        Add objective
      </button>
      {listError !== undefined && (
        <p id={listErrorId} className="text-sm text-red-700">
          {listError}
        </p>
      )}
    </fieldset>
  );
}
