import type { FieldIssue } from "../../../api/errors";

/** A 422's body `fields` -> `{email: msg}` (first message wins). */
export function fieldMessages(issues: FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of issues) {
    if (field.loc[0] !== "body") continue;
    const name = field.loc[1];
    if (typeof name === "string" && !(name in out)) out[name] = field.msg.replace(/^Value error, /, "");
  }
  return out;
}
