"""Test data through the real services, committed the way a request would commit it."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import AuthSession
from app.core import security
from app.core.db import utcnow
from app.core.permissions import Permission, Role
from app.courses import service as courses
from app.courses.models import Course, CourseMember
from app.courses.schemas import CourseCreate
from app.lessons import service as lessons
from app.lessons.models import Lesson, Module
from app.lessons.schemas import LessonCreate, ModuleCreate
from app.users import service as users
from app.users.models import User
from app.users.schemas import UserCreate

PASSWORD = "correct horse battery staple"
_password_hash: str | None = None


def password_hash() -> str:
    """One real argon2id hash of PASSWORD, computed once: hashing per user would dominate."""
    global _password_hash
    if _password_hash is None:
        _password_hash = security.hash_password(PASSWORD)
    return _password_hash


class Factory:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.sessions = app.state.sessions
        self.settings = app.state.settings

    def new_user(
        self, session: AsyncSession, role: Role | None = None, email: str | None = None
    ) -> User:
        """A user whose password is PASSWORD, added to the session (fast: no hashing)."""
        user = User(
            id=uuid.uuid4(),
            email=email or f"{secrets.token_hex(5)}@example.com",
            display_name="Test User",
            password_hash=password_hash(),
            role=role,
        )
        session.add(user)
        return user

    def new_sign_in(self, session: AsyncSession, user: User) -> dict[str, str]:
        """A live session for the user and its bearer header, without a password check."""
        auth_session = AuthSession(
            id=uuid.uuid4(), user_id=user.id, expires_at=utcnow() + timedelta(days=1)
        )
        session.add(auth_session)
        token = security.issue_access_token(
            self.settings.jwt_secret_value(), user.id, auth_session.id, 900
        )
        return {"Authorization": f"Bearer {token}"}

    async def new_lesson(
        self, session: AsyncSession, course: Course, editor: User
    ) -> tuple[Module, Lesson]:
        access = await courses.authorize(session, editor, course.id, Permission.LESSON_EDIT)
        module = await lessons.create_module(session, access, ModuleCreate(title="Basics"))
        lesson = await lessons.create_lesson(
            session, access, module.id, LessonCreate(title="First steps", content="<p>Hi</p>")
        )
        return module, lesson

    async def user(self, role: Role | None = None, *, email: str | None = None) -> User:
        async with self.sessions() as session:
            user = self.new_user(session, role, email)
            await session.commit()
            return user

    async def user_via_service(self, role: Role | None = None) -> User:
        data = UserCreate(
            email=f"{secrets.token_hex(5)}@example.com",
            display_name="Test User",
            password=PASSWORD,
            role=role,
        )
        async with self.sessions() as session:
            user = await users.create_user(session, data, actor_id=None)
            await session.commit()
            return user

    async def headers(self, user: User) -> dict[str, str]:
        async with self.sessions() as session:
            headers = self.new_sign_in(session, user)
            await session.commit()
            return headers

    async def course(self, owner: User, title: str = "Intro to Testing") -> Course:
        async with self.sessions() as session:
            course = await courses.create_course(session, CourseCreate(title=title), owner)
            await session.commit()
            return course

    async def member(self, course: Course, user: User, role: Role) -> None:
        async with self.sessions() as session:
            session.add(CourseMember(course_id=course.id, user_id=user.id, role=role))
            await session.commit()

    async def lesson(self, course: Course, owner: User) -> tuple[Module, Lesson]:
        async with self.sessions() as session:
            found = await courses.authorize(session, owner, course.id, Permission.LESSON_EDIT)
            module = await lessons.create_module(session, found, ModuleCreate(title="Basics"))
            lesson = await lessons.create_lesson(
                session, found, module.id, LessonCreate(title="First steps", content="<p>Hi</p>")
            )
            await session.commit()
            return module, lesson
