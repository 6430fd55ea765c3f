"""Deterministic drafts built from the brief alone, for running without an AI provider.

Same input, same output: no randomness, no clock. Every text says it is an offline draft,
so nobody mistakes it for written content. The cost estimate also uses the outline
builder to size the prompts of a run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from app.workflow.providers.base import ChatTurn
from app.workflow.schemas import (
    Brief,
    ChatReplyDraft,
    LessonDraft,
    LessonPlan,
    ModuleDraft,
    ModulePlan,
    Outline,
    OutlineDraft,
    QuizDraft,
    QuizItemDraft,
)

OFFLINE_LABEL = "Offline draft"
LESSON_BANNER = (
    f"> {OFFLINE_LABEL}: generated without an AI provider (no OPENAI_API_KEY is set). "
    "Replace this text or configure a provider and regenerate."
)
EDIT_BANNER_PREFIX = f"> {OFFLINE_LABEL}: edited without an AI provider"
MAX_LESSON_OBJECTIVES = 10  # LessonDraft.objectives
MAX_QUIZ_ITEMS = 30  # QuizDraft.items
FILLER_CHOICES = (
    "Memorise the key terms without applying them",
    "Skip the examples and move straight to the next lesson",
    "None of the statements above",
)
_EDIT_REQUEST = re.compile(r"\b(rewrite|edit|change|revise|shorten|expand|improve)", re.I)
_WORD_BOUNDARY = re.compile(r"(?<=\s)(?=\S)")


def _short(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _feedback_note(feedback: Sequence[str]) -> str:
    if not feedback:
        return ""
    rounds = "round" if len(feedback) == 1 else "rounds"
    return (
        f" Revised after {len(feedback)} {rounds} of feedback; "
        f"latest: “{_short(feedback[-1], 300)}”."
    )


def objective_coverage(objective_count: int, lesson_count: int) -> list[list[int]]:
    """Course objective indexes per lesson: round-robin, so every objective is covered and
    lessons beyond the objective count revisit them in order."""
    coverage = [
        [index for index in range(objective_count) if index % lesson_count == lesson]
        for lesson in range(lesson_count)
    ]
    return [covers or [lesson % objective_count] for lesson, covers in enumerate(coverage)]


def outline_draft(brief: Brief, feedback: Sequence[str]) -> OutlineDraft:
    coverage = iter(
        objective_coverage(len(brief.objectives), brief.modules * brief.lessons_per_module)
    )
    modules: list[ModuleDraft] = []
    for m in range(1, brief.modules + 1):
        lessons: list[LessonDraft] = []
        for n in range(1, brief.lessons_per_module + 1):
            covers = next(coverage)
            objectives = [brief.objectives[i] for i in covers][:MAX_LESSON_OBJECTIVES]
            lessons.append(
                LessonDraft(
                    title=f"Lesson {m}.{n}: {_short(objectives[0], 150)}",
                    objectives=objectives,
                    covers=covers,
                )
            )
        summary = (
            f"{OFFLINE_LABEL}: module {m} of {brief.modules} of “{brief.title}” for "
            f"{brief.audience} ({brief.level.value}).{_feedback_note(feedback)}"
        )
        modules.append(
            ModuleDraft(
                title=f"Module {m}: {_short(lessons[0].objectives[0], 150)}",
                summary=summary[:2000],
                lessons=lessons,
            )
        )
    return OutlineDraft(modules=modules)


def lesson_markdown(
    brief: Brief, outline: Outline, lesson: LessonPlan, feedback: Sequence[str]
) -> str:
    module = next((m for m in outline.modules if lesson in m.lessons), None)
    where = f" in “{module.title}”" if module else ""
    sections = [
        LESSON_BANNER,
        f"# {lesson.title}",
        "## What you will learn\n\n" + "\n".join(f"- {text}" for text in lesson.objectives),
        "## Overview\n\n"
        f"This lesson{where} is part of “{brief.title}”, written for {brief.audience} at "
        f"{brief.level.value} level in a {brief.tone} tone.",
    ]
    for number, objective in enumerate(lesson.objectives, start=1):
        sections.append(
            f"## {number}. {objective}\n\n"
            f"Explain the idea behind “{objective}”, show a worked example, and give the "
            "learner a short exercise to try it."
        )
    note = _feedback_note(feedback).strip()
    if note:
        sections.append(f"## Changes from review\n\n{note}")
    sections.append("## Recap\n\n" + " ".join(f"You can now {text}." for text in lesson.objectives))
    return "\n\n".join(sections) + "\n"


def _choices(correct: str, distractors: Sequence[str], position: int) -> tuple[list[str], int]:
    others = [text for text in dict.fromkeys([*distractors, *FILLER_CHOICES]) if text != correct]
    choices = others[:3]
    index = position % (len(choices) + 1)
    choices.insert(index, correct)
    return choices, index


def quiz_draft(brief: Brief, module: ModulePlan, lessons: Mapping[str, str]) -> QuizDraft:
    del lessons  # offline questions come from the objectives, not from the lesson texts
    module_objectives = [text for lesson in module.lessons for text in lesson.objectives]
    items: list[QuizItemDraft] = []
    for lesson in module.lessons:
        distractors = [text for text in module_objectives if text not in lesson.objectives]
        for objective in lesson.objectives:
            choices, answer = _choices(objective, distractors, len(items))
            items.append(
                QuizItemDraft(
                    lesson_key=lesson.key,
                    objective=objective,
                    question=f"Which of these is an objective of the lesson “{lesson.title}”?",
                    choices=choices,
                    answer_index=answer,
                    rationale=(
                        f"{OFFLINE_LABEL}: “{lesson.title}” of “{brief.title}” lists this "
                        "objective; the other choices are not among its objectives."
                    ),
                )
            )
    return QuizDraft(items=items[:MAX_QUIZ_ITEMS])


def chat_reply(
    brief: Brief,
    history: Sequence[ChatTurn],
    lesson: LessonPlan | None,
    lesson_content: str | None,
) -> ChatReplyDraft:
    question = next((turn.content for turn in reversed(history) if turn.role == "user"), "")
    parts = [
        f"{OFFLINE_LABEL}: no AI provider is configured, so this answer is generated from the "
        f"brief of “{brief.title}”."
    ]
    if question:
        parts.append(f"You asked: “{_short(question, 300)}”.")
    if lesson is not None:
        parts.append(f"The open lesson “{lesson.title}” covers: {'; '.join(lesson.objectives)}.")
    proposal = None
    if lesson_content is not None and _EDIT_REQUEST.search(question):
        kept = [
            block
            for block in lesson_content.split("\n\n")
            if not block.startswith(EDIT_BANNER_PREFIX)
        ]
        banner = f"{EDIT_BANNER_PREFIX}, following the request “{_short(question, 200)}”."
        proposal = "\n\n".join([banner, *kept])
        parts.append("I propose the lesson below, marked as an offline edit, for your review.")
    return ChatReplyDraft(reply=" ".join(parts), proposed_content=proposal)


def chunks(text: str, words_per_chunk: int = 4) -> list[str]:
    """Pieces of a few words each that join back to exactly `text`, for streaming."""
    words = _WORD_BOUNDARY.split(text)
    return [
        "".join(words[start : start + words_per_chunk])
        for start in range(0, len(words), words_per_chunk)
    ]
