from __future__ import annotations

from app.core.errors import NotFound


class ModuleNotFound(NotFound):
    default_detail = "No such module in this course."


class LessonNotFound(NotFound):
    default_detail = "No such lesson in this course."
