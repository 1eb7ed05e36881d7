"""The SMTP sender against a real aiosmtpd server on loopback, and the outbox writer."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from service.digest.mailer import MailError, SmtpSettings, send_message, write_to_outbox
from service.digest.render import build_message
from tests.digest_sample import sample_digest
from tests.smtpserver import HOST, Inbox, free_port, run_server

USER, PASSWORD = "desk", "s3cret-pw"
NOW = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)


def authenticator(
    server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == LoginPassword(
        USER.encode(), PASSWORD.encode()
    )
    # handled=False: aiosmtpd then sends the standard 535 reply itself.
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not available")
    folder = tmp_path_factory.mktemp("tls")
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(crt), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return crt, key


def server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert)
    return context


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def plain_port(inbox: Inbox) -> Iterator[int]:
    yield from run_server(inbox)


@pytest.fixture
def starttls_port(inbox: Inbox, cert: tuple[Path, Path]) -> Iterator[int]:
    yield from run_server(
        inbox,
        tls_context=server_context(cert),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )


@pytest.fixture
def tls_port(inbox: Inbox, cert: tuple[Path, Path]) -> Iterator[int]:
    yield from run_server(inbox, ssl_context=server_context(cert))


def digest_message() -> Any:
    return build_message(
        sample_digest(), "Wirewatch <wirewatch@example.org>", ["desk@example.org"], NOW
    )


def send_expecting_error(settings: SmtpSettings) -> MailError:
    with pytest.raises(MailError) as caught:
        send_message(settings, digest_message())
    return caught.value


def test_it_delivers_over_plain_smtp(inbox: Inbox, plain_port: int) -> None:
    msg = digest_message()
    send_message(SmtpSettings(HOST, plain_port, "none", timeout=5), msg)
    [(envelope, over_tls, _)] = inbox.received
    assert envelope.mail_from == "wirewatch@example.org"
    assert envelope.rcpt_tos == ["desk@example.org"]
    assert not over_tls
    assert isinstance(envelope.content, bytes)
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == msg["Subject"]
    assert received.get_body(("html",)) is not None


def test_it_upgrades_with_starttls_verifies_the_certificate_and_logs_in(
    inbox: Inbox, starttls_port: int, cert: tuple[Path, Path]
) -> None:
    settings = SmtpSettings(
        HOST, starttls_port, "starttls", USER, PASSWORD, timeout=5, ca_file=str(cert[0])
    )
    send_message(settings, digest_message())
    [(_, over_tls, logged_in)] = inbox.received
    assert over_tls and logged_in


def test_it_speaks_implicit_tls(inbox: Inbox, tls_port: int, cert: tuple[Path, Path]) -> None:
    send_message(
        SmtpSettings(HOST, tls_port, "tls", timeout=5, ca_file=str(cert[0])), digest_message()
    )
    [(_, over_tls, _)] = inbox.received
    assert over_tls


def test_it_rejects_an_untrusted_certificate_by_default(starttls_port: int) -> None:
    error = send_expecting_error(SmtpSettings(HOST, starttls_port, "starttls", USER, PASSWORD, 5))
    assert "certificate" in error.message
    assert not error.permanent


def test_it_accepts_an_untrusted_certificate_when_verification_is_turned_off(
    inbox: Inbox, starttls_port: int
) -> None:
    settings = SmtpSettings(HOST, starttls_port, "starttls", USER, PASSWORD, 5, verify=False)
    send_message(settings, digest_message())
    assert len(inbox.received) == 1


def test_a_wrong_password_is_a_permanent_error_that_does_not_leak_it(
    inbox: Inbox, starttls_port: int, cert: tuple[Path, Path]
) -> None:
    wrong = "not-the-pw-123"
    settings = SmtpSettings(HOST, starttls_port, "starttls", USER, wrong, 5, ca_file=str(cert[0]))
    error = send_expecting_error(settings)
    assert error.permanent
    assert "authentication failed" in error.message
    assert wrong not in str(error) and wrong not in repr(settings)
    assert inbox.received == []


def test_a_closed_port_is_a_temporary_error() -> None:
    error = send_expecting_error(SmtpSettings(HOST, free_port(), "none", timeout=5))
    assert not error.permanent
    assert "connection" in error.message.lower()


def test_a_server_that_never_answers_times_out_as_a_temporary_error() -> None:
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen()  # the kernel completes the handshake; nobody sends a greeting
        port = silent.getsockname()[1]
        error = send_expecting_error(SmtpSettings(HOST, port, "none", timeout=0.2))
    assert not error.permanent


@pytest.mark.parametrize(
    ("reply", "permanent"),
    [("451 4.3.0 Try again later", False), ("550 5.1.1 No such user", True)],
)
def test_a_refused_recipient_is_temporary_or_permanent_by_its_reply_code(
    reply: str, permanent: bool
) -> None:
    for port in run_server(Inbox(refuse={"desk@example.org": reply})):
        error = send_expecting_error(SmtpSettings(HOST, port, "none", timeout=5))
        assert error.permanent is permanent
        assert reply[:3] in error.message


def test_a_partly_refused_message_is_not_retried_so_nobody_gets_it_twice(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox = Inbox(refuse={"gone@example.org": "550 5.1.1 No such user"})
    msg = build_message(
        sample_digest(), "wirewatch@example.org", ["desk@example.org", "gone@example.org"], NOW
    )
    for port in run_server(inbox):
        send_message(SmtpSettings(HOST, port, "none", timeout=5), msg)
    [(envelope, _, _)] = inbox.received
    assert envelope.rcpt_tos == ["desk@example.org"]
    assert "gone@example.org" in caplog.text


def test_starttls_required_but_not_offered_is_a_permanent_error(plain_port: int) -> None:
    # Falling back to plain text would hand the password to whoever stripped STARTTLS.
    error = send_expecting_error(SmtpSettings(HOST, plain_port, "starttls", timeout=5))
    assert error.permanent
    assert "STARTTLS" in error.message


def test_the_outbox_gets_an_eml_and_an_html_file(tmp_path: Path) -> None:
    msg = digest_message()
    html = msg.get_body(("html",)).get_content()
    eml, page = write_to_outbox(tmp_path / "outbox", msg, html, "morning-2026-11-28")
    assert (eml.name, page.name) == ("morning-2026-11-28.eml", "morning-2026-11-28.html")
    assert message_from_bytes(eml.read_bytes(), policy=policy.default)["Subject"] == msg["Subject"]
    assert page.read_text(encoding="utf-8") == html
    assert sorted(p.name for p in eml.parent.iterdir()) == [eml.name, page.name]


def test_the_outbox_keeps_a_stem_that_looks_like_a_path_inside_the_folder(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    eml, page = write_to_outbox(outbox, digest_message(), "", "../evening desk/2026-11-28")
    assert eml.parent == outbox and page.parent == outbox
    assert eml.name == "evening-desk-2026-11-28.eml"
