import type { Step, StepState } from "../steps";

const MARKS: Record<StepState, string> = {
  done: "bg-emerald-600 text-white",
  current: "bg-amber-500 text-white",
  waiting: "bg-sky-600 text-white",
  upcoming: "bg-slate-200 text-slate-700",
};

const SPOKEN: Record<StepState, string> = {
  done: "done",
  current: "in progress",
  waiting: "waiting for a person",
  upcoming: "not started",
};

export function StepList({ steps }: { steps: readonly Step[] }) {
  return (
    <section aria-labelledby="steps-heading" className="space-y-2">
      <h2 id="steps-heading" className="text-lg font-semibold">
        Steps
      </h2>
      <ol className="flex flex-wrap gap-2">
        {steps.map((step, index) => (
          <li
            key={step.key}
            aria-current={step.state === "current" || step.state === "waiting" ? "step" : undefined}
            className="flex items-center gap-2 rounded-md bg-white px-3 py-2 shadow-sm"
          >
            <span aria-hidden="true" className={`grid h-6 w-6 place-items-center rounded-full text-xs font-semibold ${MARKS[step.state]}`}>
              {step.state === "done" ? "✓" : index + 1}
            </span>
            <span>
              {step.label}
              <span className="sr-only">: {SPOKEN[step.state]}</span>
              {step.state === "waiting" && <span className="ml-1 text-sm text-sky-800">(waiting)</span>}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
