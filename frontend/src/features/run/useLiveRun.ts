import { useCallback, useEffect, useReducer } from "react";

import type { CourseEvent } from "../../live/frames";
import { useCourseLive } from "../course/useCourseLive";
import { applyEvent, EMPTY_LIVE_RUN, type LiveRun } from "./stream";

type Action = { type: "event"; event: CourseEvent; runId: string } | { type: "reset" };

function reduce(state: LiveRun, action: Action): LiveRun {
  return action.type === "reset" ? EMPTY_LIVE_RUN : applyEvent(state, action.event, action.runId);
}

/**
 * Live events of the course applied to the run on screen: streamed lesson text, phase and
 * cost as they happen. The course's queries are refreshed by useCourseLive meanwhile.
 */
export function useLiveRun(courseId: string, runId: string | null): LiveRun {
  const [state, dispatch] = useReducer(reduce, EMPTY_LIVE_RUN);
  const onEvent = useCallback(
    (event: CourseEvent) => {
      if (runId !== null) dispatch({ type: "event", event, runId });
    },
    [runId],
  );
  useEffect(() => {
    dispatch({ type: "reset" }); // a new run streams afresh
  }, [runId]);
  useCourseLive(courseId, onEvent);
  return state;
}
