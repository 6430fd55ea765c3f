"""Handing a composed message to the SMTP server, or to the log when none is configured.

Failures come out as two exceptions only, so a job knows what to do without reading SMTP:
MailTemporaryError (retry later) and MailPermanentError (do not retry). Their messages name
the server and its answer, never the password."""

from __future__ import annotations

import contextlib
import logging
import ssl
from email.message import EmailMessage
from functools import lru_cache
from typing import Protocol

import aiosmtplib

from app.config import ConfigError, Settings, SmtpSecurity
from app.notifications.errors import MailError, MailPermanentError, MailTemporaryError
from app.notifications.messages import KIND_HEADER

logger = logging.getLogger("courzly.notifications")

_REDACTED = "[redacted]"


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class LogMailer:
    """Without SMTP_HOST (development, tests): says what would have been sent. The body is
    left out: it carries one-click unsubscribe links and personal details."""

    async def send(self, message: EmailMessage) -> None:
        logger.info(
            "mail not sent (SMTP_HOST is not set): %s to %s",
            message[KIND_HEADER] or "mail",
            message["To"],
            extra={
                "notification": str(message[KIND_HEADER] or ""),
                "recipient": str(message["To"]),
                "subject": str(message["Subject"]),
            },
        )


@lru_cache(maxsize=4)
def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """Certificates and host names are always verified; SMTP_CA_FILE replaces the system
    store for a server whose certificate comes from a private CA. Cached: reading a CA
    store blocks the event loop, and a mailer is made per message (a changed file is read
    at the next start)."""
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"SMTP_CA_FILE cannot be used as a CA bundle: {exc}") from exc


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        if settings.smtp_host is None:
            raise ConfigError("SmtpMailer needs SMTP_HOST")
        self._host = settings.smtp_host
        self._port = settings.smtp_port
        self._security = settings.smtp_security
        self._username = settings.smtp_username
        self._password = settings.smtp_password
        self._timeout = settings.smtp_timeout_seconds
        cafile = str(settings.smtp_ca_file) if settings.smtp_ca_file else None
        self._tls = _tls_context(cafile) if self._security is not SmtpSecurity.NONE else None

    @property
    def _server(self) -> str:
        return f"SMTP server {self._host}:{self._port}"

    def _redact(self, text: str) -> str:
        if self._password is None:
            return text
        secret = self._password.get_secret_value()
        return text.replace(secret, _REDACTED) if secret else text

    async def send(self, message: EmailMessage) -> None:
        client = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            timeout=self._timeout,
            use_tls=self._security is SmtpSecurity.TLS,
            # Never aiosmtplib's "upgrade when offered": STARTTLS is done (and required)
            # below, and in "none" mode a relay's odd certificate must not stop mail.
            start_tls=False,
            tls_context=self._tls if self._security is SmtpSecurity.TLS else None,
        )
        try:
            await client.connect()
            if self._security is SmtpSecurity.STARTTLS:
                await self._start_tls(client)
            if self._username is not None:
                password = self._password.get_secret_value() if self._password else ""
                await client.login(self._username, password)
            await client.send_message(message)
        except MailError:
            raise
        except Exception as exc:
            raise self._classify(exc) from exc
        else:
            # The message is accepted: a failed goodbye must not become a retry that
            # delivers it twice.
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()
        finally:
            client.close()

    async def _start_tls(self, client: aiosmtplib.SMTP) -> None:
        await client.ehlo()
        if not client.supports_extension("starttls"):
            # Falling back to plain text would hand the message (and any password) to
            # whoever sits on the path: the setting says TLS, so no TLS means no mail.
            raise MailPermanentError(
                f"the {self._server} does not offer STARTTLS, which "
                "SMTP_SECURITY=starttls requires; nothing was sent"
            )
        await client.starttls(tls_context=self._tls)

    def _classify(self, exc: BaseException) -> MailError:
        server = self._server
        if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
            answers = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
            temporary = all(400 <= r.code < 500 for r in exc.recipients)
            kind = MailTemporaryError if temporary else MailPermanentError
            return kind(self._redact(f"the {server} refused the recipient ({answers})"))
        if isinstance(exc, aiosmtplib.SMTPResponseException):
            what = (
                "refused the SMTP_USERNAME/SMTP_PASSWORD login"
                if isinstance(exc, aiosmtplib.SMTPAuthenticationError)
                else "answered"
            )
            text = self._redact(f"the {server} {what}: {exc.code} {exc.message}")
            return MailTemporaryError(text) if 400 <= exc.code < 500 else MailPermanentError(text)
        tls_failure = _tls_failure(exc)
        if tls_failure is not None:
            # Certificates and TLS versions do not fix themselves between two attempts.
            return MailPermanentError(
                f"TLS with the {server} failed ({tls_failure}); check SMTP_SECURITY and "
                "SMTP_CA_FILE; nothing was sent"
            )
        if isinstance(exc, (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPConnectError)):
            return MailTemporaryError(self._redact(f"cannot reach the {server}: {exc}"))
        if isinstance(exc, (TimeoutError, OSError)):
            return MailTemporaryError(self._redact(f"cannot reach the {server}: {exc}"))
        if isinstance(exc, aiosmtplib.SMTPException):
            # What the server lacks (AUTH, SMTPUTF8 ...) it will still lack next time.
            return MailPermanentError(self._redact(f"the {server}: {exc}"))
        return MailPermanentError(self._redact(f"the {server}: {type(exc).__name__}: {exc}"))


def _tls_failure(exc: BaseException) -> str | None:
    """The TLS error behind `exc` (aiosmtplib wraps the one of an implicit-TLS connect),
    unless it is only the connection dropping mid-handshake, which a retry may cure."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) and not isinstance(
            seen, (ssl.SSLEOFError, ssl.SSLZeroReturnError)
        ):
            return str(seen.reason or seen)
        seen = seen.__cause__
    return None


def mailer_for(settings: Settings) -> Mailer:
    """SMTP when SMTP_HOST is set, else the log (development: nothing leaves the host)."""
    if settings.smtp_host is None:
        return LogMailer()
    return SmtpMailer(settings)
