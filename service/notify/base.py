"""The notifier protocol and the message an outbox row holds.

One notifier per file behind this tiny protocol (ENGINEERING.md): `send()` returns where the
message landed, or raises `NotifyError` saying whether a retry can help. Building the payload
is pure and lives elsewhere (messages.py), so it can be golden-tested.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, cast, get_args

from service.domain import Span

Kind = Literal["alert", "followup", "summary", "notice"]
Priority = Literal["high", "normal", "low"]

KINDS: tuple[str, ...] = get_args(Kind)
PRIORITIES: tuple[str, ...] = get_args(Priority)


@dataclass(frozen=True)
class AlertMessage:
    """Everything needed to render one Slack/console message, with no database access.

    - alert: one story for one theme.
    - followup: a later report of an alerted story; `thread_ts` is the alert's `ts`.
    - summary: the stories held back by `max_per_hour`; `more` lists up to 10 of them.
    - notice: free `text` from the service itself (e.g. a config error report).
    """

    kind: Kind
    channel: str
    theme_id: str = ""
    theme_name: str = ""
    priority: Priority = "normal"
    title: str = ""
    link: str = ""
    outlet: str = ""
    published: datetime = datetime(1970, 1, 1, tzinfo=UTC)
    summary: str = ""
    spans: tuple[Span, ...] = ()
    timezone: str = "UTC"
    thread_ts: str | None = None
    more: tuple[tuple[str, str], ...] = ()
    more_count: int = 0
    text: str = ""
    story_url: str | None = None  # its page on the desk (server.public_url)
    via: tuple[str, ...] = ()  # the theme's aliases that fired: "@korea (Yoon)"
    first_published: datetime | None = None  # a follow-up: when the alerted report was

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown message kind {self.kind!r}")
        if self.priority not in PRIORITIES:
            raise ValueError(f"unknown priority {self.priority!r}")
        if self.published.tzinfo is None:
            raise ValueError("published must be timezone-aware")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the outbox `payload` column)."""
        return {
            "kind": self.kind,
            "channel": self.channel,
            "theme_id": self.theme_id,
            "theme_name": self.theme_name,
            "priority": self.priority,
            "title": self.title,
            "link": self.link,
            "outlet": self.outlet,
            "published": self.published.astimezone(UTC).isoformat(),
            "summary": self.summary,
            "spans": [_span_to_dict(s) for s in self.spans],
            "timezone": self.timezone,
            "thread_ts": self.thread_ts,
            "more": [[headline, link] for headline, link in self.more],
            "more_count": self.more_count,
            "text": self.text,
            "story_url": self.story_url,
            "via": list(self.via),
            "first_published": self.first_published.astimezone(UTC).isoformat()
            if self.first_published
            else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertMessage:
        published = datetime.fromisoformat(data["published"]).astimezone(UTC)
        return cls(
            kind=cast(Kind, data["kind"]),
            channel=str(data["channel"]),
            theme_id=str(data.get("theme_id", "")),
            theme_name=str(data.get("theme_name", "")),
            priority=cast(Priority, data.get("priority", "normal")),
            title=str(data.get("title", "")),
            link=str(data.get("link", "")),
            outlet=str(data.get("outlet", "")),
            published=published,
            summary=str(data.get("summary", "")),
            spans=tuple(_span_from_dict(s) for s in data.get("spans", [])),
            timezone=str(data.get("timezone", "UTC")),
            thread_ts=data.get("thread_ts"),
            more=tuple((str(h), str(u)) for h, u in data.get("more", [])),
            more_count=int(data.get("more_count", 0)),
            text=str(data.get("text", "")),
            story_url=data.get("story_url"),
            via=tuple(str(v) for v in data.get("via", [])),
            first_published=_aware(data.get("first_published")),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> AlertMessage:
        return cls.from_dict(json.loads(raw))


def _aware(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        return None


def later_by(msg: AlertMessage) -> str | None:
    """`2 h later` (`35 min later`, `3 days later`): how long after the alerted report a
    follow-up was published; None when unknown or not later."""
    if msg.first_published is None:
        return None
    minutes = int((msg.published - msg.first_published).total_seconds() // 60)
    if minutes < 1:
        return None
    if minutes < 60:
        return f"{minutes} min later"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h later"
    return f"{round(minutes / 1440)} days later"


def _span_to_dict(span: Span) -> dict[str, Any]:
    return {"field": span.field, "start": span.start, "end": span.end, "text": span.text}


def _span_from_dict(data: dict[str, Any]) -> Span:
    return Span(
        field=data["field"], start=int(data["start"]), end=int(data["end"]), text=data["text"]
    )


@dataclass(frozen=True)
class Delivered:
    """Where a message landed: Slack's channel id and message ts (None for webhooks)."""

    channel: str | None
    ts: str | None


class NotifyError(Exception):
    """A delivery failed. `permanent` means retrying this message cannot help (too long,
    invalid blocks); `retry_after` is the wait the server asked for, in seconds (HTTP 429).

    `pause` says the destination, not the message, is at fault: "destination" (a revoked or
    mistyped token: nothing can be posted) or "channel" (the bot is not in it, it is gone or
    archived). Such messages wait, queued, until the set-up is fixed; `fix` says how."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        pause: Literal["destination", "channel"] | None = None,
        fix: str = "",
        code: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.pause = pause
        self.fix = fix
        self.code = code  # the destination's own error code (Slack's "token_revoked"), if any

    def __repr__(self) -> str:
        return (
            f"NotifyError({self.message!r}, permanent={self.permanent}, "
            f"retry_after={self.retry_after})"
        )


def is_channel_id(channel: str) -> bool:
    """A Slack channel id ("C0123ABCD"), not a name from the config ("#asia-desk")."""
    return channel[:1] in ("C", "G", "D") and channel[1:].isalnum() and channel.isupper()


class Notifier(Protocol):
    """Deliver one message. Raise NotifyError on failure; never swallow it.

    `delivery` names the outbox row; a notifier that can (Slack's Web API) sends it along
    as message metadata, so that `find_delivered` can later tell whether a message whose
    worker died mid-call reached the channel. `can_look_back` says whether it can."""

    supports_threads: bool
    can_look_back: bool

    async def send(self, msg: AlertMessage, delivery: str | None = None) -> Delivered: ...

    async def find_delivered(
        self, msg: AlertMessage, delivery: str, since: datetime
    ) -> Delivered | None: ...
