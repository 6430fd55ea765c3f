"""A course with modules, lessons (some hostile) and a quiz, written straight to the tables."""

from __future__ import annotations

from typing import Any

from app.courses.models import Course, CourseStatus
from app.lessons.models import Lesson, Module, QuizItem
from tests.factories import Factory

HOSTILE = (
    "# Careful\n\n<script>alert('x')</script>\n\n"
    '<img src="https://evil.example/track.png" onerror="steal()">\n\n'
    '[click](javascript:alert(1)) and <a href="https://docs.example/ok" onclick="x()">docs</a>\n'
)


async def course_with_content(
    factory: Factory, owner: Any, *, approved: bool = False, lesson_text: str = HOSTILE
) -> Course:
    course = await factory.course(owner, title="Git for Designers")
    async with factory.sessions() as session:
        stored = await session.get(Course, course.id)
        assert stored is not None
        stored.status = CourseStatus.APPROVED if approved else CourseStatus.IN_REVIEW
        stored.brief = {"objectives": ["Commit changes", "Use branches"], "audience": "designers"}
        first = Module(course_id=course.id, position=1, title="Saving work", summary="Commits.")
        second = Module(course_id=course.id, position=2, title="Branches", summary="Pointers.")
        session.add_all([first, second])
        await session.flush()
        lessons = [
            Lesson(
                course_id=course.id,
                module_id=first.id,
                position=1,
                title="Your first commit",
                objectives=["Commit changes"],
                content="## Commit\n\nRun `git commit`.\n\n"
                "| cmd | does |\n|---|---|\n| add | stage |\n\n```sh\ngit add .\n```\n",
            ),
            Lesson(
                course_id=course.id,
                module_id=first.id,
                position=2,
                title="Undo",
                objectives=["Commit changes"],
                content=lesson_text,
            ),
            Lesson(
                course_id=course.id,
                module_id=second.id,
                position=1,
                title="Branching",
                objectives=["Use branches"],
                content="A *branch* is a pointer.\n",
            ),
        ]
        session.add_all(lessons)
        await session.flush()
        session.add(
            QuizItem(
                course_id=course.id,
                module_id=first.id,
                lesson_id=lessons[0].id,
                workflow_key="m1-q1",
                position=1,
                objective="Commit changes",
                question="Which command records a snapshot?",
                choices=["git commit", "git push", "git log"],
                answer_index=0,
                rationale="commit records; push shares; log reads.",
            )
        )
        await session.commit()
    return course
