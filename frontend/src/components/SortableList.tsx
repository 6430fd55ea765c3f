import { useEffect, useId, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from "react";

interface Props<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  itemLabel: (item: T) => string;
  onMove: (from: number, to: number) => void;
  /** The row's content; `handle` is the reorder control, to place where it reads well. */
  children: (item: T, index: number, handle: ReactNode) => ReactNode;
  disabled?: boolean;
  className?: string;
}

const handleClass =
  "cursor-grab rounded border border-slate-300 bg-white px-2 py-1 text-slate-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:cursor-not-allowed disabled:opacity-50";

/**
 * A list reordered by dragging a row, or from the keyboard: focus a row's handle and press
 * the up and down arrows (Home and End for the ends). Each move is announced.
 */
export function SortableList<T>({ items, itemKey, itemLabel, onMove, children, disabled = false, className }: Props<T>) {
  const listId = useId();
  const [dragged, setDragged] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const refocus = useRef<string | null>(null);
  const handles = useRef(new Map<string, HTMLButtonElement>());

  useEffect(() => {
    // After a keyboard move the row re-renders elsewhere: keep the focus on its handle.
    if (refocus.current !== null) handles.current.get(refocus.current)?.focus();
    refocus.current = null;
  });

  function move(from: number, to: number) {
    if (to < 0 || to >= items.length || from === to) return;
    onMove(from, to);
    setAnnouncement(`${itemLabel(items[from]!)} moved to position ${to + 1} of ${items.length}.`);
  }

  function onKeyDown(event: KeyboardEvent, index: number, key: string) {
    const target = { ArrowUp: index - 1, ArrowDown: index + 1, Home: 0, End: items.length - 1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    refocus.current = key;
    move(index, target);
  }

  function onDrop(event: DragEvent, index: number) {
    if (dragged === null) return; // another list's row: let it bubble to its own list
    event.stopPropagation();
    event.preventDefault();
    move(dragged, index);
    setDragged(null);
  }

  return (
    <>
      <ol className={className}>
        {items.map((item, index) => {
          const key = itemKey(item);
          const handle = (
            <button
              type="button"
              ref={(element) => {
                if (element === null) handles.current.delete(key);
                else handles.current.set(key, element);
              }}
              disabled={disabled}
              aria-label={`Reorder ${itemLabel(item)} (position ${index + 1} of ${items.length})`}
              aria-describedby={`${listId}-help`}
              onKeyDown={(event) => onKeyDown(event, index, key)}
              className={handleClass}
            >
              <span aria-hidden="true">⠿</span>
            </button>
          );
          return (
            <li
              key={key}
              draggable={!disabled}
              // Lists nest (lessons in modules): each drag event is this list's alone.
              onDragStart={(event) => {
                event.stopPropagation();
                event.dataTransfer.effectAllowed = "move";
                event.dataTransfer.setData("text/plain", key);
                setDragged(index);
              }}
              onDragOver={(event) => {
                if (dragged === null) return;
                event.stopPropagation();
                event.preventDefault();
              }}
              onDrop={(event) => onDrop(event, index)}
              onDragEnd={(event) => {
                event.stopPropagation();
                setDragged(null);
              }}
              className={dragged === index ? "opacity-50" : undefined}
              data-sortable-key={key}
            >
              {children(item, index, handle)}
            </li>
          );
        })}
      </ol>
      <p id={`${listId}-help`} className="sr-only">
        Press the up or down arrow to move it, Home or End for the first or last place.
      </p>
      <p role="status" className="sr-only">
        {announcement}
      </p>
    </>
  );
}
