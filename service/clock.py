"""Time comes from a clock that is passed in, so tests can step it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when


def local_time(when: datetime, timezone: str) -> str:
    """`2025-03-14 09:30 JST`: the one way a person is shown a time (CLI, Slack, digest,
    the desk page), in the configured zone."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def shown(iso_text: str | None, timezone: str, missing: str = "-") -> str:
    """An ISO 8601 time from a JSON report, as a person is shown it (`local_time`)."""
    if not iso_text:
        return missing
    return local_time(datetime.fromisoformat(iso_text.replace("Z", "+00:00")), timezone)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC to the second (`2025-03-14T00:30:00Z`): the JSON outputs' times."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
