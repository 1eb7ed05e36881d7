"""Annotated field types for the config models: each validator says what it expects.

Validators raise `HintedValueError` so the loader can show a fix-it beside the
message. They never put the input value in the message: the loader adds it
where it is safe to show (never for secrets).
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import time, timedelta
from email.utils import parseaddr
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, SecretStr

from .units import parse_clock, parse_duration, parse_size


class HintedValueError(ValueError):
    """A ValueError with an optional fix-it for the person editing the file."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _duration(value: Any) -> timedelta:
    return parse_duration(value)


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise HintedValueError("must be longer than zero")
    return value


def _backfill(value: Any) -> Any:
    """'all' means no window at all (every item alerts); None keeps that meaning."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "all"):
        return None
    return parse_duration(value)


def _size(value: Any) -> int:
    return parse_size(value)


def _clock(value: Any) -> time:
    return parse_clock(value)


def _blank_to_none(value: Any) -> Any:
    """`${SLACK_WEBHOOK_URL:-}` gives '': an unset optional value, not an empty one."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(value, _zone_names(), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "use an IANA name like Asia/Tokyo or UTC"
        raise HintedValueError("unknown time zone", hint) from None
    return value


def _http_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise HintedValueError("expected an http:// or https:// URL")
    return value


def _api_url(value: str) -> str:
    value = _http_url(value)
    return value if value.endswith("/") else value + "/"


_ADDRESS = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+")


def _email_address(value: str) -> str:
    value = value.strip()
    if not _ADDRESS.fullmatch(value):
        raise HintedValueError("expected an email address like desk@example.org")
    return value


def _sender(value: str) -> str:
    """'Wirewatch <wirewatch@example.org>' or a bare address."""
    _, address = parseaddr(value)
    if not _ADDRESS.fullmatch(address):
        raise HintedValueError(
            "expected a sender like 'Wirewatch <wirewatch@example.org>'",
            "quote it: a bare < or : confuses YAML",
        )
    return value.strip()


_THEME_ID = re.compile(r"[a-z0-9_-]+")


def _theme_id(value: str) -> str:
    if not _THEME_ID.fullmatch(value):
        suggestion = re.sub(r"[^a-z0-9_-]+", "-", value.strip().lower()).strip("-")
        hint = f"try '{suggestion}'" if suggestion else None
        raise HintedValueError("a theme id may use only a-z, 0-9, '-' and '_'", hint)
    return value


def _listen(value: str) -> str:
    host, sep, port = value.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise HintedValueError(
            "expected host:port like 127.0.0.1:8080", "use 0.0.0.0:8080 to listen everywhere"
        )
    return value.strip()


def _database(value: str) -> str:
    """SQLite or PostgreSQL; plain postgres:// URLs get the psycopg 3 driver we ship."""
    value = value.strip()
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise HintedValueError(_DATABASE_HELP)
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return "postgresql+psycopg://" + rest
    if scheme == "sqlite":
        return value
    raise HintedValueError(_DATABASE_HELP)


_DATABASE_HELP = "expected sqlite:///path/to/file.db or postgresql+psycopg://user@host/dbname"


def _non_empty(value: str) -> str:
    if not value.strip():
        raise HintedValueError("must not be empty")
    return value


def _alias_body(value: Any) -> Any:
    """An alias is a WRL expression (text) or a list of literal terms."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise HintedValueError("expected a query string or a list of terms like [Japan, Tokyo]")


def _fraction(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise HintedValueError("expected a number between 0 and 1")
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
PositiveDuration = Annotated[timedelta, BeforeValidator(_duration), AfterValidator(_positive)]
Backfill = Annotated[timedelta | None, BeforeValidator(_backfill)]
Size = Annotated[int, BeforeValidator(_size)]
Clock = Annotated[time, BeforeValidator(_clock)]
Text = Annotated[str, AfterValidator(_non_empty)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
OptionalSecret = Annotated[SecretStr | None, BeforeValidator(_blank_to_none)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
ApiUrl = Annotated[str, AfterValidator(_api_url)]
EmailAddress = Annotated[str, AfterValidator(_email_address)]
Sender = Annotated[str, AfterValidator(_sender)]
ThemeId = Annotated[str, AfterValidator(_theme_id)]
Listen = Annotated[str, AfterValidator(_listen)]
DatabaseUrl = Annotated[str, AfterValidator(_database)]
AliasBody = Annotated[str | list[str], BeforeValidator(_alias_body)]
Fraction = Annotated[float, AfterValidator(_fraction)]
