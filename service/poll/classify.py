"""The one place where network and HTTP failures become FetchErrors.

aiohttp's exceptions, OS errors and HTTP statuses in; a FetchError with its kind, a message
in the words users saw before the fetcher moved from httpx, and Retry-After out.
"""

from __future__ import annotations

import http
import socket
import ssl
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp
from aiohttp.http_exceptions import ContentLengthError, TransferEncodingError

from service.poll.errors import FetchError, FetchErrorKind, format_seconds, host_of
from service.poll.wire import invalid_url


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
    """The exception and everything it wraps (aiohttp wraps OSError and parser errors)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


# What a server hanging up before its answer reads like (httpx's words, kept).
_SERVER_DISCONNECTED = "Server disconnected without sending a response."


def _detail(exc: BaseException) -> str:
    """What went wrong, in the words of the layer that saw it (not aiohttp's wrapping)."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return str(exc.certificate_error)
    if isinstance(exc, aiohttp.ClientConnectorError):
        # Its own str() is "Cannot connect to host h:443 ssl:default [...]": the "ssl" in
        # it would read as a TLS failure, and the host is in our message already.
        return str(exc.os_error) or type(exc.os_error).__name__
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return _SERVER_DISCONNECTED
    if isinstance(exc, aiohttp.ClientResponseError):
        # Raised for a response aiohttp could not parse; the status is its own 400.
        return _one_line(exc.message) or type(exc).__name__
    if isinstance(exc, aiohttp.ClientPayloadError):
        inner = [e for e in _causes(exc)[1:] if not isinstance(e, aiohttp.ClientPayloadError)]
        return _detail(inner[0]) if inner else str(exc) or type(exc).__name__
    message = getattr(exc, "message", None)  # aiohttp's HttpProcessingError family
    if isinstance(message, str) and message and not isinstance(exc, OSError):
        return _one_line(message)
    return str(exc) or type(exc).__name__


def _one_line(message: str) -> str:
    """aiohttp's parser errors span lines, with a caret under the offending byte."""
    lines = (line.strip() for line in message.splitlines())
    return " ".join(line for line in lines if line.strip("^"))


def _network_kind(exc: BaseException) -> FetchErrorKind:
    chain = _causes(exc)
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "dns"
    if any(isinstance(e, UnicodeError) for e in chain):
        return "dns"  # a host name IDNA cannot encode ("a..b", a label over 63 characters)
    if any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain):
        return "tls"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused"
    text = " ".join(_detail(e) for e in chain).lower()
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


def network_error(kind: FetchErrorKind, url: str, detail: str) -> FetchError:
    return FetchError(kind, _NETWORK_MESSAGES[kind].format(host=host_of(url), detail=detail))


def classify_exception(exc: BaseException, url: str, timeout: float | None = None) -> FetchError:
    """A FetchError for an exception raised while fetching `url`.

    Only expected failures belong here (network, protocol, decoding); callers let
    anything else propagate so that bugs are not recorded as source errors.
    """
    if isinstance(exc, FetchError):
        return exc
    host = host_of(url)
    if isinstance(exc, TimeoutError):  # aiohttp's own timeouts are TimeoutErrors too
        after = f" after {format_seconds(timeout)}" if timeout is not None else ""
        return FetchError("timeout", f"Timed out{after} waiting for {host}")
    if isinstance(exc, aiohttp.TooManyRedirects):
        return FetchError("too_many_redirects", f"Too many redirects from {host}")
    if isinstance(exc, zlib.error):
        return FetchError("parse_error", f"Could not decompress the response from {host}")
    if isinstance(exc, aiohttp.InvalidURL):
        return invalid_url(url, exc)
    kind = _network_kind(exc)
    return network_error(kind, url, _detail(exc))


def incomplete_body(
    exc: aiohttp.ClientPayloadError, url: str, received: int, declared: str
) -> FetchError:
    """The body ended early (closed or reset after `received` raw bytes of a `declared`
    Content-Length): said as httpx (h11) said it."""
    error = classify_exception(exc, url)
    causes = _causes(exc)
    if error.kind != "connection":
        return error
    if any(isinstance(e, ContentLengthError) for e in causes) and declared.isdigit():
        detail = f"(received {received} bytes, expected {int(declared)})"
    elif any(isinstance(e, TransferEncodingError) for e in causes) and "Not enough" in str(exc):
        detail = "(incomplete chunked read)"
    else:
        return error
    return network_error(
        "connection", url, f"peer closed connection without sending complete message body {detail}"
    )
