import { sketchOutline } from "../outlineSketch";
import type { OutlineStream } from "../stream";

/** The outline as the model writes it: module and lesson titles appear as they arrive. */
export function OutlineStreamView({ stream }: { stream: OutlineStream }) {
  const modules = sketchOutline(stream.text);
  return (
    <section aria-labelledby="outline-stream-heading" aria-busy="true" className="space-y-3 rounded-lg bg-white p-4 shadow" data-outline-stream>
      <h2 id="outline-stream-heading" className="text-lg font-semibold">
        Outline so far{stream.round > 1 ? ` (round ${stream.round}, with the feedback)` : ""}
      </h2>
      {modules.length === 0 ? (
        <p className="text-slate-600">The outline is being written…</p>
      ) : (
        <ol className="list-decimal space-y-2 pl-6">
          {modules.map((module, m) => (
            <li key={m}>
              <span className="font-medium text-slate-800">{module.title || "…"}</span>
              {module.lessons.length > 0 && (
                <ul className="mt-1 list-disc pl-6 text-slate-700">
                  {module.lessons.map((lesson, l) => (
                    <li key={l}>{lesson || "…"}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
