"""Durations, sizes and clock times as people write them in config.yaml."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from service.config import parse_clock, parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("10m", timedelta(minutes=10)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("90", timedelta(seconds=90)),
        (45, timedelta(seconds=45)),
        ("0", timedelta(0)),
    ],
)
def test_it_reads_durations(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["10 minutes", "", "m", "10M", "-5s", "5s10", "1h-30m"])
def test_it_rejects_durations_it_cannot_read_unambiguously(text: str) -> None:
    with pytest.raises(ValueError, match="duration like 30s"):
        parse_duration(text)


def test_it_does_not_take_a_boolean_for_a_duration() -> None:
    with pytest.raises(ValueError):
        parse_duration(True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10MB", 10_000_000),
        ("512KB", 512_000),
        ("1GB", 1_000_000_000),
        ("10MiB", 10 * 1024 * 1024),
        ("1 KiB", 1024),
        ("10mb", 10_000_000),
        ("2048", 2048),
        (4096, 4096),
        ("1.5MB", 1_500_000),
    ],
)
def test_it_reads_sizes_with_si_and_binary_units(text: str | int, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["10 parsecs", "MB", "ten MB", "-1"])
def test_it_rejects_sizes_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match="size like"):
        parse_size(text)


def test_it_reads_clock_times() -> None:
    assert parse_clock("07:30") == time(7, 30)
    assert parse_clock("7:05") == time(7, 5)


@pytest.mark.parametrize("text", ["24:00", "07:60", "0730", "7.30", "450"])
def test_it_rejects_impossible_clock_times(text: str) -> None:
    with pytest.raises(ValueError, match="time of day"):
        parse_clock(text)
