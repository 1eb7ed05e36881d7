"""Print alerts to standard output when Slack is not configured: one readable block each.

Feed text goes through `clean()`, which drops control characters, so a headline cannot
smuggle ANSI escape sequences into the operator's terminal.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from service.clock import local_time
from service.notify.base import AlertMessage, Delivered, later_by
from service.notify.blocks import matched_terms
from service.notify.mrkdwn import clean
from service.notify.snippet import make_snippet

ANSI_BOLD = "\x1b[1m"
ANSI_RESET = "\x1b[0m"

Strong = Callable[[str], str]


def markdown_strong(text: str) -> str:
    return f"**{text}**"


def ansi_strong(text: str) -> str:
    return f"{ANSI_BOLD}{text}{ANSI_RESET}"


class ConsoleNotifier:
    """Writes each message to `stream` (standard output by default) and flushes it."""

    supports_threads = True  # follow-ups print as an indented "also reported by" line

    def __init__(self, stream: TextIO | None = None, *, color: bool | None = None) -> None:
        self._stream = stream
        self._color = color

    @property
    def stream(self) -> TextIO:
        # Resolved at write time, so a redirected sys.stdout (tests, daemons) is honoured.
        return self._stream if self._stream is not None else sys.stdout

    can_look_back = False  # printing twice loses nothing

    async def find_delivered(
        self, msg: AlertMessage, delivery: str, since: datetime
    ) -> Delivered | None:
        return None

    async def send(self, msg: AlertMessage, delivery: str | None = None) -> Delivered:
        stream = self.stream
        color = self._color if self._color is not None else _isatty(stream)
        stream.write(render_console(msg, ansi_strong if color else markdown_strong))
        stream.flush()
        return Delivered(channel="console", ts=f"console-{uuid.uuid4().hex[:16]}")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render_console(msg: AlertMessage, strong: Strong = markdown_strong) -> str:
    """The text block for one message, ending with a blank line."""
    lines = _RENDERERS[msg.kind](msg, strong)
    return "\n".join(lines) + "\n\n"


def _alert(msg: AlertMessage, strong: Strong) -> list[str]:
    lines = [
        f"● [{msg.priority.upper()}] {clean(msg.theme_name)}",
        f"  {strong(clean(msg.title) or clean(msg.link))}",
        f"  {clean(msg.outlet)} · {local_time(msg.published, msg.timezone)}",
        f"  {clean(msg.link)}",
    ]
    snippet = make_snippet(msg.summary, msg.spans).render(str, lambda term, _b, _a: strong(term))
    if snippet:
        lines.append(f"  {snippet}")
    if terms := matched_terms(msg):
        lines.append(f"  matched: {', '.join(terms)}")
    if msg.via:
        lines.append(f"  via {clean(', '.join(msg.via))}")
    if msg.story_url:
        lines.append(f"  on the desk: {clean(msg.story_url)}")
    return lines


def _followup(msg: AlertMessage, strong: Strong) -> list[str]:
    return [
        f"  ↳ also reported by {clean(msg.outlet)}"
        + (f" · {when}" if (when := later_by(msg)) else "")
        + f": {clean(msg.title)}",
        f"    {clean(msg.link)}",
    ]


def _summary(msg: AlertMessage, strong: Strong) -> list[str]:
    count = max(msg.more_count, len(msg.more))
    noun = "story" if count == 1 else "stories"
    lines = [f"● {strong(f'{count} more {noun} matched {clean(msg.theme_name)}')}"]
    for title, url in msg.more[:10]:
        lines += [f"  - {clean(title)}", f"    {clean(url)}"]
    if count > len(msg.more[:10]):
        lines.append(f"  …and {count - len(msg.more[:10])} more in the digest")
    return lines


def _notice(msg: AlertMessage, strong: Strong) -> list[str]:
    body = [clean(line) for line in msg.text.strip().splitlines()]
    return [f"● {strong('Wirewatch notice')}"] + [f"  {line}" for line in body]


_RENDERERS: dict[str, Callable[[AlertMessage, Strong], list[str]]] = {
    "alert": _alert,
    "followup": _followup,
    "summary": _summary,
    "notice": _notice,
}
