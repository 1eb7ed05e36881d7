"""What a fetch gives back (a body to parse, or a 304) and what a response says about
itself: validators for the next conditional GET, and how long it stays fresh."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class FetchLimits:
    timeout: float  # total seconds for the whole request chain, body included
    max_bytes: int  # decompressed
    per_host: int
    concurrency: int
    user_agent: str
    max_redirects: int = 5


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL, after redirects
    permanent_url: str | None  # where a 301/308 chain says the source now lives
    status: int
    headers: Mapping[str, str]  # lower-case keys
    body: bytes  # decompressed
    body_hash: str  # sha256 hex of body
    validators: Validators
    cache_seconds: int | None
    elapsed_ms: int


@dataclass(frozen=True)
class NotModified:
    url: str
    permanent_url: str | None
    validators: Validators
    cache_seconds: int | None
    elapsed_ms: int


def body_unchanged(fetched: Fetched, previous_hash: str | None) -> bool:
    return previous_hash is not None and fetched.body_hash == previous_hash


def cache_seconds(headers: Mapping[str, str], now: datetime | None = None) -> int | None:
    """How long the server says the response stays fresh (RFC 9111 4.2.1), or None."""
    for directive in headers.get("cache-control", "").lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name == "max-age":
            try:
                return max(0, int(value.strip().strip('"')))
            except ValueError:
                return 0  # RFC 9111 4.2.1: an invalid max-age means stale
    expires = headers.get("expires")
    if expires is None:
        return None
    try:
        when = parsedate_to_datetime(expires)
        base = parsedate_to_datetime(headers["date"]) if "date" in headers else None
    except (TypeError, ValueError, IndexError):
        return 0  # "Expires: 0" and other invalid dates mean already expired
    base = base or now or datetime.now(UTC)
    when, base = (d if d.tzinfo else d.replace(tzinfo=UTC) for d in (when, base))
    return max(0, int((when - base).total_seconds()))
