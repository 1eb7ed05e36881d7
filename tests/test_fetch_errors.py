"""The one place fetch failures are classified, and the freshness headers we honour."""

from __future__ import annotations

import socket
import ssl
import zlib
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL as YarlURL

from service.poll.classify import classify_exception, classify_http_error, parse_retry_after
from service.poll.errors import FetchError, format_size
from service.poll.fetch import cache_seconds

NOW = datetime(2026, 2, 1, 12, 0, 0, tzinfo=UTC)
URL = "https://feeds.example.org/world.xml"
VERIFY_FAILED = (
    "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
    "self-signed certificate (_ssl.c:1006)"
)
# Its fields differ between aiohttp versions; only host, port and ssl matter here.
KEY = ConnectionKey(*[None] * len(ConnectionKey._fields))._replace(
    host="feeds.example.org", port=443, is_ssl=True, ssl=True
)


def raised(outer: BaseException, inner: BaseException | None = None) -> BaseException:
    """`outer` as aiohttp raises it: `raise outer from inner`, caught."""
    try:
        raise outer from inner
    except BaseException as exc:
        return exc


def connect_error(inner: OSError, cls: type = aiohttp.ClientConnectorError) -> BaseException:
    return raised(cls(KEY, inner), inner)


def parser_error(message: str) -> BaseException:
    """What aiohttp raises for a response it cannot parse (its status is its own 400)."""
    info = aiohttp.RequestInfo(YarlURL(URL), "GET", CIMultiDictProxy(CIMultiDict()), YarlURL(URL))
    return aiohttp.ClientResponseError(info, (), status=400, message=message)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (connect_error(socket.gaierror(-2, "Name or service not known")), "dns"),
        (
            connect_error(
                ssl.SSLCertVerificationError("certificate verify"),
                aiohttp.ClientConnectorCertificateError,
            ),
            "tls",
        ),
        (
            connect_error(ssl.SSLError(1, "wrong version number"), aiohttp.ClientConnectorSSLError),
            "tls",
        ),
        (connect_error(ConnectionRefusedError(111, "Connect call failed")), "refused"),
        (connect_error(OSError(101, "Network is unreachable")), "connection"),
        (aiohttp.ServerDisconnectedError(), "connection"),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), "connection"),
        (aiohttp.ClientPayloadError("Response payload is not completed"), "connection"),
        (parser_error("Bad status line:\n  b'garbage'\n    ^"), "connection"),
        (aiohttp.ConnectionTimeoutError("connect"), "timeout"),
        (aiohttp.SocketTimeoutError("read"), "timeout"),
        (TimeoutError(), "timeout"),
        (zlib.error("invalid stored block lengths"), "parse_error"),
        (aiohttp.InvalidUrlClientError("http:///feed.xml"), "http_error"),
        (raised(UnicodeError("label empty or too long")), "dns"),  # IDNA: "a..b"
    ],
)
def test_exceptions_are_classified_by_what_went_wrong(exc: BaseException, kind: str) -> None:
    error = classify_exception(exc, URL, timeout=20)
    assert error.kind == kind
    assert not error.permanent


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (
            connect_error(OSError(101, "Network is unreachable")),
            # aiohttp's own text says "ssl:default": that must not read as a TLS failure
            "Connection to feeds.example.org failed: [Errno 101] Network is unreachable",
        ),
        (
            aiohttp.ServerDisconnectedError(),
            "Connection to feeds.example.org failed: "
            "Server disconnected without sending a response.",
        ),
        (
            aiohttp.ClientOSError(104, "Connection reset by peer"),
            "Connection to feeds.example.org failed: [Errno 104] Connection reset by peer",
        ),
        (
            parser_error("Bad status line:\n  Invalid HTTP version:\n\n  b'HTTP/9'\n    ^"),
            "Connection to feeds.example.org failed: "
            "Bad status line: Invalid HTTP version: b'HTTP/9'",
        ),
        (
            connect_error(
                ssl.SSLCertVerificationError(1, VERIFY_FAILED),
                aiohttp.ClientConnectorCertificateError,
            ),
            f"TLS handshake with feeds.example.org failed: {VERIFY_FAILED}",
        ),
        (
            connect_error(ConnectionRefusedError(111, "x")),
            "Connection refused by feeds.example.org",
        ),
    ],
)
def test_network_failures_read_as_what_happened(exc: BaseException, message: str) -> None:
    assert classify_exception(exc, URL).message == message


def test_an_invalid_url_says_what_is_wrong_with_it_as_before() -> None:
    error = classify_exception(
        aiohttp.InvalidUrlClientError("http:///feed.xml"), "http:///feed.xml"
    )
    assert error.message == (
        "Invalid feed URL 'http:///feed.xml': "
        "Request URL is missing an 'http://' or 'https://' protocol."
    )


def test_timeouts_say_how_long_was_waited() -> None:
    error = classify_exception(TimeoutError(), URL, timeout=20)
    assert error.message == "Timed out after 20 s waiting for feeds.example.org"


def test_dns_failures_name_the_host() -> None:
    exc = connect_error(socket.gaierror(-2, "Name or service not known"))
    assert classify_exception(exc, URL).message == "Could not resolve host feeds.example.org"


def test_a_fetch_error_passes_through_unchanged() -> None:
    error = FetchError("too_large", "Body larger than 1.0 MB limit")
    assert classify_exception(error, URL) is error


@pytest.mark.parametrize(
    ("status", "kind", "message"),
    [
        (401, "unauthorized", "HTTP 401 Unauthorized from feeds.example.org"),
        (403, "unauthorized", "HTTP 403 Forbidden from feeds.example.org"),
        (404, "not_found", "HTTP 404 Not Found from feeds.example.org"),
        (418, "http_error", "HTTP 418 I'm a Teapot from feeds.example.org"),
        (429, "rate_limited", "HTTP 429 Too Many Requests from feeds.example.org"),
        (500, "server_error", "HTTP 500 Internal Server Error from feeds.example.org"),
        (599, "server_error", "HTTP 599 from feeds.example.org"),
    ],
)
def test_http_statuses_are_classified_with_a_readable_message(
    status: int, kind: str, message: str
) -> None:
    error = classify_http_error(status, URL)
    assert (error.kind, error.message, error.status, error.permanent) == (
        kind,
        message,
        status,
        False,
    )


def test_only_410_is_permanent_and_says_the_source_is_disabled() -> None:
    error = classify_http_error(410, URL)
    assert error.permanent
    assert error.message == (
        "HTTP 410 Gone from feeds.example.org: the feed was removed; the source is disabled"
    )


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Sun, 01 Feb 2026 12:05:00 GMT", 300.0),
        ("Sunday, 01-Feb-26 12:05:00 GMT", 300.0),  # RFC 850 form
        ("Sun Feb  1 12:05:00 2026", 300.0),  # asctime form
        ("Sun, 01 Feb 2026 11:00:00 GMT", 0.0),  # in the past: retry now
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_in_both_forms(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_retry_after_is_only_read_on_429_and_503() -> None:
    headers = {"retry-after": "60"}
    assert classify_http_error(503, URL, headers, now=NOW).retry_after == 60
    assert classify_http_error(429, URL, headers, now=NOW).retry_after == 60
    assert classify_http_error(500, URL, headers, now=NOW).retry_after is None


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"cache-control": "public, max-age=600"}, 600),
        ({"cache-control": 'max-age="60"'}, 60),
        ({"cache-control": "max-age=oops"}, 0),
        ({"cache-control": "no-cache"}, None),
        ({"expires": "Sun, 01 Feb 2026 13:00:00 GMT"}, 3600),
        (
            {"expires": "Sun, 01 Feb 2026 13:00:00 GMT", "date": "Sun, 01 Feb 2026 12:30:00 GMT"},
            1800,
        ),
        ({"expires": "0"}, 0),
        ({"expires": "Sun, 01 Feb 2026 11:00:00 GMT"}, 0),
        ({"cache-control": "max-age=5", "expires": "Sun, 01 Feb 2026 13:00:00 GMT"}, 5),
        ({}, None),
    ],
)
def test_cache_lifetime_comes_from_max_age_else_expires(
    headers: dict[str, str], seconds: int | None
) -> None:
    assert cache_seconds(headers, NOW) == seconds


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [
        (10 * 1024 * 1024, "10.0 MB"),
        (10_000_000, "10.0 MB"),
        (1_500_000, "1.5 MB"),
        (500, "0.5 kB"),
    ],
)
def test_sizes_read_like_the_config(n_bytes: int, text: str) -> None:
    assert format_size(n_bytes) == text
