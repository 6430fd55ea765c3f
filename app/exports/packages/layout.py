"""The units every format delivers: one page per lesson and one scored page per module quiz."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.exports.document import CourseDocument, Lesson, Module, QuizItem
from app.exports.packages.files import assets_used_by, safe_name

PASSING_SCORE = 0.8
"""Share of quiz items to answer correctly to pass; the page and every manifest agree on it."""

STYLESHEET_PATH = "courzly.css"
PAGE_SCRIPT_PATH = "courzly-page.js"


@dataclass(frozen=True, slots=True)
class Unit:
    key: str  # "m1-l1" or "m1-quiz": unique in the course, safe in file names and IDs
    kind: Literal["lesson", "quiz"]
    title: str
    page: str  # the page's path in the package
    module: Module
    lesson: Lesson | None
    quiz: tuple[QuizItem, ...]
    assets: tuple[str, ...]  # asset paths the page loads

    @property
    def description(self) -> str:
        objectives = self.lesson.objectives if self.lesson else [i.objective for i in self.quiz]
        return "; ".join(dict.fromkeys(objectives)) or self.title


@dataclass(frozen=True, slots=True)
class ModulePlan:
    module: Module
    units: tuple[Unit, ...]


def plan(document: CourseDocument) -> list[ModulePlan]:
    """Modules in order, each with its lesson units then its quiz unit (when it has items)."""
    plans = []
    for module in document.modules:
        safe_name(module.key)
        units = [_lesson_unit(document, module, lesson) for lesson in module.lessons]
        if module.quiz:
            key = f"{module.key}-quiz"
            title = quiz_title(module)
            quiz = tuple(module.quiz)
            units.append(Unit(key, "quiz", title, f"{key}.html", module, None, quiz, ()))
        plans.append(ModulePlan(module, tuple(units)))
    keys = [unit.key for module_plan in plans for unit in module_plan.units]
    if len(keys) != len(set(keys)):
        raise ValueError("lesson and quiz keys must be unique in a course")
    return plans


def quiz_title(module: Module) -> str:
    return f"Quiz: {module.title}"


def all_units(plans: list[ModulePlan]) -> list[Unit]:
    return [unit for module_plan in plans for unit in module_plan.units]


def _lesson_unit(document: CourseDocument, module: Module, lesson: Lesson) -> Unit:
    key = safe_name(lesson.key)
    assets = tuple(assets_used_by(lesson.html, document))
    return Unit(key, "lesson", lesson.title, f"{key}.html", module, lesson, (), assets)
