from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import enum_column
from app.core.db import Base, TimestampMixin, new_id
from app.core.permissions import Role


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        Index("ix_users_role", "role"),
        Index("ix_users_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # None: no organisation-wide role; access only through course memberships.
    role: Mapped[Role | None] = mapped_column(enum_column(Role, "user_role"), nullable=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default="true")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    password_changed_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}
