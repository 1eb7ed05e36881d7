"""A source as one poll sees it, what the poll ended with, and the row values it writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from service import logs
from service.poll import cadence
from service.poll.fetch import Fetched, NotModified
from service.store.sources import ClaimedSource


@dataclass(frozen=True)
class SourceState:
    """A detached snapshot of a source row, taken when it was claimed."""

    id: int
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    interval: timedelta
    tags: tuple[str, ...]
    lang: str | None
    error_count: int
    failing_since: datetime | None
    first_poll: bool

    @classmethod
    def of(cls, row: ClaimedSource) -> SourceState:
        return cls(
            id=row.id,
            name=row.name,
            url=row.url,
            etag=row.etag,
            last_modified=row.last_modified,
            body_hash=row.body_hash,
            interval=timedelta(seconds=row.interval_seconds),
            tags=tuple(row.tags or ()),
            lang=row.lang,
            error_count=row.error_count,
            failing_since=row.failing_since,
            first_poll=row.last_success_at is None,
        )


@dataclass(frozen=True)
class PollOutcome:
    source: str
    status: str  # ok | not_modified | unchanged | error | disabled
    new: int = 0
    updated: int = 0
    alerts: int = 0
    ms: int = 0
    error: str | None = None


def success_values(
    state: SourceState, result: Fetched | NotModified, ttl: int | None, now: datetime
) -> dict[str, object]:
    """The source row after a successful poll (changed feed, 304 or unchanged body)."""
    values: dict[str, object] = {
        "etag": result.validators.etag,
        "last_modified": result.validators.last_modified,
        "last_http_status": result.status if isinstance(result, Fetched) else 304,
        "status": "ok",
        "error_count": 0,
        "error_kind": None,
        "last_error": None,
        "failing_since": None,
        "last_polled_at": now,
        "last_success_at": now,
        "next_poll_at": cadence.after_success(now, state.interval, result.cache_seconds, ttl),
        "lease_owner": None,
        "lease_until": None,
    }
    if isinstance(result, Fetched):
        values["body_hash"] = result.body_hash
    if result.permanent_url and result.permanent_url != state.url:
        logs.event("source.moved", source=state.name, url=result.permanent_url)
        values["url"] = result.permanent_url
    return values


def error_values(
    state: SourceState,
    now: datetime,
    kind: str,
    message: str,
    permanent: bool = False,
    retry_after: float | None = None,
    status: int | None = None,
) -> dict[str, object]:
    """The source row after a failed poll: backed off, or disabled when `permanent` (410)."""
    count = state.error_count + 1
    values: dict[str, object] = {
        "error_count": count,
        "error_kind": kind,
        "last_error": message,
        "last_http_status": status,
        "failing_since": state.failing_since or now,
        "last_polled_at": now,
        "lease_owner": None,
        "lease_until": None,
    }
    if permanent:
        return {**values, "status": "disabled", "disabled_reason": message}
    next_poll = cadence.after_error(now, state.interval, count, retry_after)
    return {**values, "status": "error", "next_poll_at": next_poll}
