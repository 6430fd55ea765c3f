import { errorMessage } from "../../../api/errors";
import { buttonClass } from "../../brief/components/Field";
import { useSendTestEvent, type TestResult } from "../api/endpoints";
import type { WebhookScope } from "../scope";

function summary(result: TestResult): string {
  const answer = result.status_code !== null ? `HTTP ${result.status_code}` : (result.error ?? "no answer");
  return result.succeeded
    ? `Test event delivered: ${answer} in ${result.latency_ms} ms.`
    : `Test event not delivered: ${answer} after ${result.latency_ms} ms.`;
}

/** "Send test event" and what the receiver answered, kept until the next test. */
export function TestEvent({ scope, endpointId, describedBy }: { scope: WebhookScope; endpointId: string; describedBy: string }) {
  const test = useSendTestEvent(scope);
  const result = test.data;
  return (
    <div className="space-y-2">
      <button
        type="button"
        disabled={test.isPending}
        aria-describedby={describedBy}
        onClick={() => test.mutate(endpointId)}
        className={buttonClass}
      >
        {test.isPending ? "Sending test event…" : "Send test event"}
      </button>
      <div aria-live="polite" className="text-sm">
        {test.isError ? (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-red-800">
            Could not send the test event: {errorMessage(test.error)}
          </p>
        ) : result !== undefined && !test.isPending ? (
          <div
            className={`space-y-1 rounded-md p-3 ${result.succeeded ? "bg-emerald-50 text-emerald-950" : "bg-red-50 text-red-900"}`}
          >
            <p className="font-medium">{summary(result)}</p>
            {result.error !== null && result.status_code !== null && <p>{result.error}</p>}
            {result.response_excerpt !== "" && (
              <>
                <p>The response began with:</p>
                <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-xs text-slate-800">
                  {result.response_excerpt}
                </pre>
              </>
            )}
          </div>
        ) : null}
      </div>
    </div>
  );
}
