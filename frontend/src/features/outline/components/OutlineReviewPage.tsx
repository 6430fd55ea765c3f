import { useState } from "react";
import { useNavigate, useParams } from "react-router-dom";

import { errorMessage } from "../../../api/errors";
import { useToast } from "../../../components/Toasts";
import { useMyCourseRole } from "../../admin/api/members";
import { useCurrentUser } from "../../auth/api/auth";
import { canDecideReviews } from "../../auth/permissions";
import { useLatestRun, type GateRead, type RunState } from "../../course/api/runs";
import { LiveCourseHeader } from "../../course/components/LiveCourseHeader";
import { useCourseLive } from "../../course/useCourseLive";
import { useCourse } from "../../courses/api/courses";
import { FEEDBACK_MAX_LENGTH, useDecideGate } from "../../reviews/api/reviews";
import { cleaned, isChanged, problems, type Outline } from "../draft";
import { OutlineEditor } from "./OutlineEditor";

const button =
  "rounded-md px-4 py-2 font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

/** Route: /courses/:courseId/outline — the latest run's outline, reviewed at its gate. */
export default function OutlineReviewPage() {
  const { courseId } = useParams();
  if (courseId === undefined || courseId === "") return <p role="alert">No course was given.</p>;
  return <OutlineScreen key={courseId} courseId={courseId} />;
}

function OutlineScreen({ courseId }: { courseId: string }) {
  useCourseLive(courseId);
  const course = useCourse(courseId);
  const { state, isPending, error } = useLatestRun(courseId);
  const gate = state?.gates.find((g) => g.kind === "outline" && g.status === "pending");
  const title = course.data?.title;

  return (
    <section aria-labelledby="outline-heading" className="space-y-6">
      <LiveCourseHeader courseId={courseId} courseTitle={title} what="outline" headingId="outline-heading" />
      {isPending ? (
        <p role="status" className="text-slate-600">
          Loading the outline…
        </p>
      ) : error !== null ? (
        <p role="alert" className="rounded-md bg-red-50 p-4 text-red-800">
          Could not load the outline: {errorMessage(error)}
        </p>
      ) : state?.outline == null ? (
        <p className="rounded-md bg-white p-8 text-center text-slate-600">No outline has been written yet.</p>
      ) : (
        // Keyed by the gate: a new round (after a rejection) starts from its new outline.
        <OutlineReview key={gate?.id ?? "none"} courseId={courseId} state={state} gate={gate} />
      )}
    </section>
  );
}

function OutlineReview({ courseId, state, gate }: { courseId: string; state: RunState; gate: GateRead | undefined }) {
  const original = state.outline as Outline;
  const [edited, setEdited] = useState<Outline>(original);
  const user = useCurrentUser();
  const courseRole = useMyCourseRole(courseId, user?.id);
  const mayDecide = gate !== undefined && canDecideReviews(user?.role, courseRole);
  return (
    <div className="space-y-6">
      {state.outline_feedback.length > 0 && <FeedbackRounds rounds={state.outline_feedback} />}
      {gate === undefined ? (
        <p className="rounded-md bg-slate-100 p-4 text-slate-800">No outline waits for review in the latest run.</p>
      ) : !mayDecide ? (
        <p className="rounded-md bg-sky-50 p-4 text-sky-950">This outline waits for a reviewer; reviewers can edit and decide here.</p>
      ) : (
        <p className="text-slate-700">
          Edit titles and objectives, reorder modules and lessons (drag a row by its handle, or focus the handle and
          use the arrow keys), then approve, or reject with feedback for the next draft.
        </p>
      )}
      <OutlineEditor outline={edited} onChange={setEdited} readOnly={!mayDecide} />
      {mayDecide && <DecisionPanel courseId={courseId} gate={gate} original={original} edited={edited} />}
    </div>
  );
}

function FeedbackRounds({ rounds }: { rounds: readonly string[] }) {
  return (
    <section aria-labelledby="feedback-heading" className="rounded-lg bg-amber-50 p-4">
      <h2 id="feedback-heading" className="font-semibold text-amber-950">
        Earlier feedback on this outline
      </h2>
      <ol className="mt-2 list-decimal space-y-1 pl-5 text-amber-950">
        {rounds.map((text, i) => (
          <li key={i}>
            <span className="sr-only">Round {i + 1}: </span>
            {text}
          </li>
        ))}
      </ol>
    </section>
  );
}

function DecisionPanel({
  courseId,
  gate,
  original,
  edited,
}: {
  courseId: string;
  gate: GateRead;
  original: Outline;
  edited: Outline;
}) {
  const decide = useDecideGate();
  const notify = useToast();
  const navigate = useNavigate();
  const [feedback, setFeedback] = useState("");
  const [rejecting, setRejecting] = useState(false);
  const changed = isChanged(original, edited);
  const blockers = changed ? problems(edited) : [];

  function send(decision: "approve" | "edit" | "reject") {
    const outline = decision === "edit" ? cleaned(edited) : undefined;
    decide.mutate(
      { gate, decision, feedback: decision === "reject" ? feedback.trim() : "", outline },
      {
        onSuccess: () => {
          notify(decision === "reject" ? "The outline goes back for another draft." : "The outline is approved.", "success");
          navigate(`/courses/${encodeURIComponent(courseId)}/run`);
        },
      },
    );
  }

  return (
    <section aria-labelledby="decision-heading" className="space-y-3 rounded-lg bg-white p-4 shadow">
      <h2 id="decision-heading" className="text-lg font-semibold">
        Decision
      </h2>
      {blockers.length > 0 && (
        <ul role="alert" className="list-disc rounded-md bg-red-50 p-3 pl-8 text-red-800">
          {blockers.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      )}
      {decide.isError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-red-800">
          Could not send the decision: {errorMessage(decide.error)}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={`${button} bg-emerald-700 text-white hover:bg-emerald-800`}
          disabled={decide.isPending || blockers.length > 0}
          onClick={() => send(changed ? "edit" : "approve")}
        >
          {changed ? "Approve with my edits" : "Approve the outline"}
        </button>
        <button
          type="button"
          className={`${button} border border-red-300 bg-white text-red-800 hover:bg-red-50`}
          aria-expanded={rejecting}
          onClick={() => setRejecting(!rejecting)}
        >
          Reject with feedback…
        </button>
      </div>
      {rejecting && (
        <form
          className="space-y-2"
          onSubmit={(event) => {
            event.preventDefault();
            send("reject");
          }}
        >
          <label className="block text-sm font-medium text-slate-700">
            What should the next draft change?
            <textarea
              className="mt-1 w-full rounded-md border border-slate-300 p-2 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
              rows={4}
              value={feedback}
              maxLength={FEEDBACK_MAX_LENGTH}
              required
              onChange={(e) => setFeedback(e.target.value)}
            />
          </label>
          {changed && <p className="text-sm text-slate-600">A rejection discards your edits: the feedback goes to the writer.</p>}
          <button
            type="submit"
            className={`${button} bg-red-700 text-white hover:bg-red-800`}
            disabled={decide.isPending || feedback.trim() === ""}
          >
            Send the rejection
          </button>
        </form>
      )}
    </section>
  );
}
