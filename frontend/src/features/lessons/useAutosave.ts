import { useCallback, useEffect, useRef, useState } from "react";

import { useApi } from "../../api/context";
import { ApiError, errorMessage } from "../../api/errors";
import { fetchLesson, saveLesson, type Lesson } from "./api/lessons";

export interface Draft {
  title: string;
  objectives: string[];
  content: string;
}

export type SaveStatus = "saved" | "unsaved" | "saving" | "conflict" | "failed";

export const AUTOSAVE_DELAY_MS = 1200;

export function draftOf(lesson: Pick<Lesson, "title" | "objectives" | "content">): Draft {
  return { title: lesson.title, objectives: [...lesson.objectives], content: lesson.content };
}

function sameDraft(a: Draft, b: Draft): boolean {
  return a.title === b.title && a.content === b.content && a.objectives.join("\n") === b.objectives.join("\n");
}

/**
 * The lesson being edited and its saving: each change is saved once typing pauses, against
 * the version it was based on. When someone else saved first the server says 409; saving
 * stops and `conflict` holds their lesson until the author keeps theirs or takes the other.
 * `replaced` counts drafts set from outside (their version, a restored revision), so the
 * editor knows to reload its content.
 */
export function useAutosave(courseId: string, initial: Lesson, onSaved?: (lesson: Lesson) => void) {
  const { client } = useApi();
  const [base, setBase] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [status, setStatus] = useState<SaveStatus>("saved");
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Lesson | null>(null);
  const [replaced, setReplaced] = useState(0);
  // The latest values for timers and in-flight saves, which outlive a render.
  const latest = useRef({ base, draft, saving: false, again: false, conflict });
  latest.current = { ...latest.current, base, draft, conflict };
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const save = useCallback(async (version?: number) => {
    const now = latest.current;
    if (now.conflict !== null && version === undefined) return;
    if (now.saving) {
      now.again = true; // one more save once this one lands
      return;
    }
    if (sameDraft(now.draft, draftOf(now.base)) && version === undefined) {
      setStatus("saved");
      return;
    }
    now.saving = true;
    setStatus("saving");
    const sent = now.draft;
    try {
      // An objective being typed may still be blank: it is left out rather than refused.
      const objectives = sent.objectives.map((o) => o.trim()).filter((o) => o !== "");
      const change = { ...sent, objectives, version: version ?? now.base.version };
      const saved = await saveLesson(client, courseId, now.base.id, change);
      latest.current.base = saved;
      setBase(saved);
      setConflict(null);
      latest.current.conflict = null;
      setError(null);
      onSaved?.(saved);
      setStatus(sameDraft(latest.current.draft, sent) ? "saved" : "unsaved");
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        const theirs = await fetchLesson(client, courseId, now.base.id).catch(() => null);
        setConflict(theirs);
        latest.current.conflict = theirs;
        setStatus("conflict");
      } else {
        setError(errorMessage(caught));
        setStatus("failed");
      }
    } finally {
      latest.current.saving = false;
    }
    if (latest.current.again) {
      latest.current.again = false;
      void save();
    }
  }, [client, courseId, onSaved]);

  const schedule = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void save();
    }, AUTOSAVE_DELAY_MS);
  }, [save]);

  const edit = useCallback(
    (change: Partial<Draft>) => {
      setDraft((current) => {
        const next = { ...current, ...change };
        latest.current.draft = next;
        return next;
      });
      if (latest.current.conflict === null) {
        setStatus("unsaved");
        schedule();
      }
    },
    [schedule],
  );

  const replaceDraft = useCallback((next: Draft) => {
    latest.current.draft = next;
    setDraft(next);
    setReplaced((n) => n + 1);
  }, []);

  /** Conflict: overwrite their version with this draft (it becomes the newest revision). */
  const keepMine = useCallback(() => {
    const theirs = latest.current.conflict;
    if (theirs !== null) void save(theirs.version);
  }, [save]);

  /** Conflict: drop this draft and continue from their version. */
  const takeTheirs = useCallback(() => {
    const theirs = latest.current.conflict;
    if (theirs === null) return;
    latest.current.base = theirs;
    latest.current.conflict = null;
    setBase(theirs);
    setConflict(null);
    replaceDraft(draftOf(theirs));
    setStatus("saved");
  }, [replaceDraft]);

  /** A revision's text as the new draft, saved at once (history keeps what it replaces). */
  const restore = useCallback(
    (revision: Draft) => {
      replaceDraft(draftOf(revision));
      void save();
    },
    [replaceDraft, save],
  );

  /**
   * A newer version saved elsewhere: taken over when this draft has nothing unsaved;
   * otherwise kept aside (the next save meets it as a conflict). Says which happened.
   */
  const adopt = useCallback(
    (fresh: Lesson): "adopted" | "kept" | "old" => {
      const now = latest.current;
      if (fresh.version <= now.base.version) return "old";
      if (now.saving || now.conflict !== null || !sameDraft(now.draft, draftOf(now.base))) return "kept";
      now.base = fresh;
      setBase(fresh);
      replaceDraft(draftOf(fresh));
      setStatus("saved");
      return "adopted";
    },
    [replaceDraft],
  );

  // Leaving the editor with changes still to save: save them now, not after the delay.
  useEffect(
    () => () => {
      if (timer.current !== null) {
        clearTimeout(timer.current);
        void save();
      }
    },
    [save],
  );

  useEffect(() => {
    if (status !== "unsaved" && status !== "saving") return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [status]);

  return { base, draft, status, error, conflict, replaced, edit, saveNow: save, keepMine, takeTheirs, restore, adopt };
}
