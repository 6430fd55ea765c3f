import type { CostEstimate, PhaseEstimate } from "../api/brief";

// The API prices in US dollars (`usd`, a decimal string); small runs cost fractions of a cent.
const usd = new Intl.NumberFormat(undefined, {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 6,
});
const count = new Intl.NumberFormat(undefined);

export function formatUsd(amount: string): string {
  const value = Number(amount);
  return Number.isFinite(value) ? usd.format(value) : `${amount} USD`;
}

export function formatCount(value: number): string {
  return count.format(value);
}

const PHASE_LABELS: Record<PhaseEstimate["phase"], string> = {
  outline: "Outline",
  lesson: "Lessons",
  quiz: "Quizzes",
  chat: "Chat",
};

export type EstimateState =
  | { kind: "none" }
  | { kind: "pending" }
  | { kind: "stale" }
  | { kind: "current"; estimate: CostEstimate };

export function EstimatePanel({ state }: { state: EstimateState }) {
  return (
    <section aria-labelledby="estimate-heading" className="space-y-3 rounded-lg bg-white p-4 shadow">
      <h2 id="estimate-heading" className="text-lg font-semibold">
        Cost estimate
      </h2>
      <div aria-live="polite">
        {state.kind === "none" && (
          <p className="text-sm text-slate-700">Estimate the cost of this brief before starting the run.</p>
        )}
        {state.kind === "pending" && (
          <p role="status" className="text-sm text-slate-700">
            Estimating…
          </p>
        )}
        {state.kind === "stale" && (
          <p className="text-sm text-amber-800">The brief changed since the last estimate; estimate again to start.</p>
        )}
        {state.kind === "current" && <EstimateFigures estimate={state.estimate} />}
      </div>
    </section>
  );
}

function EstimateFigures({ estimate }: { estimate: CostEstimate }) {
  const totalTokens = estimate.prompt_tokens + estimate.completion_tokens;
  return (
    <div className="space-y-3 text-sm">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="font-medium">Estimated cost</dt>
        <dd data-testid="estimate-total">{formatUsd(estimate.usd)} (US dollars)</dd>
        <dt className="font-medium">Tokens</dt>
        <dd>
          {formatCount(totalTokens)} ({formatCount(estimate.prompt_tokens)} prompt,{" "}
          {formatCount(estimate.completion_tokens)} completion)
        </dd>
        <dt className="font-medium">Model calls</dt>
        <dd>{formatCount(estimate.calls)}</dd>
        {estimate.offline && (
          <>
            <dt className="font-medium">Provider</dt>
            <dd>None configured: offline drafts</dd>
          </>
        )}
      </dl>
      {estimate.phases.length > 0 && (
        <table className="min-w-full divide-y divide-slate-200 text-left">
          <caption className="sr-only">Estimate by phase</caption>
          <thead>
            <tr>
              <th scope="col" className="py-1 pr-4 font-medium">
                Phase
              </th>
              <th scope="col" className="py-1 pr-4 font-medium">
                Model
              </th>
              <th scope="col" className="py-1 pr-4 font-medium">
                Calls
              </th>
              <th scope="col" className="py-1 pr-4 font-medium">
                Tokens (prompt + completion)
              </th>
              <th scope="col" className="py-1 font-medium">
                Cost
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {estimate.phases.map((phase) => (
              <tr key={phase.phase}>
                <th scope="row" className="py-1 pr-4 font-normal">
                  {PHASE_LABELS[phase.phase]}
                </th>
                <td className="py-1 pr-4 font-mono">{phase.model}</td>
                <td className="py-1 pr-4">{formatCount(phase.calls)}</td>
                <td className="py-1 pr-4">
                  {formatCount(phase.prompt_tokens)} + {formatCount(phase.completion_tokens)}
                </td>
                <td className="py-1">{phase.priced ? formatUsd(phase.usd) : "not priced"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {estimate.unpriced_models.length > 0 && (
        <p className="rounded-md bg-amber-50 p-2 text-amber-900">
          No price is configured for {estimate.unpriced_models.join(", ")}; those calls count as $0 here.
        </p>
      )}
      <p className="text-slate-700">
        <span className="font-medium">What this covers: </span>
        {estimate.note}
      </p>
    </div>
  );
}
