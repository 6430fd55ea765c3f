"""A small course document for package tests: 2 modules x 2 lessons, a quiz per module."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from app.exports.document import Asset, CourseDocument, CourseInfo, Lesson, Module, QuizItem

COURSE_ID = uuid.UUID("5b1f0c7e-2a4d-4c8e-9f1a-3d2b6c7e8f90")
# The smallest valid PNG (1x1, transparent), so asset handling runs on real image bytes.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def quiz_item(module: int, number: int, answer_index: int, lesson_key: str) -> QuizItem:
    return QuizItem(
        key=f"m{module}-q{number}",
        lesson_key=lesson_key,
        objective=f"Recall fact {number} of module {module}",
        question=f"Module {module}, question {number}: which choice is right? <b>not bold</b>",
        choices=["Alpha", "Beta & gamma", "Delta"],
        answer_index=answer_index,
        rationale=f"Choice {answer_index + 1} is right because the lesson says so.",
    )


def lesson(module: int, number: int, with_image: bool) -> Lesson:
    key = f"m{module}-l{number}"
    image = '<p><img src="assets/diagram.png" alt="Diagram"></p>' if with_image else ""
    return Lesson(
        key=key,
        title=f"Lesson {module}.{number}",
        objectives=[f"Explain idea {number} of module {module}"],
        markdown=f"# Lesson {module}.{number}\n\nBody text.",
        html=f"<h2>Lesson {module}.{number}</h2><p>Body text &amp; more.</p>{image}",
    )


def sample_document(*, approved: bool = False, unused_asset: bool = True) -> CourseDocument:
    modules = [
        Module(
            key=f"m{m}",
            title=f"Module {m}",
            summary=f"What module {m} covers.",
            lessons=[lesson(m, 1, with_image=m == 1), lesson(m, 2, with_image=False)],
            quiz=[quiz_item(m, 1, 0, f"m{m}-l1"), quiz_item(m, 2, 1, f"m{m}-l2")],
        )
        for m in (1, 2)
    ]
    assets = [Asset(name="diagram.png", media_type="image/png", data_base64=_b64(PIXEL_PNG))]
    if unused_asset:
        # Used by no lesson: packages leave it out rather than ship an orphan file.
        assets.append(Asset(name="spare.png", media_type="image/png", data_base64=_b64(PIXEL_PNG)))
    return CourseDocument(
        exported_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        course=CourseInfo(
            id=COURSE_ID,
            title="Safe Ladders",
            slug="safe-ladders",
            language="en",
            objectives=["Set up a ladder safely", "Inspect a ladder before use"],
            approved=approved,
        ),
        modules=modules,
        assets=assets,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
