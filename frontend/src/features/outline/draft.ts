import type { components } from "../../api/schema";

export type Outline = components["schemas"]["Outline"];
export type ModulePlan = components["schemas"]["ModulePlan"];
export type LessonPlan = components["schemas"]["LessonPlan"];

// The server's limits (app/workflow/schemas.py): titles 1-200 characters, 1-10 objectives.
export const TITLE_MAX = 200;
export const OBJECTIVES_MAX = 10;

/** `items` with the entry at `from` moved to `to` (both within bounds, else unchanged). */
export function moved<T>(items: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= items.length || to >= items.length) return [...items];
  const copy = [...items];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item!);
  return copy;
}

export function moveModule(outline: Outline, from: number, to: number): Outline {
  return { ...outline, modules: moved(outline.modules, from, to) };
}

export function moveLesson(outline: Outline, moduleKey: string, from: number, to: number): Outline {
  return updateModule(outline, moduleKey, (m) => ({ ...m, lessons: moved(m.lessons, from, to) }));
}

export function updateModule(outline: Outline, moduleKey: string, change: (m: ModulePlan) => ModulePlan): Outline {
  return { ...outline, modules: outline.modules.map((m) => (m.key === moduleKey ? change(m) : m)) };
}

export function updateLesson(outline: Outline, lessonKey: string, change: (l: LessonPlan) => LessonPlan): Outline {
  return {
    ...outline,
    modules: outline.modules.map((m) => ({ ...m, lessons: m.lessons.map((l) => (l.key === lessonKey ? change(l) : l)) })),
  };
}

export function isChanged(original: Outline, edited: Outline): boolean {
  return JSON.stringify(original) !== JSON.stringify(edited);
}

/** What keeps the edit from being sent, in words a reviewer can act on; empty when none. */
export function problems(outline: Outline): string[] {
  const found: string[] = [];
  outline.modules.forEach((module, m) => {
    const where = `Module ${m + 1}`;
    if (module.title.trim() === "") found.push(`${where} needs a title.`);
    if (module.title.length > TITLE_MAX) found.push(`${where}'s title is over ${TITLE_MAX} characters.`);
    module.lessons.forEach((lesson, l) => {
      const at = `Lesson ${m + 1}.${l + 1}`;
      if (lesson.title.trim() === "") found.push(`${at} needs a title.`);
      if (lesson.title.length > TITLE_MAX) found.push(`${at}'s title is over ${TITLE_MAX} characters.`);
      const objectives = lesson.objectives.filter((o) => o.trim() !== "");
      if (objectives.length === 0) found.push(`${at} needs at least one objective.`);
      if (objectives.length > OBJECTIVES_MAX) found.push(`${at} has more than ${OBJECTIVES_MAX} objectives.`);
    });
  });
  return found;
}

/** The outline as sent: blank objectives dropped, titles trimmed. */
export function cleaned(outline: Outline): Outline {
  return {
    ...outline,
    modules: outline.modules.map((m) => ({
      ...m,
      title: m.title.trim(),
      lessons: m.lessons.map((l) => ({
        ...l,
        title: l.title.trim(),
        objectives: l.objectives.map((o) => o.trim()).filter((o) => o !== ""),
      })),
    })),
  };
}
