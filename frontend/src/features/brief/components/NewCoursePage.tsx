import { useMutation } from "@tanstack/react-query";
import { useId, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";

import { useApi } from "../../../api/context";
import { ApiError, errorMessage } from "../../../api/errors";
import { useCurrentUser } from "../../auth/api/auth";
import { canCreateCourses } from "../../auth/permissions";
import {
  createCourse,
  estimateRun,
  renameCourse,
  startRun,
  uploadSource,
  type Brief,
  type CostEstimate,
  type Level,
} from "../api/brief";
import {
  briefKey,
  firstInvalid,
  hasErrors,
  LEVELS,
  LIMITS,
  NO_ERRORS,
  placeFieldIssues,
  toBrief,
  validateBrief,
  type BriefForm,
  type FieldName,
  type FormErrors,
  type Objective,
} from "../validation";
import { EstimatePanel, type EstimateState } from "./EstimatePanel";
import { Field, inputClass, primaryButtonClass } from "./Field";
import { objectiveInputId, ObjectivesEditor } from "./ObjectivesEditor";

const INITIAL_FORM: BriefForm = {
  title: "",
  audience: "",
  level: "beginner",
  duration_minutes: "60",
  language: "en",
  tone: "friendly and precise",
  objectives: [{ id: "first", text: "" }],
  modules: "3",
  lessons_per_module: "3",
  source_material: "",
};

/** The course behind this form, once created, and the title and language it was given. */
interface CreatedCourse {
  id: string;
  version: number;
  title: string;
  language: string;
}

export default function NewCoursePage() {
  const user = useCurrentUser();
  if (!canCreateCourses(user?.role)) {
    return (
      <section className="space-y-4">
        <h1 className="text-2xl font-semibold">New course</h1>
        <p className="text-slate-700">Your role cannot create courses; ask an administrator.</p>
        <Link to="/courses" className="text-indigo-700 underline">
          Back to courses
        </Link>
      </section>
    );
  }
  return <BriefFormScreen />;
}

function BriefFormScreen() {
  const { client } = useApi();
  const navigate = useNavigate();
  const base = useId();
  const [form, setForm] = useState<BriefForm>(INITIAL_FORM);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [topErrors, setTopErrors] = useState<string[]>([]);
  const [estimate, setEstimate] = useState<{ key: string; data: CostEstimate } | null>(null);
  const [uploadNote, setUploadNote] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<string | undefined>(undefined);

  const objectivesPrefix = `${base}-objective`;
  // The list as a whole has no input: its error focuses the Add button.
  const idOf = (name: FieldName) => (name === "objectives" ? `${objectivesPrefix}-add` : `${base}-${name}`);

  // The estimate endpoint is course-scoped (it checks that the caller may start runs on
  // that course), so a course has to exist before the first estimate. It is created when
  // the author first asks for one (or uploads a source), not when the page opens, so
  // looking at the form leaves no empty course behind. The promise is kept: later
  // estimates, an upload, a double click and Start all reuse the same course, so one form
  // never creates two courses. A failed creation is forgotten so the next try can succeed.
  const course = useRef<Promise<CreatedCourse> | null>(null);
  function ensureCourse(title: string, language: string): Promise<CreatedCourse> {
    course.current ??= createCourse(client, { title, language }).then(
      (created) => ({ id: created.id, version: created.version, title, language }),
      (error: unknown) => {
        course.current = null;
        throw error;
      },
    );
    return course.current;
  }

  const estimateMutation = useMutation({
    mutationFn: async (brief: Brief) => {
      const { id } = await ensureCourse(brief.title, brief.language);
      return estimateRun(client, id, brief);
    },
  });

  const startMutation = useMutation({
    mutationFn: async (brief: Brief) => {
      let created = await ensureCourse(brief.title, brief.language);
      if (created.title !== brief.title || created.language !== brief.language) {
        // Edited after the course was created: the course list shows the course's own title.
        const renamed = await renameCourse(client, created.id, {
          title: brief.title,
          language: brief.language,
          version: created.version,
        });
        created = { id: renamed.id, version: renamed.version, title: brief.title, language: brief.language };
        course.current = Promise.resolve(created);
      }
      return startRun(client, created.id, brief);
    },
  });

  const formErrors = validateBrief(form);
  const currentKey = hasErrors(formErrors) ? null : briefKey(toBrief(form));
  const estimateIsCurrent = estimate !== null && estimate.key === currentKey;
  const estimateState: EstimateState = estimateMutation.isPending
    ? { kind: "pending" }
    : estimateIsCurrent
      ? { kind: "current", estimate: estimate.data }
      : estimate !== null
        ? { kind: "stale" }
        : { kind: "none" };
  const busy = estimateMutation.isPending || startMutation.isPending;

  function update<K extends keyof BriefForm>(name: K, value: BriefForm[K]) {
    setForm((current) => ({ ...current, [name]: value }));
  }

  function focusFirst(found: FormErrors, objectives: Objective[]) {
    const first = firstInvalid(found, objectives);
    if (first === null) return;
    const id = typeof first === "string" ? idOf(first) : objectiveInputId(objectivesPrefix, first.id);
    document.getElementById(id)?.focus();
  }

  /** Checks the form; shows and focuses what is wrong. Returns the brief when it is valid. */
  function checkedBrief(): Brief | null {
    setErrors(formErrors);
    setTopErrors([]);
    if (hasErrors(formErrors)) {
      focusFirst(formErrors, form.objectives);
      return null;
    }
    return toBrief(form);
  }

  /** Server errors go onto the fields they name; the rest to the top. The form is left as typed. */
  function showServerError(error: unknown, objectives: Objective[]) {
    if (error instanceof ApiError && error.fields.length > 0) {
      const { errors: placed, unplaced } = placeFieldIssues(error.fields, objectives);
      setErrors(placed);
      setTopErrors(unplaced.length > 0 ? ["The server did not accept the brief:", ...unplaced] : []);
      focusFirst(placed, objectives);
    } else if (error instanceof ApiError && error.code === "source_too_large") {
      const placed = { fields: { source_material: error.message }, objectives: {} };
      setErrors(placed);
      focusFirst(placed, objectives);
    } else {
      setTopErrors([errorMessage(error)]);
    }
  }

  function onEstimate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const brief = checkedBrief();
    if (brief === null) return;
    const sentObjectives = form.objectives;
    estimateMutation.mutate(brief, {
      onSuccess: (data) => setEstimate({ key: briefKey(brief), data }),
      onError: (error) => showServerError(error, sentObjectives),
    });
  }

  function onStart() {
    if (busy || !estimateIsCurrent) return;
    const brief = checkedBrief();
    if (brief === null) return;
    const sentObjectives = form.objectives;
    startMutation.mutate(brief, {
      onSuccess: (run) => navigate(`/courses/${run.course_id}`),
      onError: (error) => showServerError(error, sentObjectives),
    });
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    input.value = ""; // choosing the same file again should upload it again
    if (file === undefined) return;
    setUploadNote(null);
    setUploadError(undefined);
    if (file.size > LIMITS.sourceBytes) {
      setUploadError(`The file is over the limit of ${LIMITS.sourceBytes} bytes.`);
      return;
    }
    const titleError = formErrors.fields.title ?? formErrors.fields.language;
    if (titleError !== undefined) {
      // The upload endpoint belongs to a course too, and a course needs its title and language.
      setUploadError("Enter a valid title and language first: the upload needs the course.");
      return;
    }
    const brief = toBrief(form);
    try {
      const created = await ensureCourse(brief.title, brief.language);
      const source = await uploadSource(client, created.id, file);
      update("source_material", source.text);
      setUploadNote(`Loaded ${source.filename} (${source.characters} characters).`);
    } catch (error) {
      setUploadError(errorMessage(error));
    }
  }

  const startHintId = `${base}-start-hint`;

  return (
    <section aria-labelledby={`${base}-heading`} className="mx-auto max-w-3xl space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 id={`${base}-heading`} className="text-2xl font-semibold">
          New course
        </h1>
        <Link to="/courses" className="text-sm text-indigo-700 underline">
          Back to courses
        </Link>
      </div>

      {topErrors.length > 0 && (
        <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          {topErrors.map((message, i) => (
            <p key={i}>{message}</p>
          ))}
        </div>
      )}

      <form noValidate aria-label="Course brief" onSubmit={onEstimate} className="space-y-5 rounded-lg bg-white p-6 shadow">
        <Field id={idOf("title")} label="Title" error={errors.fields.title}>
          {(control) => (
            <input
              {...control}
              type="text"
              value={form.title}
              onChange={(e) => update("title", e.target.value)}
              className={inputClass}
            />
          )}
        </Field>
        <Field id={idOf("audience")} label="Audience" hint="Who the course is for." error={errors.fields.audience}>
          {(control) => (
            <input
              {...control}
              type="text"
              value={form.audience}
              onChange={(e) => update("audience", e.target.value)}
              className={inputClass}
            />
          )}
        </Field>
        <div className="grid gap-5 sm:grid-cols-3">
          <Field id={idOf("level")} label="Level" error={errors.fields.level}>
            {(control) => (
              <select
                {...control}
                value={form.level}
                onChange={(e) => update("level", e.target.value as Level)}
                className={inputClass}
              >
                {LEVELS.map((level) => (
                  <option key={level.value} value={level.value}>
                    {level.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id={idOf("duration_minutes")}
            label="Duration (minutes)"
            hint={`${LIMITS.duration.min} to ${LIMITS.duration.max}.`}
            error={errors.fields.duration_minutes}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                min={LIMITS.duration.min}
                max={LIMITS.duration.max}
                step={1}
                value={form.duration_minutes}
                onChange={(e) => update("duration_minutes", e.target.value)}
                className={inputClass}
              />
            )}
          </Field>
          <Field id={idOf("language")} label="Language" hint="A code such as en or pt-BR." error={errors.fields.language}>
            {(control) => (
              <input
                {...control}
                type="text"
                autoCapitalize="off"
                spellCheck={false}
                value={form.language}
                onChange={(e) => update("language", e.target.value)}
                className={inputClass}
              />
            )}
          </Field>
        </div>
        <Field id={idOf("tone")} label="Tone" hint="Optional, for example “friendly and precise”." error={errors.fields.tone}>
          {(control) => (
            <input
              {...control}
              type="text"
              value={form.tone}
              onChange={(e) => update("tone", e.target.value)}
              className={inputClass}
            />
          )}
        </Field>

        <ObjectivesEditor
          idPrefix={objectivesPrefix}
          objectives={form.objectives}
          onChange={(objectives) => update("objectives", objectives)}
          listError={errors.fields.objectives}
          itemErrors={errors.objectives}
        />

        <div className="grid gap-5 sm:grid-cols-2">
          <Field
            id={idOf("modules")}
            label="Modules"
            hint={`How many modules to aim for: ${LIMITS.modules.min} to ${LIMITS.modules.max}.`}
            error={errors.fields.modules}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                min={LIMITS.modules.min}
                max={LIMITS.modules.max}
                step={1}
                value={form.modules}
                onChange={(e) => update("modules", e.target.value)}
                className={inputClass}
              />
            )}
          </Field>
          <Field
            id={idOf("lessons_per_module")}
            label="Lessons per module"
            hint={`${LIMITS.lessonsPerModule.min} to ${LIMITS.lessonsPerModule.max}.`}
            error={errors.fields.lessons_per_module}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                min={LIMITS.lessonsPerModule.min}
                max={LIMITS.lessonsPerModule.max}
                step={1}
                value={form.lessons_per_module}
                onChange={(e) => update("lessons_per_module", e.target.value)}
                className={inputClass}
              />
            )}
          </Field>
        </div>

        <Field
          id={idOf("source_material")}
          label="Source material (optional)"
          hint="Plain text the course should draw on: paste it here or load a file below."
          error={errors.fields.source_material}
        >
          {(control) => (
            <textarea
              {...control}
              rows={6}
              value={form.source_material}
              onChange={(e) => update("source_material", e.target.value)}
              className={inputClass}
            />
          )}
        </Field>
        <Field
          id={`${base}-source-file`}
          label="Load source material from a file"
          hint={`.md, .txt or .pdf, up to ${LIMITS.sourceBytes} bytes; its text replaces the source material above.`}
          error={uploadError}
        >
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".md,.markdown,.txt,.pdf,text/markdown,text/plain,application/pdf"
              onChange={(e) => void onFile(e)}
              className="mt-1 block text-sm"
            />
          )}
        </Field>
        {uploadNote !== null && (
          <p role="status" className="text-sm text-slate-700">
            {uploadNote}
          </p>
        )}

        <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
          <button
            type="submit"
            disabled={busy}
            className="rounded-md border border-indigo-600 bg-white px-4 py-2 font-medium text-indigo-700 hover:bg-indigo-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50"
          >
            {estimateMutation.isPending ? "Estimating…" : "Estimate cost"}
          </button>
          <button
            type="button"
            onClick={onStart}
            disabled={!estimateIsCurrent || busy}
            aria-describedby={estimateIsCurrent ? undefined : startHintId}
            className={primaryButtonClass}
          >
            {startMutation.isPending ? "Starting…" : "Start"}
          </button>
          {!estimateIsCurrent && (
            <p id={startHintId} className="text-sm text-slate-600">
              Start is available once the cost of this exact brief is estimated.
            </p>
          )}
        </div>
      </form>

      <EstimatePanel state={estimateState} />
    </section>
  );
}
