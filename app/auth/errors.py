from __future__ import annotations

from app.core.errors import Unauthorized


class InvalidCredentials(Unauthorized):
    error = "invalid_credentials"
    default_detail = "Wrong e-mail or password."


class InvalidCredentialsLocked(InvalidCredentials):
    """The failure that locked the account: the same answer, but the mail to its owner
    queued in this transaction must stand."""

    keeps_changes = True


class InvalidRefreshToken(Unauthorized):
    error = "invalid_refresh_token"
    default_detail = "The refresh token is not valid; sign in again."


class RefreshTokenReused(InvalidRefreshToken):
    """A rotated token came back: someone else may hold it, so the whole family is revoked."""

    keeps_changes = True
    default_detail = "This refresh token was already used; every session of this sign-in ended."
