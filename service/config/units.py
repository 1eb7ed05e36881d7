"""Parsing of the human units used in config.yaml: durations, sizes and clock times.

Each parser raises ValueError with a message that says what is expected, so the
config loader can show it next to the line that holds the bad value.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

DURATION_HELP = "a duration like 30s, 10m, 2h, 1d or 1h30m"
SIZE_HELP = "a size like 512KB, 10MB or 1GiB"
CLOCK_HELP = 'a time of day like "07:30" (24-hour HH:MM)'

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])")
_PLAIN_NUMBER = re.compile(r"\d+")

# Decimal units follow SI (MB = 10^6 bytes), as disk and network tools do; the
# binary ones (MiB = 2^20) are there for people who mean those.
_SIZE_UNITS = {
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def parse_duration(value: str | int | float | timedelta) -> timedelta:
    """'30s', '10m', '2h', '1d', '1h30m'; a plain number is seconds; '0' is zero.

    Units are lower case only: 'M' could mean minutes or months.
    """
    if isinstance(value, timedelta):
        return _non_negative(value)
    if isinstance(value, bool):  # bool is an int subclass: `interval: yes` is a mistake
        raise ValueError(f"expected {DURATION_HELP}")
    if isinstance(value, int | float):
        return _non_negative(timedelta(seconds=value))
    text = str(value).strip()
    if _PLAIN_NUMBER.fullmatch(text):
        return timedelta(seconds=int(text))
    seconds = 0.0
    pos = 0
    for part in _DURATION_PART.finditer(text):
        if part.start() != pos:
            break
        seconds += float(part.group(1)) * _DURATION_UNITS[part.group(2)]
        pos = part.end()
    if pos == 0 or pos != len(text):
        raise ValueError(f"expected {DURATION_HELP}")
    return timedelta(seconds=seconds)


def _non_negative(delta: timedelta) -> timedelta:
    if delta < timedelta(0):
        raise ValueError(f"expected {DURATION_HELP}, not a negative one")
    return delta


def parse_size(value: str | int) -> int:
    """Bytes from '10MB' (10*10^6), '512KB', '1GB', '10MiB' (10*2^20); a plain number is bytes.

    Units are case-insensitive ('10mb' = '10MB'): nobody means millibytes.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected {SIZE_HELP}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"expected {SIZE_HELP}, not a negative one")
        return value
    match = _SIZE.fullmatch(str(value).strip().lower())
    if match is None:
        raise ValueError(f"expected {SIZE_HELP}")
    number, unit = match.groups()
    factor = _SIZE_UNITS.get(unit or "b")
    if factor is None:
        raise ValueError(f"expected {SIZE_HELP} (units: B, KB, MB, GB, KiB, MiB, GiB)")
    return int(float(number) * factor)


def parse_clock(value: str | time) -> time:
    """'07:30' or '7:30' as a time of day (24-hour clock)."""
    if isinstance(value, time):
        return value
    match = _CLOCK.fullmatch(str(value).strip())
    if match is None:
        raise ValueError(f"expected {CLOCK_HELP}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"expected {CLOCK_HELP}; hours go to 23 and minutes to 59")
    return time(hour, minute)
