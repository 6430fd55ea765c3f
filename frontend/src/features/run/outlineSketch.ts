import { parsePartialJson } from "./partialJson";

export interface ModuleSketch {
  title: string;
  lessons: string[];
}

const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const title = (value: unknown): string => {
  const found = record(value)?.title;
  return typeof found === "string" ? found : "";
};

/** The modules and lesson titles of an outline whose JSON is still being written. */
export function sketchOutline(text: string): ModuleSketch[] {
  const modules = list(record(parsePartialJson(text))?.modules);
  return modules.map((module) => ({
    title: title(module),
    lessons: list(record(module)?.lessons).map(title),
  }));
}
