"""Imports every model so Base.metadata is complete (Alembic and tests rely on it)."""

from app.assets.models import CourseAsset
from app.audit.models import AuditEntry
from app.auth.models import AuthSession, RefreshToken
from app.chat.models import ChatMessage, LessonSuggestion
from app.comments.models import Comment
from app.core.db import Base
from app.courses.models import Course, CourseMember
from app.exports.models import Export
from app.integrations.models import DriveSync, GoogleConnection
from app.lessons.models import Lesson, LessonRevision, Module, QuizItem
from app.notifications.models import Notification, NotificationPreference
from app.realtime.models import WorkflowEvent
from app.reviews.models import Review
from app.users.models import User
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
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
    "DriveSync",
    "Export",
    "GoogleConnection",
    "Lesson",
    "LessonRevision",
    "LessonSuggestion",
    "Module",
    "Notification",
    "NotificationPreference",
    "QuizItem",
    "RefreshToken",
    "Review",
    "ReviewGate",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WorkflowEvent",
    "WorkflowRun",
]
