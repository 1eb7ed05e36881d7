"""DST-safe digest schedule: exactly one instant per local day, gaps and folds included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.digest.schedule import (
    due_period,
    next_fire_time,
    period_label,
    scheduled_instant,
)

NY = "America/New_York"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


def test_it_fires_at_the_local_time_on_an_ordinary_day() -> None:
    assert scheduled_instant(date(2026, 11, 28), time(7, 30), "Asia/Tokyo") == utc(
        2026, 11, 27, 22, 30
    )


def test_a_time_inside_the_spring_forward_gap_fires_when_the_gap_ends() -> None:
    # 2026-03-08 02:00 EST jumps to 03:00 EDT; 02:30 never happens, 03:00 EDT is 07:00 UTC.
    assert scheduled_instant(date(2026, 3, 8), time(2, 30), NY) == utc(2026, 3, 8, 7, 0)


def test_the_first_instant_of_the_gap_also_fires_when_the_gap_ends() -> None:
    assert scheduled_instant(date(2026, 3, 8), time(2, 0), NY) == utc(2026, 3, 8, 7, 0)


def test_an_ambiguous_time_in_the_fall_back_fold_fires_at_its_first_occurrence() -> None:
    # 01:30 happens twice on 2026-11-01: first as EDT (05:30 UTC), then as EST (06:30 UTC).
    assert scheduled_instant(date(2026, 11, 1), time(1, 30), NY) == utc(2026, 11, 1, 5, 30)


def test_london_gap_and_fold_follow_the_same_rules() -> None:
    # BST starts 2026-03-29 01:00 GMT -> 02:00 BST; ends 2026-10-25 02:00 BST -> 01:00 GMT.
    assert scheduled_instant(date(2026, 3, 29), time(1, 15), "Europe/London") == utc(
        2026, 3, 29, 1, 0
    )
    assert scheduled_instant(date(2026, 10, 25), time(1, 15), "Europe/London") == utc(
        2026, 10, 25, 0, 15
    )


def test_a_half_hour_gap_ends_at_the_right_instant() -> None:
    # Lord Howe Island moves its clocks by 30 minutes: 02:00 -> 02:30 (+11:00).
    instant = scheduled_instant(date(2026, 10, 4), time(2, 10), "Australia/Lord_Howe")
    assert instant == utc(2026, 10, 3, 15, 30)


def test_tokyo_has_no_dst_so_every_day_is_24_hours_apart() -> None:
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(366)]
    instants = [scheduled_instant(d, time(7, 30), "Asia/Tokyo") for d in days]
    assert {b - a for a, b in zip(instants, instants[1:], strict=False)} == {timedelta(days=1)}


@pytest.mark.parametrize(
    ("tz", "first_day", "at"),
    [
        (NY, date(2026, 3, 5), time(2, 30)),  # week with the gap
        (NY, date(2026, 10, 29), time(1, 30)),  # week with the fold
        ("Europe/London", date(2026, 3, 26), time(1, 30)),
        ("Europe/London", date(2026, 10, 22), time(1, 30)),
    ],
)
def test_stepping_through_a_dst_week_gives_exactly_one_instant_per_day(
    tz: str, first_day: date, at: time
) -> None:
    # Walk next_fire_time from before the week to after it, as the scheduler would.
    now = scheduled_instant(first_day, at, tz) - timedelta(minutes=1)
    fired: list[datetime] = []
    for _ in range(7):
        now = next_fire_time(now, at, tz)
        fired.append(now)
    periods = [due_period(instant, at, tz) for instant in fired]
    assert periods == [first_day + timedelta(days=i) for i in range(7)]
    assert [i.astimezone(ZoneInfo(tz)).date() for i in fired] == periods


def test_due_period_is_yesterday_until_todays_time_arrives() -> None:
    at = time(7, 30)
    assert due_period(utc(2026, 11, 27, 22, 29, 59), at, "Asia/Tokyo") == date(2026, 11, 27)
    assert due_period(utc(2026, 11, 27, 22, 30), at, "Asia/Tokyo") == date(2026, 11, 28)


def test_due_period_after_a_long_outage_is_the_latest_missed_day_only() -> None:
    # Down from Monday to Thursday noon: one catch-up digest, labelled Thursday.
    assert due_period(utc(2026, 11, 26, 3, 0), time(7, 30), "Asia/Tokyo") == date(2026, 11, 26)


def test_due_period_in_the_fold_does_not_fire_again_at_the_second_occurrence() -> None:
    at = time(1, 30)
    first = utc(2026, 11, 1, 5, 30)
    second_occurrence = utc(2026, 11, 1, 6, 30)
    assert due_period(first, at, NY) == due_period(second_occurrence, at, NY)
    assert next_fire_time(first, at, NY) == utc(2026, 11, 2, 6, 30)


def test_next_fire_time_is_strictly_after_now() -> None:
    at = time(7, 30)
    instant = utc(2026, 11, 27, 22, 30)
    assert next_fire_time(instant - timedelta(seconds=1), at, "Asia/Tokyo") == instant
    assert next_fire_time(instant, at, "Asia/Tokyo") == instant + timedelta(days=1)


def test_it_rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_period(datetime(2026, 11, 28, 7, 30), time(7, 30), "Asia/Tokyo")


def test_period_label_uses_english_names_whatever_the_locale() -> None:
    assert period_label(date(2026, 11, 28)) == "Sat 28 Nov 2026"
    assert period_label(date(2026, 3, 1)) == "Sun 1 Mar 2026"
