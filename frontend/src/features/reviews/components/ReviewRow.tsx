import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { ApiError, errorMessage } from "../../../api/errors";
import { formatDateTime } from "../../../lib/format";
import { codePointLength } from "../../../lib/text";
import { FEEDBACK_MAX_LENGTH, useDecideGate, type Gate } from "../api/reviews";
import { formatRelative } from "../format";
import { gateSubject, kindLabel } from "../labels";

export type DecisionOutcome =
  | { kind: "decided"; message: string }
  | { kind: "conflict"; message: string };

interface ReviewRowProps {
  gate: Gate;
  courseTitle: string | undefined;
  /** Whether the actions column exists at all (someone on this page may decide). */
  showActions: boolean;
  /** Whether this user may decide this gate (`review:decide` on its course). */
  canDecide: boolean;
  now: number;
  onOutcome: (outcome: DecisionOutcome) => void;
}

const BUTTON =
  "rounded-md px-3 py-1 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-1 disabled:cursor-not-allowed disabled:opacity-60";

function feedbackProblem(feedback: string): string | null {
  if (feedback.trim() === "") return "Write the feedback: it goes into the prompt for the next draft.";
  const n = codePointLength(feedback);
  if (n > FEEDBACK_MAX_LENGTH) {
    return `Feedback can be at most ${FEEDBACK_MAX_LENGTH.toLocaleString("en")} characters (it has ${n.toLocaleString("en")}).`;
  }
  return null;
}

/** A gate someone else decided, or that is gone: the list is stale, not the user's input. */
function isStale(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    ((error.status === 409 && error.code === "gate_not_pending") ||
      (error.status === 404 && (error.code === "gate_not_found" || error.code === "run_not_found")))
  );
}

export function ReviewRow({ gate, courseTitle, showActions, canDecide, now, onOutcome }: ReviewRowProps) {
  const decide = useDecideGate();
  const [rejecting, setRejecting] = useState(false);
  const [feedback, setFeedback] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rejectButton = useRef<HTMLButtonElement>(null);
  const feedbackField = useRef<HTMLTextAreaElement>(null);
  const restoreFocus = useRef(false);
  const ids = { feedback: useId(), hint: useId(), problem: useId(), error: useId(), form: useId() };

  const subject = gateSubject(gate, courseTitle);
  const sending = decide.isPending;
  const columns = showActions ? 4 : 3;

  useEffect(() => {
    if (rejecting) feedbackField.current?.focus();
    else if (restoreFocus.current) {
      restoreFocus.current = false;
      rejectButton.current?.focus();
    }
  }, [rejecting]);

  async function send(decision: "approve" | "reject") {
    setError(null);
    try {
      await decide.mutateAsync({ gate, decision, feedback: decision === "reject" ? feedback : "" });
      const done = decision === "approve" ? "Approved" : "Rejected with feedback:";
      onOutcome({ kind: "decided", message: `${done} ${subject}. It has left the queue.` });
    } catch (caught) {
      if (isStale(caught)) {
        onOutcome({
          kind: "conflict",
          message: `Someone else has already decided ${subject}. ${errorMessage(caught)} The queue has been refreshed.`,
        });
      } else {
        setError(errorMessage(caught));
      }
    }
  }

  function submitReject(event: FormEvent) {
    event.preventDefault();
    const found = feedbackProblem(feedback);
    setProblem(found);
    if (found !== null) {
      feedbackField.current?.focus();
      return;
    }
    void send("reject");
  }

  function cancel() {
    restoreFocus.current = true;
    setRejecting(false);
    setProblem(null);
    setError(null);
  }

  const describedBy = [ids.hint, problem !== null ? ids.problem : null].filter(Boolean).join(" ");

  return (
    <>
      <tr className="align-top">
        <th scope="row" className="px-4 py-3 font-medium">
          <Link
            to={`/courses/${gate.course_id}`}
            className="text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          >
            {courseTitle ?? "Course"}
          </Link>
        </th>
        <td className="px-4 py-3">
          <span className="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-900">
            {kindLabel(gate.kind)}
          </span>
          <span className="ml-2">{gate.title}</span>
          {gate.round > 1 && <span className="ml-2 text-slate-600">(round {gate.round})</span>}
        </td>
        <td className="px-4 py-3 text-slate-600">
          <time dateTime={gate.created_at} title={formatDateTime(gate.created_at)}>
            {formatRelative(gate.created_at, now)}
          </time>
        </td>
        {showActions && (
          <td className="px-4 py-3">
            {canDecide ? (
              <div className="flex flex-wrap gap-2">
                <button
                  type="button"
                  aria-label={`Approve ${subject}`}
                  disabled={sending}
                  onClick={() => void send("approve")}
                  className={`${BUTTON} bg-emerald-700 text-white hover:bg-emerald-800`}
                >
                  {sending && decide.variables?.decision === "approve" ? "Approving…" : "Approve"}
                </button>
                {gate.kind === "final" ? (
                  // A final rejection names the lessons to redraft; the queue does not list them.
                  <Link
                    to={`/courses/${gate.course_id}`}
                    aria-label={`Reject ${subject}: choose the lessons to redraft in the course`}
                    className={`${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}
                  >
                    Reject in course…
                  </Link>
                ) : (
                  <button
                    ref={rejectButton}
                    type="button"
                    aria-label={`Reject ${subject}`}
                    aria-expanded={rejecting}
                    aria-controls={rejecting ? ids.form : undefined}
                    disabled={sending}
                    onClick={() => (rejecting ? feedbackField.current?.focus() : setRejecting(true))}
                    className={`${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}
                  >
                    Reject…
                  </button>
                )}
              </div>
            ) : (
              <span className="text-sm text-slate-500">View only</span>
            )}
            {error !== null && !rejecting && (
              <p role="alert" className="mt-2 text-sm text-red-800">
                {error}
              </p>
            )}
          </td>
        )}
      </tr>
      {rejecting && (
        <tr>
          <td colSpan={columns} className="bg-slate-50 px-4 py-3">
            <form
              id={ids.form}
              noValidate
              onSubmit={submitReject}
              aria-label={`Reject ${subject}`}
              className="space-y-2"
            >
              <label htmlFor={ids.feedback} className="block text-sm font-medium">
                Feedback for {subject} (required)
              </label>
              <textarea
                ref={feedbackField}
                id={ids.feedback}
                value={feedback}
                rows={4}
                required
                aria-invalid={problem !== null}
                aria-describedby={describedBy}
                onChange={(e) => {
                  setFeedback(e.target.value);
                  if (problem !== null) setProblem(feedbackProblem(e.target.value));
                }}
                className="block w-full max-w-2xl rounded-md border border-slate-300 px-3 py-2 focus:outline-none focus:ring-2 focus:ring-indigo-500"
              />
              <p id={ids.hint} className="text-xs text-slate-600">
                What should change in the next draft. {codePointLength(feedback).toLocaleString("en")} /{" "}
                {FEEDBACK_MAX_LENGTH.toLocaleString("en")} characters.
              </p>
              {problem !== null && (
                <p id={ids.problem} className="text-sm text-red-800">
                  {problem}
                </p>
              )}
              {error !== null && (
                <p role="alert" className="text-sm text-red-800">
                  {error}
                </p>
              )}
              <div className="flex gap-2">
                <button type="submit" disabled={sending} className={`${BUTTON} bg-red-700 text-white hover:bg-red-800`}>
                  {sending ? "Sending…" : "Send"}
                </button>
                <button
                  type="button"
                  onClick={cancel}
                  disabled={sending}
                  className={`${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}
                >
                  Cancel
                </button>
              </div>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}
