"""Imports every model so Base.metadata is complete (Alembic and tests rely on it)."""

from app.assets.models import CourseAsset
from app.audit.models import AuditEntry
from app.auth.models import AuthSession, RefreshToken
from app.chat.models import ChatMessage, LessonSuggestion
from app.comments.models import Comment
from app.core.db import Base
from app.courses.models import Course, CourseMember
from app.exports.models import Export
from app.lessons.models import Lesson, LessonRevision, Module, QuizItem
from app.realtime.models import WorkflowEvent
from app.reviews.models import Review
from app.users.models import User
from app.workflow.models import AIUsage, ReviewGate, WorkflowRun

__all__ = [
    "AIUsage",
    "AuditEntry",
    "AuthSession",
    "Base",
    "ChatMessage",
    "Comment",
    "Course",
    "CourseAsset",
    "CourseMember",
    "Export",
    "Lesson",
    "LessonRevision",
    "LessonSuggestion",
    "Module",
    "QuizItem",
    "RefreshToken",
    "Review",
    "ReviewGate",
    "User",
    "WorkflowEvent",
    "WorkflowRun",
]
