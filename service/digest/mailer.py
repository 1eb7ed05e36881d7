"""Hand a built digest email to an SMTP server, or write it to the outbox folder.

Blocking (smtplib): async callers run send_message in a thread. Every failure becomes a
MailError whose `permanent` flag tells the durable retry whether trying again can help.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from service import logs

Security = Literal["starttls", "tls", "none"]
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # repr() must not leak it
    timeout: float = 30
    verify: bool = True  # certificate and host name validation
    ca_file: str | None = None  # extra trust anchor (a private CA, or a test certificate)


class MailError(Exception):
    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def send_message(settings: SmtpSettings, msg: EmailMessage) -> None:
    """Deliver `msg` to its To recipients; raise MailError on any failure.

    Recipients the server refuses while accepting others are logged, not raised: raising
    would make the retry send a duplicate to everyone who already has the digest.
    """
    try:
        refused = _deliver(settings, msg)
    except smtplib.SMTPRecipientsRefused as exc:
        raise _refused_error(exc.recipients) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"SMTP server lacks a required feature: {exc}", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        raise _response_error(exc) from None
    except ssl.SSLCertVerificationError as exc:
        # Temporary: an expired certificate usually gets renewed; the retry limit reports it.
        raise MailError(f"TLS certificate rejected: {exc.verify_message}", False) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"SMTP connection failed: {_describe(exc)}", permanent=False) from None
    if refused:
        detail = ",".join(f"{addr}:{code}" for addr, (code, _) in sorted(refused.items()))
        logs.warning("digest.recipients_refused", host=settings.host, refused=detail)


def write_to_outbox(directory: Path, msg: EmailMessage, html: str, stem: str) -> tuple[Path, Path]:
    """Write <stem>.eml and <stem>.html, each atomically (a reader never sees half a file).

    The stem is reduced to a plain file name, so a digest name can never leave `directory`.
    """
    stem = _UNSAFE_NAME_CHARS.sub("-", stem).strip(".-")
    if not stem:
        raise ValueError("outbox file stem is empty once reduced to a plain file name")
    directory.mkdir(parents=True, exist_ok=True)
    eml = _write_atomic(directory / f"{stem}.eml", msg.as_bytes())
    page = _write_atomic(directory / f"{stem}.html", html.encode("utf-8"))
    return eml, page


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.ca_file)
    if not settings.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _deliver(settings: SmtpSettings, msg: EmailMessage) -> dict[str, tuple[int, bytes]]:
    if settings.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=tls_context(settings)
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=tls_context(settings))
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        return smtp.send_message(msg)


def _refused_error(recipients: dict[str, tuple[int, bytes]]) -> MailError:
    codes = {addr: code for addr, (code, _) in recipients.items()}
    detail = ", ".join(f"{addr} ({code})" for addr, code in sorted(codes.items()))
    permanent = all(500 <= code < 600 for code in codes.values())
    return MailError(f"SMTP server refused every recipient: {detail}", permanent)


def _response_error(exc: smtplib.SMTPResponseException) -> MailError:
    # RFC 5321 section 4.2.1: 4yz is transient, 5yz permanent. Auth failures are 535 (5yz).
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
    kind = "authentication failed" if exc.smtp_code in (530, 534, 535, 454) else "SMTP error"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        kind = "authentication failed"
    return MailError(f"{kind}: {exc.smtp_code} {text}".strip(), 500 <= exc.smtp_code < 600)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _write_atomic(path: Path, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
