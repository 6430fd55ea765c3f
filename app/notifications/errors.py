"""Errors of the notification layer. The mail ones never reach a response (a job retries
or gives up); the token one is mapped by the endpoint to a CourzlyError below."""

from __future__ import annotations

from app.core.errors import CourzlyError


class MailError(Exception):
    """A message that could not be handed to the SMTP server."""


class MailTemporaryError(MailError):
    """Worth retrying later: the server was unreachable, slow, or answered 4xx."""


class MailPermanentError(MailError):
    """Retrying the same message with the same settings fails again: a 5xx answer,
    refused credentials, or a server that cannot give the TLS we require."""


class UnsubscribeTokenInvalid(ValueError):
    """An unsubscribe token that was altered, truncated, or signed with another secret."""


class InvalidNotification(ValueError):
    """A notification that cannot be composed: a value its templates need is missing, or a
    value (address, subject) would break out of its header."""


class CriticalMailRequired(CourzlyError):
    status_code = 422
    error = "critical_notification"
    default_detail = "Security notifications cannot be turned off."


class UnsubscribeLinkInvalid(CourzlyError):
    status_code = 400
    error = "unsubscribe_link_invalid"
    default_detail = (
        "This unsubscribe link is not valid; change your notification settings in Courzly instead."
    )
