"""When digests fire: pure, DST-safe schedule arithmetic over zoneinfo.

A digest is scheduled once per local calendar day. That day (its "period") is the key of
the durable digest_runs row, so every rule here guarantees exactly one instant per local
day, including the day with a spring-forward gap and the day with a fall-back fold.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def scheduled_instant(day: date, at: time, tz: str) -> datetime:
    """The aware-UTC instant of local `at` on `day` in `tz`.

    A local time that does not exist (spring-forward gap) fires at the first valid instant
    after the gap; an ambiguous one (fall-back fold) fires at its first occurrence.
    """
    zone = ZoneInfo(tz)
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone).astimezone(UTC)
    if _exists(wall, zone):
        return first
    return _end_of_gap(wall, zone)


def due_period(now: datetime, at: time, tz: str) -> date:
    """The local date of the most recent scheduled instant <= now: the period key."""
    _require_aware(now)
    today = now.astimezone(ZoneInfo(tz)).date()
    for back in range(0, 3):
        day = today - timedelta(days=back)
        if scheduled_instant(day, at, tz) <= now:
            return day
    raise AssertionError("a daily schedule always fired within the last three days")


def next_fire_time(now: datetime, at: time, tz: str) -> datetime:
    """The first scheduled instant strictly after now (aware UTC)."""
    _require_aware(now)
    today = now.astimezone(ZoneInfo(tz)).date()
    for ahead in range(-1, 3):
        instant = scheduled_instant(today + timedelta(days=ahead), at, tz)
        if instant > now:
            return instant
    raise AssertionError("a daily schedule always fires within the next three days")


def period_label(day: date) -> str:
    """'Sat 28 Nov 2026': fixed English names, so the process locale cannot change it."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    # A wall time exists iff it survives a round trip through UTC unchanged.
    back = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == wall


def _end_of_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """The transition instant that skipped `wall`, i.e. the first valid instant after the gap.

    Reading `wall` with the pre-transition offset lands after the transition, reading it
    with the post-transition offset lands before it, so bisect between the two by seconds.
    """
    after = int(wall.replace(tzinfo=zone, fold=0).timestamp())
    before = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    low, high = min(before, after), max(before, after)
    late_offset = _offset_at(high, zone)
    while high - low > 1:
        mid = (low + high) // 2
        if _offset_at(mid, zone) == late_offset:
            high = mid
        else:
            low = mid
    return datetime.fromtimestamp(high, UTC)


def _offset_at(timestamp: int, zone: ZoneInfo) -> timedelta | None:
    return datetime.fromtimestamp(timestamp, zone).utcoffset()


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
