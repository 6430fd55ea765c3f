import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { components } from "../../../api/schema";
import { apiError, json, signedInApi, type FakeApi, type Handler } from "../../../test/fakeApi";
import { courseRead as aCourse } from "../../../test/fixtures";
import { renderApp } from "../../../test/render";
import type { CostEstimate, CourseRead, RunRead } from "../api/brief";

const COURSE_ID = "00000000-0000-4000-8000-0000000000c1";
const COURSES = "/api/v1/courses";
const COURSE = `${COURSES}/${COURSE_ID}`;
const ESTIMATE = `${COURSE}/runs/estimate`;
const RUNS = `${COURSE}/runs`;

const ESTIMATE_BODY: CostEstimate = {
  offline: false,
  calls: 13,
  prompt_tokens: 400,
  completion_tokens: 300,
  usd: "0.004200",
  phases: [
    { phase: "outline", model: "gpt-4o-mini", calls: 1, prompt_tokens: 100, completion_tokens: 50, usd: "0.000450", priced: true },
    { phase: "lesson", model: "gpt-4o-big", calls: 9, prompt_tokens: 250, completion_tokens: 200, usd: "0.000000", priced: false },
  ],
  unpriced_models: ["gpt-4o-big"],
  note: "First drafts only: review rounds, repairs, retries and chat come on top.",
};

function courseRead(title: string, version = 1): CourseRead {
  return aCourse({ id: COURSE_ID, title, version, updated_at: "2024-03-01T09:00:00Z" });
}

function runRead(): RunRead {
  return {
    id: "00000000-0000-4000-8000-0000000000r1",
    course_id: COURSE_ID,
    status: "queued",
    phase: "brief",
    offline: false,
    cost_usd: "0",
    parent_run_id: null,
    forked_from_checkpoint: null,
    started_by: "00000000-0000-4000-8000-000000000001",
    started_at: "2024-03-01T09:01:00Z",
    finished_at: null,
    error: null,
  };
}

type Role = components["schemas"]["Role"];

function backend(overrides: Record<string, Handler> = {}, role: Role = "editor") {
  const routes: Record<string, Handler> = {
    [`POST ${COURSES}`]: async (request) => json(courseRead(((await request.json()) as { title: string }).title), 201),
    [`PATCH ${COURSE}`]: () => json(courseRead("renamed", 2)),
    [`POST ${ESTIMATE}`]: () => json(ESTIMATE_BODY),
    [`POST ${RUNS}`]: () => json(runRead(), 202),
    ...overrides,
  };
  return signedInApi(role, (request, url) => {
    const handler = routes[`${request.method} ${url.pathname}`];
    return handler !== undefined ? handler(request, url) : apiError(404, "not_found", "Not found.");
  });
}

/** The API's 422, naming the fields it refused. */
function validationError(detail: string, fields: { loc: (string | number)[]; msg: string; type: string }[]) {
  return json({ error: "validation_error", detail, request_id: "req-test", fields }, 422);
}

/** Only what the page writes: not the reads of the session, nor of the course page it goes to. */
function briefRequests(api: FakeApi) {
  return api.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${new URL(r.url).pathname}`);
}

function openNewCourse(api: FakeApi) {
  return { ...renderApp(api.session, "/courses/new"), person: userEvent.setup() };
}

/** The page with a valid brief typed in, nothing sent yet. */
async function openWithValidBrief(api: FakeApi) {
  const view = openNewCourse(api);
  await fillValidBrief(view.person);
  return view;
}

async function fillValidBrief(person: ReturnType<typeof userEvent.setup>) {
  await person.type(await screen.findByLabelText("Title"), "Rust for analysts");
  await person.type(screen.getByLabelText("Audience"), "Data analysts who know Python");
  await person.type(screen.getByRole("textbox", { name: "Objective 1" }), "Read Rust code");
}

const estimateButton = () => screen.getByRole("button", { name: /Estimate cost|Estimating/ });
const startButton = () => screen.getByRole("button", { name: /^(Start|Starting…)$/ });

describe("new course: the brief form", () => {
  it("blocks an invalid brief, says why against each field and focuses the first", async () => {
    const api = backend();
    const { person } = openNewCourse(api);
    await screen.findByLabelText("Title");

    await person.clear(screen.getByLabelText("Duration (minutes)"));
    await person.type(screen.getByLabelText("Duration (minutes)"), "3");
    await person.click(estimateButton());

    const title = screen.getByLabelText("Title");
    expect(title).toHaveFocus();
    expect(title).toHaveAttribute("aria-invalid", "true");
    expect(title).toHaveAccessibleDescription("Enter the title.");
    expect(screen.getByLabelText("Audience")).toHaveAccessibleDescription(/Enter the audience\./);
    expect(screen.getByLabelText("Duration (minutes)")).toHaveAccessibleDescription(/whole number from 5 to 6000/);
    expect(screen.getByRole("textbox", { name: "Objective 1" })).toHaveAccessibleDescription(
      "Write this objective or remove it.",
    );
    expect(screen.getByLabelText("Tone")).toHaveAttribute("aria-invalid", "false");

    // With the title fixed, the focus goes to the next field in error.
    await person.type(title, "Rust for analysts");
    await person.click(estimateButton());
    expect(screen.getByLabelText("Audience")).toHaveFocus();

    expect(briefRequests(api)).toEqual([]);
    expect(startButton()).toBeDisabled();
  });

  it("needs at least one objective: removing the last one focuses Add", async () => {
    const api = backend();
    const { person } = await openWithValidBrief(api);

    await person.click(screen.getByRole("button", { name: "Remove objective 1" }));
    expect(screen.getByRole("button", { name: "Add objective" })).toHaveFocus();
    await person.click(estimateButton());

    const add = screen.getByRole("button", { name: "Add objective" });
    expect(add).toHaveFocus();
    expect(add).toHaveAccessibleDescription("Add at least one learning objective.");
    expect(briefRequests(api)).toEqual([]);
  });

  it("edits the objectives as a list: add, reorder and remove with buttons", async () => {
    const api = backend();
    const { person } = openNewCourse(api);
    await person.type(await screen.findByRole("textbox", { name: "Objective 1" }), "Alpha");

    await person.click(screen.getByRole("button", { name: "Add objective" }));
    expect(screen.getByRole("textbox", { name: "Objective 2" })).toHaveFocus();
    await person.keyboard("Bravo");
    await person.click(screen.getByRole("button", { name: "Add objective" }));
    await person.keyboard("Charlie");

    const values = () => screen.getAllByRole("textbox", { name: /^Objective \d+$/ }).map((el) => (el as HTMLInputElement).value);
    expect(values()).toEqual(["Alpha", "Bravo", "Charlie"]);
    expect(screen.getByRole("button", { name: "Move objective 1 up" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Move objective 3 down" })).toBeDisabled();

    await person.click(screen.getByRole("button", { name: "Move objective 3 up" }));
    expect(values()).toEqual(["Alpha", "Charlie", "Bravo"]);
    // The focus follows the moved objective, so pressing again keeps moving it.
    expect(screen.getByRole("button", { name: "Move objective 2 up" })).toHaveFocus();
    await person.keyboard("{Enter}");
    expect(values()).toEqual(["Charlie", "Alpha", "Bravo"]);
    // At the top its Up button is disabled, so the focus moves to Down.
    expect(screen.getByRole("button", { name: "Move objective 1 down" })).toHaveFocus();

    await person.click(screen.getByRole("button", { name: "Move objective 1 down" }));
    expect(values()).toEqual(["Alpha", "Charlie", "Bravo"]);

    await person.click(screen.getByRole("button", { name: "Remove objective 2" }));
    expect(values()).toEqual(["Alpha", "Bravo"]);
    expect(screen.getByRole("textbox", { name: "Objective 2" })).toHaveFocus();
  });

  it("estimates: creates the course once, then shows the figures", async () => {
    const api = backend();
    const { person } = await openWithValidBrief(api);

    await person.click(estimateButton());

    const panel = screen.getByRole("region", { name: "Cost estimate" });
    expect(await within(panel).findByTestId("estimate-total")).toHaveTextContent("$0.0042 (US dollars)");
    expect(panel).toHaveTextContent("700 (400 prompt, 300 completion)");
    expect(panel).toHaveTextContent(/Model calls\s*13/);
    const rows = within(within(panel).getByRole("table", { name: "Estimate by phase" })).getAllByRole("row");
    expect(rows[1]).toHaveTextContent(/Outline\s*gpt-4o-mini\s*1\s*100 \+ 50\s*\$0\.00045/);
    expect(rows[2]).toHaveTextContent(/Lessons\s*gpt-4o-big.*not priced/);
    expect(panel).toHaveTextContent("No price is configured for gpt-4o-big");
    expect(panel).toHaveTextContent("What this covers: First drafts only: review rounds");
    expect(startButton()).toBeEnabled();

    const created = api.requestsTo(COURSES)[0]!;
    expect(await created.json()).toEqual({
      title: "Rust for analysts",
      language: "en",
      brief: { audience: "", level: "beginner", duration_minutes: 60, tone: "", learning_objectives: [], source_material: "" },
    });

    // A second estimate (the brief changed) reuses the course.
    await person.selectOptions(screen.getByLabelText("Level"), "advanced");
    await person.click(estimateButton());
    await waitFor(() => expect(api.requestsTo(ESTIMATE)).toHaveLength(2));
    expect(await api.requestsTo(ESTIMATE)[1]!.json()).toMatchObject({ brief: { level: "advanced" } });
    expect(briefRequests(api)).toEqual([`POST ${COURSES}`, `POST ${ESTIMATE}`, `POST ${ESTIMATE}`]);
  });

  it("a double click on Estimate still creates one course", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const api = backend({
      [`POST ${COURSES}`]: async () => {
        await gate;
        return json(courseRead("Rust for analysts"), 201);
      },
    });
    const { person } = await openWithValidBrief(api);

    await person.dblClick(estimateButton());
    release();

    expect(await screen.findByTestId("estimate-total")).toBeInTheDocument();
    expect(api.requestsTo(COURSES)).toHaveLength(1);
    expect(api.requestsTo(ESTIMATE)).toHaveLength(1);
  });

  it("a change to the brief invalidates the estimate: Start is disabled again", async () => {
    const api = backend();
    const { person } = await openWithValidBrief(api);
    await person.click(estimateButton());
    await screen.findByTestId("estimate-total");
    expect(startButton()).toBeEnabled();

    await person.type(screen.getByRole("textbox", { name: "Objective 1" }), " safely");

    expect(startButton()).toBeDisabled();
    expect(screen.queryByTestId("estimate-total")).not.toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Cost estimate" })).toHaveTextContent(/brief changed/);
    expect(startButton()).toHaveAccessibleDescription(/once the cost of this exact brief is estimated/);

    // Undoing the change brings the same estimate back; a fresh estimate also enables Start.
    await person.type(screen.getByRole("textbox", { name: "Objective 1" }), "{Backspace}".repeat(7));
    expect(startButton()).toBeEnabled();
  });

  it("Start posts the run with the exact brief and goes to the course", async () => {
    const api = backend();
    const { router, person } = await openWithValidBrief(api);
    await person.selectOptions(screen.getByLabelText("Level"), "intermediate");
    await person.clear(screen.getByLabelText("Duration (minutes)"));
    await person.type(screen.getByLabelText("Duration (minutes)"), "90");
    await person.clear(screen.getByLabelText("Language"));
    await person.type(screen.getByLabelText("Language"), "pt-BR");
    await person.clear(screen.getByLabelText("Tone"));
    await person.type(screen.getByLabelText("Tone"), "  playful  ");
    await person.click(screen.getByRole("button", { name: "Add objective" }));
    await person.keyboard("Write a CLI");
    await person.clear(screen.getByLabelText("Modules"));
    await person.type(screen.getByLabelText("Modules"), "4");
    await person.clear(screen.getByLabelText("Lessons per module"));
    await person.type(screen.getByLabelText("Lessons per module"), "2");
    await person.type(screen.getByLabelText("Source material (optional)"), "Chapter 1.{Enter}Ownership.");

    await person.click(estimateButton());
    await screen.findByTestId("estimate-total");
    await person.click(startButton());

    await waitFor(() => expect(router.state.location.pathname).toBe(`/courses/${COURSE_ID}`));
    const expected = {
      brief: {
        title: "Rust for analysts",
        audience: "Data analysts who know Python",
        level: "intermediate",
        duration_minutes: 90,
        language: "pt-BR",
        tone: "playful",
        objectives: ["Read Rust code", "Write a CLI"],
        source_material: "Chapter 1.\nOwnership.",
        modules: 4,
        lessons_per_module: 2,
      },
    };
    const runs = api.requestsTo(RUNS);
    expect(runs).toHaveLength(1);
    expect(await runs[0]!.json()).toEqual(expected);
    expect(await api.requestsTo(ESTIMATE)[0]!.json()).toEqual(expected);
    expect(briefRequests(api)).toEqual([`POST ${COURSES}`, `POST ${ESTIMATE}`, `POST ${RUNS}`]);
  });

  it("a title edited after the course exists is written to the course before starting", async () => {
    const api = backend();
    const { person } = await openWithValidBrief(api);
    await person.click(estimateButton());
    await screen.findByTestId("estimate-total");

    await person.type(screen.getByLabelText("Title"), " 2");
    await person.click(estimateButton());
    await screen.findByTestId("estimate-total");
    await person.click(startButton());

    await waitFor(() => expect(api.requestsTo(RUNS)).toHaveLength(1));
    expect(await api.requestsTo(COURSE)[0]!.json()).toEqual({ title: "Rust for analysts 2", language: "en", version: 1 });
    expect(briefRequests(api)).toEqual([`POST ${COURSES}`, `POST ${ESTIMATE}`, `POST ${ESTIMATE}`, `PATCH ${COURSE}`, `POST ${RUNS}`]);
  });

  it("shows a 422 against the field it names and keeps what was typed", async () => {
    const api = backend({
      [`POST ${ESTIMATE}`]: () =>
        validationError("body.brief.objectives.1: text contains control characters", [
          { loc: ["body", "brief", "objectives", 1], msg: "Value error, text contains control characters", type: "value_error" },
          { loc: ["body", "brief", "audience"], msg: "String should have at least 1 character", type: "string_too_short" },
          { loc: ["body", "brief", "mystery"], msg: "Extra inputs are not permitted", type: "extra_forbidden" },
        ]),
    });
    const { person } = await openWithValidBrief(api);
    await person.click(screen.getByRole("button", { name: "Add objective" }));
    await person.keyboard("Second one");
    await person.click(screen.getByRole("button", { name: "Move objective 2 up" }));
    // The list as sent: ["Second one", "Read Rust code"]; the server complains about index 1.

    await person.click(estimateButton());

    const audience = screen.getByLabelText("Audience");
    await waitFor(() => expect(audience).toHaveAttribute("aria-invalid", "true"));
    expect(audience).toHaveAccessibleDescription(/String should have at least 1 character/);
    expect(audience).toHaveFocus();
    const second = screen.getByRole("textbox", { name: "Objective 2" });
    expect(second).toHaveValue("Read Rust code");
    expect(second).toHaveAccessibleDescription("Value error, text contains control characters");
    expect(screen.getByRole("textbox", { name: "Objective 1" })).toHaveAttribute("aria-invalid", "false");
    expect(screen.getByRole("alert")).toHaveTextContent("body.brief.mystery: Extra inputs are not permitted");

    expect(screen.getByLabelText("Title")).toHaveValue("Rust for analysts");
    expect(audience).toHaveValue("Data analysts who know Python");
    expect(screen.getByRole("textbox", { name: "Objective 1" })).toHaveValue("Second one");
    expect(startButton()).toBeDisabled();
  });

  it("a 422 on creating the course lands on the title", async () => {
    const api = backend({
      [`POST ${COURSES}`]: () =>
        validationError("body.title: must not be blank", [
          { loc: ["body", "title"], msg: "Value error, must not be blank", type: "value_error" },
        ]),
    });
    const { person } = await openWithValidBrief(api);

    await person.click(estimateButton());

    const title = screen.getByLabelText("Title");
    await waitFor(() => expect(title).toHaveAccessibleDescription("Value error, must not be blank"));
    expect(title).toHaveFocus();
    expect(title).toHaveValue("Rust for analysts");
    expect(api.requestsTo(ESTIMATE)).toHaveLength(0);
  });

  it("puts an oversized source (413) on the source field and other refusals at the top", async () => {
    let estimateResponse = () =>
      json({ error: "source_too_large", detail: "The source material is 600000 bytes; the limit is 500000 bytes (MAX_SOURCE_BYTES).", limit_bytes: 500000, size_bytes: 600000 }, 413);
    const api = backend({ [`POST ${ESTIMATE}`]: () => estimateResponse() });
    const { person } = await openWithValidBrief(api);
    await person.click(estimateButton());

    const source = screen.getByLabelText("Source material (optional)");
    await waitFor(() => expect(source).toHaveAccessibleDescription(/the limit is 500000 bytes/));
    expect(source).toHaveFocus();

    estimateResponse = () => apiError(409, "run_active", "This course already has an active workflow run.");
    await person.click(estimateButton());
    expect(await screen.findByRole("alert")).toHaveTextContent("This course already has an active workflow run.");
    expect(screen.getByLabelText("Title")).toHaveValue("Rust for analysts");
  });

  it("loads source material from an uploaded file into the brief, on the same course", async () => {
    const api = backend({
      [`POST ${COURSE}/sources`]: () =>
        json({ filename: "notes.md", bytes: 18, characters: 17, text: "# Notes\nOwnership" }, 201),
    });
    const { person } = await openWithValidBrief(api);

    const file = new File(["# Notes\nOwnership\n"], "notes.md", { type: "text/markdown" });
    await person.upload(screen.getByLabelText("Load source material from a file"), file);

    expect(await screen.findByText("Loaded notes.md (17 characters).")).toBeInTheDocument();
    expect(screen.getByLabelText("Source material (optional)")).toHaveValue("# Notes\nOwnership");
    const upload = api.requestsTo(`${COURSE}/sources`)[0]!;
    expect(upload.headers.get("Content-Type")).toMatch(/^multipart\/form-data; boundary=/);
    // The multipart body itself is not read here: jsdom's File inside Node's FormData never
    // finishes streaming in this test environment (a browser sends it normally).

    await person.click(estimateButton());
    await screen.findByTestId("estimate-total");
    expect(api.requestsTo(COURSES)).toHaveLength(1);
    expect(await api.requestsTo(ESTIMATE)[0]!.json()).toMatchObject({ brief: { source_material: "# Notes\nOwnership" } });
  });

  it("refuses a file over the size limit without uploading it", async () => {
    const api = backend();
    const { person } = await openWithValidBrief(api);

    const big = new File(["x".repeat(500_001)], "big.txt", { type: "text/plain" });
    await person.upload(screen.getByLabelText("Load source material from a file"), big);

    expect(screen.getByLabelText("Load source material from a file")).toHaveAccessibleDescription(
      /over the limit of 500000 bytes/,
    );
    expect(briefRequests(api)).toEqual([]);
  });

  it("tells a role that cannot create courses so, without a form", async () => {
    const api = backend({}, "reviewer");
    openNewCourse(api);

    expect(await screen.findByText(/Your role cannot create courses/)).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Course brief" })).not.toBeInTheDocument();
  });
});
