"""Digest -> HTML and plain text (Jinja2) -> one multipart/alternative email."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from service.digest.model import Digest
from service.digest.segments import Segment
from service.digest.view import digest_view

TEXT_WIDTH = 72
HIGHLIGHT_STYLE = "background-color:#fff0a6;font-weight:bold;"
# RFC 2045 caps quoted-printable lines at 76 characters; the stdlib uses the policy's limit.
WIRE_POLICY = policy.SMTP.clone(max_line_length=76)


def render_html(d: Digest) -> str:
    return _env().get_template("digest.html.j2").render(v=digest_view(d))


def render_text(d: Digest) -> str:
    return _env().get_template("digest.txt.j2").render(v=digest_view(d))


def build_message(
    d: Digest,
    sender: str,
    to: Sequence[str],
    now: datetime,
    message_id_domain: str | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """The digest email: text part first, HTML last (clients show the last one they can).

    Pass `message_id` to resend the very same message on a retry.
    """
    msg = EmailMessage(policy=WIRE_POLICY)
    msg["Subject"] = digest_view(d).subject
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id or make_msgid("digest", _domain(sender, message_id_domain))
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: keeps vacation replies away
    msg.set_content(render_text(d), subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(render_html(d), subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def highlight_html(segments: Iterable[Segment]) -> Markup:
    """Feed text escaped piece by piece; only our own <strong> tags are markup."""
    out = Markup("")
    for seg in segments:
        if seg.highlighted:
            out += Markup('<strong style="{}">{}</strong>').format(HIGHLIGHT_STYLE, seg.text)
        else:
            out += escape(seg.text)
    return out


def highlight_text(segments: Iterable[Segment]) -> str:
    return "".join(f"*{s.text}*" if s.highlighted else s.text for s in segments)


def wrap(text: str, indent: int = 0, first: str = "", width: int = TEXT_WIDTH) -> str:
    """Fill to `width` with a hanging indent; `first` (e.g. '1. ') starts the first line."""
    # Never split words or URLs: a broken link is worse than a long line.
    pad = " " * indent
    return textwrap.fill(
        text,
        width=width,
        initial_indent=first.ljust(indent) if first else pad,
        subsequent_indent=pad,
        break_long_words=False,
        break_on_hyphens=False,
    )


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("service", "templates"),
        # Only the HTML template escapes; escaping the text part would show "&amp;".
        autoescape=select_autoescape(
            enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["hl"] = highlight_html
    env.filters["stars"] = highlight_text
    env.filters["wrap"] = wrap
    return env


def _domain(sender: str, explicit: str | None) -> str:
    # make_msgid() would otherwise call socket.getfqdn(), a DNS lookup that can hang.
    if explicit:
        return explicit
    _, address = parseaddr(sender)
    return address.rpartition("@")[2] or "wirewatch.invalid"
