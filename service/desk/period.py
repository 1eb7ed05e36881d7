"""A period back from now, as people write it: a duration (7d, 12h) or a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from service.config import parse_duration


def parse_since(text: str, now: datetime, timezone: str) -> datetime:
    """A duration back from now (30d, 12h) or a date (2023-05-01), which starts at midnight
    in the configured time zone. ValueError says what was expected."""
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a duration like 30d nor a date like 2023-05-01"
        ) from None
    return datetime.combine(day, time.min, ZoneInfo(timezone)).astimezone(UTC)
