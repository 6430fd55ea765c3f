from __future__ import annotations

from app.core.errors import Conflict, NotFound


class UserNotFound(NotFound):
    default_detail = "No such user."


class EmailTaken(Conflict):
    error = "email_taken"
    default_detail = "A user with this e-mail already exists."


class LastAdmin(Conflict):
    error = "last_admin"
    default_detail = "This is the last active admin; promote another admin first."
