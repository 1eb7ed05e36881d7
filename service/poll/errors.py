"""FetchError: how a poll fails, in words the scheduler and the user can act on.

Every way a poll can fail (fetching, decoding or parsing) ends as a FetchError with a `kind`
the scheduler acts on (back off, honour Retry-After, disable on 410) and a `message` a user
reads in `wirewatch sources`. This module is the stage's shared vocabulary: it depends on no
HTTP client, so the parsers raise FetchError without knowing how bodies are fetched.
Network and HTTP failures are turned into FetchErrors in one place, `classify.py`.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

FetchErrorKind = Literal[
    "timeout",
    "dns",
    "tls",
    "refused",
    "connection",
    "unauthorized",
    "not_found",
    "gone",
    "rate_limited",
    "server_error",
    "http_error",
    "too_large",
    "too_many_redirects",
    "not_a_feed",
    "parse_error",
    "empty",
]


class FetchError(Exception):
    """An expected failure of one source's poll (never a bug in Wirewatch)."""

    def __init__(
        self,
        kind: FetchErrorKind,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: FetchErrorKind = kind
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.status = status

    def __repr__(self) -> str:
        return f"FetchError({self.kind!r}, {self.message!r}, status={self.status})"


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


def format_size(n_bytes: int) -> str:
    # Show the limit the way config.yaml writes it: "10MB" whether the config layer
    # reads that as 10**7 or 10 * 2**20 bytes.
    mebi = 1024 * 1024
    if n_bytes % mebi == 0:
        return f"{n_bytes / mebi:.1f} MB"
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1_000_000:.1f} MB"
    return f"{n_bytes / 1000:.1f} kB"


def format_seconds(seconds: float) -> str:
    return f"{seconds:g} s"
