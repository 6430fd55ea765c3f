"""Default answers of the fake OpenAI server: deterministic and valid for Courzly's schemas.

Structured calls are recognised by the JSON schema's title. The outline and quiz answers
read the counts, objectives and lesson keys back from the prompt lines that
`app.workflow.prompts` writes in a stable format, so they pass the workflow's checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_OBJECTIVE = re.compile(r"^(\d+)\. (.+)$")
_COUNT = re.compile(r"^(Modules|Lessons per module): (\d+)$", re.M)
_LESSON_HEADER = re.compile(r"^### Lesson (\S+): (.*)$")
_LESSON_TO_WRITE = re.compile(r"^Lesson to write: (\S+): (.*)$", re.M)


@dataclass
class RecordedRequest:
    model: str
    messages: list[dict[str, Any]]
    response_format: dict[str, Any] | None
    stream: bool
    body: dict[str, Any] = field(repr=False)
    headers: dict[str, str] = field(repr=False)

    @property
    def schema(self) -> dict[str, Any] | None:
        if not self.response_format or self.response_format.get("type") != "json_schema":
            return None
        schema = self.response_format.get("json_schema", {}).get("schema")
        return schema if isinstance(schema, dict) else None

    @property
    def schema_title(self) -> str | None:
        schema = self.schema
        return str(schema.get("title")) if schema and "title" in schema else None

    @property
    def prompt(self) -> str:
        """Every message's text, joined: what a test usually searches."""
        return "\n\n".join(str(m.get("content", "")) for m in self.messages)


@dataclass(frozen=True)
class Reply:
    """A responder may return this instead of a string to end with another finish_reason."""

    content: str
    finish_reason: str = "stop"


def _objectives(prompt: str) -> list[str]:
    found: list[str] = []
    inside = False
    for line in prompt.splitlines():
        if line.startswith("Learning objectives"):
            inside = True
            continue
        match = _OBJECTIVE.match(line) if inside else None
        if inside and not match:
            break
        if match:
            found.append(match.group(2))
    return found or ["Understand the topic"]


def outline_answer(prompt: str) -> dict[str, Any]:
    counts = {name: int(value) for name, value in _COUNT.findall(prompt)}
    modules, per_module = counts.get("Modules", 2), counts.get("Lessons per module", 2)
    objectives = _objectives(prompt)
    total = modules * per_module
    answer: list[dict[str, Any]] = []
    for m in range(modules):
        lessons = []
        for n in range(per_module):
            index = m * per_module + n
            covers = [i for i in range(len(objectives)) if i % total == index] or [
                index % len(objectives)
            ]
            lessons.append(
                {
                    "title": f"Fake lesson {m + 1}.{n + 1}",
                    "objectives": [f"Explain {objectives[i]}"[:300] for i in covers][:10],
                    "covers": covers,
                }
            )
        answer.append(
            {"title": f"Fake module {m + 1}", "summary": "Written by the fake.", "lessons": lessons}
        )
    return {"modules": answer}


def quiz_lessons(prompt: str) -> list[tuple[str, list[str]]]:
    """(lesson key, objectives) for each `### Lesson` section of a quiz prompt."""
    lessons: list[tuple[str, list[str]]] = []
    collecting = False
    for line in prompt.splitlines():
        header = _LESSON_HEADER.match(line)
        if header:
            lessons.append((header.group(1), []))
            collecting = False
        elif lessons and line == "Objectives:":
            collecting = True
        elif collecting and line.startswith("- "):
            lessons[-1][1].append(line[2:])
        else:
            collecting = False
    return lessons


def quiz_answer(prompt: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for key, objectives in quiz_lessons(prompt) or [("m1-l1", ["Understand the topic"])]:
        for objective in objectives:
            position = len(items) % 4
            choices = [f"Distractor {n}" for n in range(1, 4)]
            choices.insert(position, f"Correct: {objective}"[:500])
            items.append(
                {
                    "lesson_key": key,
                    "objective": objective,
                    "question": f"Which statement matches: {objective}?",
                    "choices": choices,
                    "answer_index": position,
                    "rationale": "The fake always marks its 'Correct:' choice.",
                }
            )
    return {"items": items[:30]}


def minimal_instance(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """The smallest value valid for a (pydantic-made) JSON schema, for unknown titles."""
    root = root or schema
    if "$ref" in schema:
        return minimal_instance(root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], root)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"] or schema["anyOf"]
        return minimal_instance(options[0], root)
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: minimal_instance(properties[name], root) for name in schema.get("required", [])
        }
    if kind == "array":
        return [minimal_instance(schema.get("items", {}), root)] * schema.get("minItems", 0)
    if kind == "string":
        return "x" * max(schema.get("minLength", 0), 1)
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


def default_responder(request: RecordedRequest) -> str:
    title, prompt = request.schema_title, request.prompt
    if title == "OutlineDraft":
        return json.dumps(outline_answer(prompt))
    if title == "QuizDraft":
        return json.dumps(quiz_answer(prompt))
    if title == "ChatReplyDraft":
        return json.dumps({"reply": "A reply from the fake OpenAI server."})
    if request.schema is not None:
        return json.dumps(minimal_instance(request.schema))
    lesson = _LESSON_TO_WRITE.search(prompt)
    if lesson:
        return (
            f"# {lesson.group(2)}\n\nA lesson written by the fake OpenAI server for "
            f"{lesson.group(1)}.\n\n## Recap\n\nThat is all.\n"
        )
    return "A reply from the fake OpenAI server."
