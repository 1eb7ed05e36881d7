"""FetchError and the one place where fetch failures are classified.

Every way a poll can fail ends up here as a FetchError with a `kind` the scheduler
can act on (back off, honour Retry-After, disable on 410) and a `message` a user
can read in `wirewatch sources`.
"""

from __future__ import annotations

import http
import socket
import ssl
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

import httpx

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


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or HTTP-date (RFC 9110 10.2.3)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 850 / asctime forms are GMT by definition
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _kind_for_status(status: int) -> FetchErrorKind:
    if status in (401, 403):
        return "unauthorized"
    if status == 404:
        return "not_found"
    if status == 410:
        return "gone"
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server_error"
    return "http_error"


def classify_http_error(
    status: int,
    url: str,
    headers: Mapping[str, str] | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> FetchError:
    """A FetchError for an HTTP response that is neither a success, a 304 nor a redirect."""
    headers = headers or {}
    if not reason:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    label = f"HTTP {status} {reason}".rstrip()
    kind = _kind_for_status(status)
    message = f"{label} from {host_of(url)}"
    if kind == "gone":
        message += ": the feed was removed; the source is disabled"
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(headers.get("retry-after"), now)
    return FetchError(
        kind, message, permanent=kind == "gone", retry_after=retry_after, status=status
    )


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (httpx wraps httpcore wraps OSError)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _network_kind(exc: BaseException) -> FetchErrorKind:
    chain = _causes(exc)
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "dns"
    if any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain):
        return "tls"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused"
    text = " ".join(str(e) for e in chain).lower()
    if "name or service not known" in text or "nodename nor servname" in text:
        return "dns"
    if "certificate" in text or "ssl" in text or "tls" in text:
        return "tls"
    if "connection refused" in text:
        return "refused"
    return "connection"


_NETWORK_MESSAGES: dict[str, str] = {
    "dns": "Could not resolve host {host}",
    "tls": "TLS handshake with {host} failed: {detail}",
    "refused": "Connection refused by {host}",
    "connection": "Connection to {host} failed: {detail}",
}


def classify_exception(exc: BaseException, url: str, timeout: float | None = None) -> FetchError:
    """A FetchError for an exception raised while fetching `url`.

    Only expected failures belong here (network, protocol, decoding); callers let
    anything else propagate so that bugs are not recorded as source errors.
    """
    if isinstance(exc, FetchError):
        return exc
    host = host_of(url)
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        after = f" after {format_seconds(timeout)}" if timeout is not None else ""
        return FetchError("timeout", f"Timed out{after} waiting for {host}")
    if isinstance(exc, httpx.TooManyRedirects):
        return FetchError("too_many_redirects", f"Too many redirects from {host}")
    if isinstance(exc, httpx.DecodingError | zlib.error):
        return FetchError("parse_error", f"Could not decompress the response from {host}")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return FetchError("http_error", f"Invalid feed URL {url!r}: {exc}")
    kind = _network_kind(exc)
    detail = str(exc) or type(exc).__name__
    return FetchError(kind, _NETWORK_MESSAGES[kind].format(host=host, detail=detail))
