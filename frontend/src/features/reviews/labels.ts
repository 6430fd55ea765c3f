import type { Gate, GateKind } from "./api/reviews";

export const KIND_LABELS: Record<GateKind, string> = {
  outline: "Outline",
  lesson: "Lesson",
  final: "Final approval",
};

export const GATE_KINDS = Object.keys(KIND_LABELS) as GateKind[];

export function isGateKind(value: string | null): value is GateKind {
  return value !== null && Object.hasOwn(KIND_LABELS, value);
}

export function kindLabel(kind: string): string {
  return isGateKind(kind) ? KIND_LABELS[kind] : kind;
}

/** What a decision acts on, for button names and announcements: "lesson 'Knots' of 'Sailing'". */
export function gateSubject(gate: Pick<Gate, "kind" | "title">, courseTitle: string | undefined): string {
  const course = courseTitle !== undefined ? `'${courseTitle}'` : "this course";
  switch (gate.kind) {
    case "lesson":
      return `lesson '${gate.title}' of ${course}`;
    case "outline":
      return `the outline of ${course}`;
    case "final":
      return `the final review of ${course}`;
    default:
      return `${gate.title || gate.kind} of ${course}`;
  }
}
