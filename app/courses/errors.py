from __future__ import annotations

from app.core.errors import Conflict, NotFound


class CourseNotFound(NotFound):
    default_detail = "No such course."


class SlugTaken(Conflict):
    error = "slug_taken"
    default_detail = "Another course already uses this slug."


class MemberNotFound(NotFound):
    default_detail = "This user is not a member of the course."


class LastCourseAdmin(Conflict):
    error = "last_course_admin"
    default_detail = "A course keeps at least one admin member; add another admin first."
