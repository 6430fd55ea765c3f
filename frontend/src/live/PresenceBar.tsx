import { useCurrentUser } from "../features/auth/api/auth";
import type { Person } from "./frames";
import { usePresence, type Activity } from "./usePresence";

function doing(person: Person, lessonId: string | undefined): string {
  if (person.lesson_id === null) return person.state;
  return `${person.state} ${person.lesson_id === lessonId ? "this lesson" : "a lesson"}`;
}

/** Who else has the course open right now, announced as it changes. */
export function PresenceBar({ courseId, activity }: { courseId: string; activity: Activity }) {
  const people = usePresence(courseId, activity);
  const me = useCurrentUser()?.id;
  const lessonId = activity.lessonId;
  const others = people.filter((p) => p.user_id !== me);
  return (
    <p aria-live="polite" className="text-sm text-slate-700" data-testid="presence">
      {others.length === 0 ? (
        <span className="text-slate-500">Nobody else is here.</span>
      ) : (
        <>
          <span className="font-medium">Also here: </span>
          {others.map((person, i) => (
            <span key={person.user_id}>
              {i > 0 && ", "}
              <span className="inline-flex items-center gap-1">
                <span aria-hidden="true" className={`h-2 w-2 rounded-full ${person.state === "editing" ? "bg-amber-500" : "bg-sky-500"}`} />
                {person.display_name} ({doing(person, lessonId)})
              </span>
            </span>
          ))}
        </>
      )}
    </p>
  );
}
