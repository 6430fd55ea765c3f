import { useSearchParams } from "react-router-dom";

/** Changes to the URL's search parameters: a string sets one, `null` or "" removes it. */
export type ParamChanges = Record<string, string | null>;

/** `current` with `changes` applied; `current` itself is left alone. */
export function applyParamChanges(current: URLSearchParams, changes: ParamChanges): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  return next;
}

/** The `page` parameter as a whole number from 1; anything else reads as 1. */
export function pageParam(searchParams: URLSearchParams): number {
  const page = Number.parseInt(searchParams.get("page") ?? "1", 10);
  return Number.isFinite(page) && page >= 1 ? page : 1;
}

/**
 * State kept in the URL's search parameters, so a filtered view can be shared, reloaded and
 * navigated back to. Updates replace the history entry rather than add one.
 */
export function useUrlParams(): [URLSearchParams, (changes: ParamChanges) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const update = (changes: ParamChanges) =>
    setSearchParams((current) => applyParamChanges(current, changes), { replace: true });
  return [searchParams, update];
}
