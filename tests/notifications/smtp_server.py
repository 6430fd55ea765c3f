"""A real SMTP server on loopback for the mailer tests (aiosmtpd runs it in a thread of
its own), with certificates made on the spot so TLS is verified as in production."""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOOPBACK = "127.0.0.1"
SERVER_NAME = "smtp.courzly.test"  # what the server says in its greeting, no DNS needed
USERNAME = "courzly-mailer"
PASSWORD = "correct horse battery staple 42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def self_signed(
    directory: Path, *, ip: str | None = LOOPBACK, dns: str | None = None
) -> Certificate:
    """A self-signed certificate for `ip` and/or `dns`; it is its own CA, so the file can
    be given as SMTP_CA_FILE."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns or ip or "courzly test")])
    names: list[x509.GeneralName] = []
    if ip:
        names.append(x509.IPAddress(ipaddress.ip_address(ip)))
    if dns:
        names.append(x509.DNSName(dns))
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_file = directory / "cert.pem"
    key_file = directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    over_starttls: bool
    login: str | None

    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """The aiosmtpd handler: keeps what arrives; answers with `*_answer` when set."""

    mail_answer: str | None = None
    rcpt_answer: str | None = None
    data_answer: str | None = None
    commands: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (mechanism, login)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.commands.append("MAIL")
        if self.mail_answer:
            return self.mail_answer
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.commands.append("RCPT")
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.commands.append("DATA")
        if self.data_answer:
            return self.data_answer
        content = envelope.original_content or b""
        data = session.auth_data
        login = data.login.decode() if isinstance(data, LoginPassword) else None
        self.received.append(
            Received(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                content=content,
                over_starttls=session.ssl is not None,
                login=login,
            )
        )
        return "250 Message accepted"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((mechanism, data.login.decode()))
        accepted = data.login.decode() == USERNAME and data.password.decode() == PASSWORD
        # handled=False: aiosmtpd answers a failure itself (535) instead of staying silent.
        return AuthResult(success=accepted, handled=False, auth_data=data)


@dataclass(frozen=True)
class Server:
    port: int
    recorder: Recorder


@contextlib.contextmanager
def smtp_server(
    *,
    starttls: Certificate | None = None,
    implicit_tls: Certificate | None = None,
    auth: bool = False,
    **smtp_parameters: Any,
) -> Iterator[Server]:
    """A running server on 127.0.0.1: STARTTLS offered with `starttls`, TLS from the first
    byte with `implicit_tls`, AUTH LOGIN/PLAIN checked against USERNAME/PASSWORD with `auth`."""
    recorder = Recorder()
    port = free_port()
    parameters: dict[str, Any] = {"server_hostname": SERVER_NAME, **smtp_parameters}
    if starttls is not None:
        parameters["tls_context"] = starttls.server_context()
    if implicit_tls is not None:
        parameters["ssl_context"] = implicit_tls.server_context()
    if auth:
        parameters["authenticator"] = recorder.authenticate
    controller = Controller(recorder, hostname=LOOPBACK, port=port, **parameters)
    controller.start()
    try:
        yield Server(port=port, recorder=recorder)
    finally:
        controller.stop()
