"""Markup both the EPUB and the PDF show the same way: course details, objectives, quizzes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.document import CourseInfo, Module
from app.exports.formats.html_tree import xml_text
from app.exports.packages.layout import quiz_title
from app.exports.packages.xml import el

__all__ = ["course_details", "objectives", "quiz_questions", "quiz_title"]


def course_details(course: CourseInfo) -> list[ET.Element]:
    details = [
        ("Audience", course.audience),
        ("Level", course.level),
        ("Duration", f"{course.duration_minutes} minutes" if course.duration_minutes else ""),
    ]
    return [el("p", text=xml_text(f"{label}: {value}")) for label, value in details if value]


def objectives(items: list[str], heading: str = "h2") -> ET.Element | None:
    if not items:
        return None
    return el(
        "section",
        {"class": "objectives"},
        el(heading, text="Objectives"),
        el("ul", None, [el("li", text=xml_text(item)) for item in items]),
    )


def quiz_questions(module: Module) -> ET.Element:
    """The questions with their choices, the answer marked, and why it is right."""
    questions = []
    for item in module.quiz:
        choices = [
            el("li", {"class": "answer"}, text=xml_text(f"{choice} (answer)"))
            if index == item.answer_index
            else el("li", text=xml_text(choice))
            for index, choice in enumerate(item.choices)
        ]
        why = el("p", None, el("em", text="Why: "))
        why[0].tail = xml_text(item.rationale)
        question = el("p", text=xml_text(item.question))
        questions.append(el("li", None, question, el("ol", {"type": "a"}, choices), why))
    return el("ol", {"class": "quiz-questions"}, questions)
