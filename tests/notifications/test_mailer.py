"""The SMTP mailer against a real server on loopback (aiosmtpd): plain, STARTTLS (which
is required, never skipped) and implicit TLS with verified certificates, AUTH, and every
failure sorted into "retry later" or "do not retry"."""

from __future__ import annotations

import logging
import socket
import traceback
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from app.config import ConfigError
from app.notifications import unsubscribe
from app.notifications.errors import MailPermanentError, MailTemporaryError
from app.notifications.kinds import NotificationKind
from app.notifications.mailer import LogMailer, SmtpMailer, mailer_for
from app.notifications.messages import compose
from tests.notifications.samples import CONTEXTS, settings_for
from tests.notifications.smtp_server import (
    LOOPBACK,
    PASSWORD,
    USERNAME,
    Certificate,
    free_port,
    self_signed,
    smtp_server,
)

USER_ID = uuid.UUID("6b1d0a52-3c0e-4f7c-8f35-1c2d3e4f5a6b")
TO = "Ada Lovelace <ada@example.org>"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed(tmp_path_factory.mktemp("smtp-tls"))


def _mailer(port: int, security: str, **values: Any) -> SmtpMailer:
    settings = settings_for(
        SMTP_HOST=LOOPBACK,
        SMTP_PORT=port,
        SMTP_SECURITY=security,
        SMTP_TIMEOUT_SECONDS=5,
        **values,
    )
    return SmtpMailer(settings)


def _message(kind: NotificationKind = NotificationKind.EXPORT_READY) -> EmailMessage:
    return compose(settings_for(), kind, TO, CONTEXTS[kind], USER_ID)


@pytest.mark.parametrize("kind", [NotificationKind.EXPORT_READY, NotificationKind.ACCOUNT_LOCKED])
async def test_plain_delivery(kind: NotificationKind) -> None:
    sent = _message(kind)
    with smtp_server() as server:
        await _mailer(server.port, "none").send(sent)
    [received] = server.recorder.received
    assert received.mail_from == "notifications@courzly.test"
    assert received.rcpt_tos == ["ada@example.org"]
    assert not received.over_starttls
    assert received.login is None
    message = received.message()
    for header in ("From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted"):
        assert message[header] == sent[header], header
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "Hello Ada Lovelace," in text.get_content()
    assert "<p>Hello Ada Lovelace,</p>" in html.get_content()
    if kind.critical:
        assert message["List-Unsubscribe"] is None
        assert message["List-Unsubscribe-Post"] is None
    else:
        link = str(message["List-Unsubscribe"])
        assert link.startswith("<https://courzly.example/api/v1/notifications/unsubscribe?")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = link.strip("<>").rpartition("token=")[2]
        assert unsubscribe.verify(settings_for(), token) == (USER_ID, kind)


async def test_none_mode_stays_plain_when_starttls_is_offered(certificate: Certificate) -> None:
    # A local relay with a certificate nobody trusts must not stop mail in "none" mode.
    with smtp_server(starttls=certificate) as server:
        await _mailer(server.port, "none").send(_message())
    [received] = server.recorder.received
    assert not received.over_starttls


async def test_starttls_with_the_ca_file(certificate: Certificate) -> None:
    with smtp_server(starttls=certificate, require_starttls=True) as server:
        await _mailer(server.port, "starttls", SMTP_CA_FILE=certificate.cert_file).send(_message())
    [received] = server.recorder.received
    assert received.over_starttls
    assert received.rcpt_tos == ["ada@example.org"]


async def test_starttls_refuses_an_untrusted_certificate(certificate: Certificate) -> None:
    with smtp_server(starttls=certificate) as server:
        mailer = _mailer(server.port, "starttls")  # the system store only
        with pytest.raises(MailPermanentError, match="CERTIFICATE_VERIFY_FAILED"):
            await mailer.send(_message())
    assert server.recorder.commands == []


async def test_starttls_refuses_a_certificate_for_another_name(tmp_path: Path) -> None:
    other = self_signed(tmp_path, ip=None, dns="mail.example.org")
    with smtp_server(starttls=other) as server:
        mailer = _mailer(server.port, "starttls", SMTP_CA_FILE=other.cert_file)
        with pytest.raises(MailPermanentError, match=r"TLS with the SMTP server 127\.0\.0\.1"):
            await mailer.send(_message())
    assert server.recorder.commands == []


async def test_starttls_is_required_not_optional(certificate: Certificate) -> None:
    with smtp_server() as server:  # offers no STARTTLS
        mailer = _mailer(server.port, "starttls", SMTP_CA_FILE=certificate.cert_file)
        with pytest.raises(MailPermanentError, match="does not offer STARTTLS"):
            await mailer.send(_message())
    assert server.recorder.commands == []
    assert server.recorder.received == []


async def test_implicit_tls(certificate: Certificate) -> None:
    with smtp_server(implicit_tls=certificate) as server:
        await _mailer(server.port, "tls", SMTP_CA_FILE=certificate.cert_file).send(_message())
    [received] = server.recorder.received
    assert received.rcpt_tos == ["ada@example.org"]


async def test_implicit_tls_refuses_an_untrusted_certificate(certificate: Certificate) -> None:
    with (
        smtp_server(implicit_tls=certificate) as server,
        pytest.raises(MailPermanentError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        await _mailer(server.port, "tls").send(_message())
    assert server.recorder.commands == []


async def test_implicit_tls_against_a_plain_server_is_a_setting_to_fix() -> None:
    with smtp_server() as server, pytest.raises(MailPermanentError, match="SMTP_SECURITY"):
        await _mailer(server.port, "tls").send(_message())
    assert server.recorder.commands == []


@pytest.mark.parametrize(("mechanism", "excluded"), [("LOGIN", "PLAIN"), ("PLAIN", "LOGIN")])
async def test_auth_over_starttls(certificate: Certificate, mechanism: str, excluded: str) -> None:
    with smtp_server(
        starttls=certificate,
        auth=True,
        auth_required=True,
        auth_require_tls=True,
        auth_exclude_mechanism=[excluded],
    ) as server:
        mailer = _mailer(
            server.port,
            "starttls",
            SMTP_CA_FILE=certificate.cert_file,
            SMTP_USERNAME=USERNAME,
            SMTP_PASSWORD=PASSWORD,
        )
        await mailer.send(_message())
    assert server.recorder.logins == [(mechanism, USERNAME)]
    [received] = server.recorder.received
    assert received.login == USERNAME
    assert received.over_starttls


async def test_auth_over_implicit_tls(certificate: Certificate) -> None:
    # aiosmtpd counts only STARTTLS as TLS for AUTH; this listener is TLS from the start.
    with smtp_server(implicit_tls=certificate, auth=True, auth_require_tls=False) as server:
        mailer = _mailer(
            server.port,
            "tls",
            SMTP_CA_FILE=certificate.cert_file,
            SMTP_USERNAME=USERNAME,
            SMTP_PASSWORD=PASSWORD,
        )
        await mailer.send(_message())
    [received] = server.recorder.received
    assert received.login == USERNAME


async def test_a_refused_login_is_permanent_and_keeps_the_password_out(
    certificate: Certificate,
) -> None:
    wrong = "wrong-password-Zq81"
    with smtp_server(starttls=certificate, auth=True, auth_required=True) as server:
        mailer = _mailer(
            server.port,
            "starttls",
            SMTP_CA_FILE=certificate.cert_file,
            SMTP_USERNAME=USERNAME,
            SMTP_PASSWORD=wrong,
        )
        with pytest.raises(MailPermanentError, match="refused the SMTP_USERNAME") as caught:
            await mailer.send(_message())
    assert "535" in str(caught.value)
    everything = "".join(traceback.format_exception(caught.value))
    assert wrong not in everything
    assert server.recorder.received == []


async def test_a_server_that_requires_auth_without_credentials(certificate: Certificate) -> None:
    with smtp_server(starttls=certificate, auth=True, auth_required=True) as server:
        mailer = _mailer(server.port, "starttls", SMTP_CA_FILE=certificate.cert_file)
        with pytest.raises(MailPermanentError, match="530"):
            await mailer.send(_message())
    assert server.recorder.received == []


@pytest.mark.parametrize(
    ("stage", "answer", "error"),
    [
        ("rcpt_answer", "550 5.1.1 No such user here", MailPermanentError),
        ("rcpt_answer", "450 4.2.1 Mailbox busy, try later", MailTemporaryError),
        ("data_answer", "451 4.3.0 Local error, try again later", MailTemporaryError),
        ("data_answer", "554 5.7.1 Message rejected as spam", MailPermanentError),
        ("mail_answer", "421 4.3.2 Service shutting down", MailTemporaryError),
        ("mail_answer", "553 5.7.1 Sender not allowed", MailPermanentError),
    ],
)
async def test_server_answers_are_sorted_by_their_code(
    stage: str, answer: str, error: type[Exception]
) -> None:
    with smtp_server() as server:
        setattr(server.recorder, stage, answer)
        with pytest.raises(error, match=answer.split()[0]) as caught:
            await _mailer(server.port, "none").send(_message())
    assert answer.split(" ", 2)[2] in str(caught.value)
    assert server.recorder.received == []


async def test_connection_refused_is_temporary() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(MailTemporaryError, match=f"cannot reach the SMTP server 127.0.0.1:{port}"):
        await _mailer(port, "starttls").send(_message())


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """Accepts connections (the kernel does) and never says a word."""
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen()
        yield listener.getsockname()[1]


async def test_a_silent_server_times_out_as_temporary(silent_listener: int) -> None:
    mailer = SmtpMailer(
        settings_for(
            SMTP_HOST=LOOPBACK,
            SMTP_PORT=silent_listener,
            SMTP_SECURITY="none",
            SMTP_TIMEOUT_SECONDS=0.3,
        )
    )
    with pytest.raises(MailTemporaryError, match="cannot reach"):
        await mailer.send(_message())


def test_an_unreadable_ca_file_stops_the_mailer_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SMTP_CA_FILE"):
        _mailer(25, "starttls", SMTP_CA_FILE=tmp_path / "missing.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigError, match="SMTP_CA_FILE"):
        _mailer(25, "starttls", SMTP_CA_FILE=junk)


def test_mailer_for_picks_smtp_only_with_a_host() -> None:
    assert isinstance(mailer_for(settings_for()), LogMailer)
    assert isinstance(mailer_for(settings_for(SMTP_HOST=LOOPBACK)), SmtpMailer)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_the_log_mailer_says_what_was_not_sent() -> None:
    logger = logging.getLogger("courzly.notifications")
    records = _Records()
    previous = logger.level
    logger.addHandler(records)
    logger.setLevel(logging.INFO)
    kind = NotificationKind.DECISION_MADE
    message = _message(kind)
    try:
        await LogMailer().send(message)
    finally:
        logger.removeHandler(records)
        logger.setLevel(previous)
    [record] = records.records
    logged = {**vars(record), "text": record.getMessage()}
    assert logged["notification"] == "decision_made"
    assert logged["recipient"] == TO
    assert logged["subject"] == "Sent back: Introduction to Python"
    assert "decision_made" in logged["text"]
    assert "ada@example.org" in logged["text"]
    # Neither the body nor its one-click link reaches the log.
    token = str(message["List-Unsubscribe"]).rpartition("token=")[2].rstrip(">")
    flat = repr(logged)
    assert token not in flat
    assert "Add one before the quiz" not in flat


async def test_a_server_quoting_the_password_does_not_leak_it(certificate: Certificate) -> None:
    with smtp_server(starttls=certificate, auth=True) as server:
        server.recorder.rcpt_answer = f"550 5.7.1 not for {PASSWORD}"
        mailer = _mailer(
            server.port,
            "starttls",
            SMTP_CA_FILE=certificate.cert_file,
            SMTP_USERNAME=USERNAME,
            SMTP_PASSWORD=PASSWORD,
        )
        with pytest.raises(MailPermanentError, match=r"not for \[redacted\]") as caught:
            await mailer.send(_message())
    assert PASSWORD not in str(caught.value)
