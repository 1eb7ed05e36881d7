"""Fetcher against a real HTTP server on loopback: conditional GET, redirects, HTTP errors."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from base64 import b64encode
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

import pytest

from service.poll.body import ACCEPT_ENCODING
from service.poll.fetch import (
    Fetched,
    Fetcher,
    FetchError,
    FetchLimits,
    NotModified,
    Validators,
    body_unchanged,
)
from service.poll.wire import Proxies
from tests.feedserver import FeedServer

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
LAST_MODIFIED = "Sat, 28 Nov 2026 10:00:00 GMT"


def make_limits(**overrides: object) -> FetchLimits:
    values: dict[str, object] = {
        "timeout": 5.0,
        "max_bytes": 1_000_000,
        "per_host": 2,
        "concurrency": 8,
        "user_agent": "Wirewatch-test/1.0",
    }
    values.update(overrides)
    return FetchLimits(**values)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(make_limits()) as f:
        yield f


async def fetch_error(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url)
    return caught.value


async def test_it_returns_the_body_with_its_hash_headers_and_validators(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route(
        "/feed.xml",
        body=FEED,
        etag='"v1"',
        last_modified=LAST_MODIFIED,
        headers={"Content-Type": "application/rss+xml", "Cache-Control": "public, max-age=300"},
    )
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert isinstance(result, Fetched)
    assert result.status == 200
    assert result.body == FEED
    assert result.body_hash == hashlib.sha256(FEED).hexdigest()
    assert result.headers["content-type"] == "application/rss+xml"
    assert result.validators == Validators('"v1"', LAST_MODIFIED)
    assert result.cache_seconds == 300
    assert result.permanent_url is None
    assert result.url == server.url("/feed.xml")


async def test_it_sends_its_user_agent_a_feed_accept_header_and_the_validators(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=FEED)
    await fetcher.fetch(server.url("/feed.xml"), Validators('"v1"', LAST_MODIFIED))
    sent = server.requests_to("/feed.xml")[0].headers
    assert sent["user-agent"] == "Wirewatch-test/1.0"
    assert sent["accept"].startswith("application/rss+xml")
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == LAST_MODIFIED
    assert "gzip" in sent["accept-encoding"]
    assert "br" not in sent["accept-encoding"]
    assert sent["accept-encoding"] == ACCEPT_ENCODING  # the HTTP client adds none of its own


async def test_it_sends_no_conditional_headers_without_validators(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=FEED)
    await fetcher.fetch(server.url("/feed.xml"))
    sent = server.requests_to("/feed.xml")[0].headers
    assert "if-none-match" not in sent and "if-modified-since" not in sent


async def test_a_matching_etag_gives_not_modified(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", body=FEED, etag='"v1"')
    result = await fetcher.fetch(server.url("/feed.xml"), Validators(etag='"v1"'))
    assert isinstance(result, NotModified)
    assert result.validators.etag == '"v1"'


async def test_a_matching_last_modified_gives_not_modified_and_keeps_it(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=FEED, last_modified=LAST_MODIFIED)
    result = await fetcher.fetch(server.url("/feed.xml"), Validators(last_modified=LAST_MODIFIED))
    assert isinstance(result, NotModified)
    assert result.validators.last_modified == LAST_MODIFIED


async def test_a_changed_etag_gives_the_new_body_and_the_new_etag(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=FEED + b" ", etag='"v2"')
    result = await fetcher.fetch(server.url("/feed.xml"), Validators(etag='"v1"'))
    assert isinstance(result, Fetched)
    assert result.validators.etag == '"v2"'
    assert result.body == FEED + b" "


async def test_body_unchanged_compares_the_body_hash(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", body=FEED)
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert isinstance(result, Fetched)
    assert body_unchanged(result, hashlib.sha256(FEED).hexdigest())
    assert not body_unchanged(result, hashlib.sha256(b"older").hexdigest())
    assert not body_unchanged(result, None)


@pytest.mark.parametrize("status", [301, 308])
async def test_a_permanent_redirect_reports_the_new_url(
    server: FeedServer, fetcher: Fetcher, status: int
) -> None:
    server.redirect("/old.xml", "/new.xml", status=status)
    server.route("/new.xml", body=FEED)
    result = await fetcher.fetch(server.url("/old.xml"))
    assert isinstance(result, Fetched)
    assert result.url == server.url("/new.xml")
    assert result.permanent_url == server.url("/new.xml")
    assert result.body == FEED


@pytest.mark.parametrize("status", [302, 303, 307])
async def test_a_temporary_redirect_is_followed_but_not_stored(
    server: FeedServer, fetcher: Fetcher, status: int
) -> None:
    server.redirect("/feed.xml", "/today.xml", status=status)
    server.route("/today.xml", body=FEED)
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert isinstance(result, Fetched)
    assert result.url == server.url("/today.xml")
    assert result.permanent_url is None


async def test_a_permanent_redirect_behind_a_temporary_one_is_not_stored(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.redirect("/feed.xml", "/campaign.xml", status=302)
    server.redirect("/campaign.xml", "/final.xml", status=301)
    server.route("/final.xml", body=FEED)
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert isinstance(result, Fetched)
    assert result.permanent_url is None


async def test_a_temporary_hop_after_a_move_keeps_the_moved_url(
    server: FeedServer, fetcher: Fetcher
) -> None:
    # The source really moved to /new.xml; where /new.xml sends us today is not the source.
    server.redirect("/old.xml", "/new.xml", status=301)
    server.redirect("/new.xml", "/cdn.xml", status=307)
    server.route("/cdn.xml", body=FEED)
    result = await fetcher.fetch(server.url("/old.xml"))
    assert isinstance(result, Fetched)
    assert result.permanent_url == server.url("/new.xml")
    assert result.url == server.url("/cdn.xml")


async def test_a_moved_feed_can_answer_not_modified(server: FeedServer, fetcher: Fetcher) -> None:
    server.redirect("/old.xml", "/new.xml", status=308)
    server.route("/new.xml", body=FEED, etag='"v1"')
    result = await fetcher.fetch(server.url("/old.xml"), Validators(etag='"v1"'))
    assert isinstance(result, NotModified)
    assert result.permanent_url == server.url("/new.xml")


async def test_a_redirect_loop_fails_as_too_many_redirects(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.redirect("/a.xml", "/b.xml", status=302)
    server.redirect("/b.xml", "/a.xml", status=302)
    error = await fetch_error(fetcher, server.url("/a.xml"))
    assert error.kind == "too_many_redirects"
    assert len(server.requests) == 6  # the first request and five redirects


async def test_five_redirects_are_followed(server: FeedServer, fetcher: Fetcher) -> None:
    for hop in range(5):
        server.redirect(f"/{hop}.xml", f"/{hop + 1}.xml", status=301)
    server.route("/5.xml", body=FEED)
    result = await fetcher.fetch(server.url("/0.xml"))
    assert isinstance(result, Fetched)
    assert result.permanent_url == server.url("/5.xml")


async def test_a_redirect_to_another_scheme_is_refused(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.redirect("/feed.xml", "file:///etc/passwd", status=301)
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "http_error"


async def test_410_is_gone_for_good(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", status=410, body=b"gone")
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert (error.kind, error.permanent, error.status) == ("gone", True, 410)
    assert error.message.startswith("HTTP 410 Gone from 127.0.0.1")


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, "unauthorized"),
        (403, "unauthorized"),
        (404, "not_found"),
        (400, "http_error"),
        (500, "server_error"),
        (502, "server_error"),
        (503, "server_error"),
    ],
)
async def test_http_errors_are_classified_and_not_permanent(
    server: FeedServer, fetcher: Fetcher, status: int, kind: str
) -> None:
    server.route("/feed.xml", status=status, body=b"<html>error</html>")
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert (error.kind, error.status, error.permanent) == (kind, status, False)
    assert error.message.startswith(f"HTTP {status} ")


async def test_503_message_names_the_status_and_host(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", status=503, headers={"Retry-After": "30"})
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.message == "HTTP 503 Service Unavailable from 127.0.0.1"
    assert error.retry_after == 30


async def test_429_carries_retry_after_in_seconds(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", status=429, headers={"Retry-After": "120"})
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert (error.kind, error.retry_after) == ("rate_limited", 120.0)


async def test_429_carries_retry_after_given_as_a_date(
    server: FeedServer, fetcher: Fetcher
) -> None:
    when = datetime.now(UTC) + timedelta(minutes=10)
    server.route(
        "/feed.xml", status=429, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.retry_after is not None
    assert 500 < error.retry_after <= 600


async def test_a_refused_connection_is_classified(fetcher: Fetcher) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = await fetch_error(fetcher, f"http://127.0.0.1:{port}/feed.xml")
    assert error.kind == "refused"
    assert error.message == "Connection refused by 127.0.0.1"


async def test_tls_to_a_plain_http_server_is_a_tls_error(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=FEED)
    error = await fetch_error(fetcher, server.url("/feed.xml").replace("http:", "https:"))
    assert error.kind == "tls"


async def test_an_unsupported_url_is_an_http_error(fetcher: Fetcher) -> None:
    error = await fetch_error(fetcher, "ftp://127.0.0.1/feed.xml")
    assert error.kind == "http_error"
    assert error.message == (
        "Invalid feed URL 'ftp://127.0.0.1/feed.xml': "
        "Request URL has an unsupported protocol 'ftp://'."
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("127.0.0.1/feed.xml", "Request URL is missing an 'http://' or 'https://' protocol."),
        ("//127.0.0.1/feed.xml", "Request URL is missing an 'http://' or 'https://' protocol."),
        ("http:///feed.xml", "Request URL is missing an 'http://' or 'https://' protocol."),
        ("http://127.0.0.1:99999/feed.xml", "Port out of range 0-65535"),
        ("http://[::1/feed.xml", "Invalid IPv6 URL"),
        (
            "http://exa\tmple.com/feed.xml",
            "Invalid non-printable ASCII character in URL, '\\t' at position 10.",
        ),
    ],
)
async def test_a_malformed_url_is_an_http_error_saying_why(
    fetcher: Fetcher, url: str, reason: str
) -> None:
    error = await fetch_error(fetcher, url)
    assert (error.kind, error.message) == ("http_error", f"Invalid feed URL {url!r}: {reason}")


async def test_the_url_goes_out_as_written_escapes_and_all(
    server: FeedServer, fetcher: Fetcher
) -> None:
    # A signed URL breaks if %7E becomes ~ or %3D becomes =; a space must still be encoded.
    server.route("/feed.xml", body=FEED)
    await fetcher.fetch(server.url("/feed.xml?sig=a%2Bb%3D&user=%7Eme&q=[x]&t=a b#top"))
    assert server.requests[0].path == "/feed.xml?sig=a%2Bb%3D&user=%7Eme&q=[x]&t=a%20b"


def test_a_fetcher_made_outside_any_event_loop_fetches_in_the_loop_that_uses_it(
    server: FeedServer,
) -> None:
    # The Runtime builds its Fetcher before `asyncio.run` starts the loop it polls in.
    server.route("/feed.xml", body=FEED)
    fetcher = Fetcher(make_limits())

    async def poll_twice() -> list[Fetched | NotModified]:
        async with fetcher:
            return [await fetcher.fetch(server.url("/feed.xml")) for _ in range(2)]

    assert all(isinstance(r, Fetched) for r in asyncio.run(poll_twice()))


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


async def test_the_proxy_in_the_environment_is_used(
    server: FeedServer, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", server.base_url.replace("//", "//wire:s3cret@"))
    server.route("/feed.xml", body=FEED)
    async with Fetcher(make_limits()) as fetcher:
        result = await fetcher.fetch("http://feeds.invalid/feed.xml")
    assert isinstance(result, Fetched) and result.body == FEED
    sent = server.requests[0]
    assert sent.path == "http://feeds.invalid/feed.xml"  # the proxy form of the request
    assert sent.headers["proxy-authorization"] == "Basic " + b64encode(b"wire:s3cret").decode()


async def test_no_proxy_hosts_are_fetched_directly(
    server: FeedServer, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    no_proxy_env.setenv("NO_PROXY", "example.org,127.0.0.1")
    server.route("/feed.xml", body=FEED)
    async with Fetcher(make_limits()) as fetcher:
        assert isinstance(await fetcher.fetch(server.url("/feed.xml")), Fetched)
        error = await fetch_error(fetcher, "http://feeds.invalid/feed.xml")
    assert error.message == "Connection refused by feeds.invalid"  # it went to the proxy


@pytest.mark.parametrize(
    ("url", "proxied"),
    [
        ("http://example.com/feed", False),
        ("http://news.example.com/feed", False),
        ("http://badexample.com/feed", True),
        ("http://sub.org/feed", True),  # ".sub.org": its subdomains only
        ("http://a.sub.org/feed", False),
        ("http://10.1.2.3/feed", False),
        ("http://11.1.2.3/feed", True),
        ("http://[::1]:8080/feed", False),
        ("http://[::1]:8081/feed", True),
        ("http://other.net:8080/feed", False),
        ("http://other.net/feed", True),
        ("https://example.com/feed", False),
        ("https://feeds.org/feed", True),
    ],
)
def test_no_proxy_entries_match_as_curl_and_httpx_match_them(url: str, proxied: bool) -> None:
    proxies = Proxies(
        {
            "http": "proxy:3128",
            "https": "http://proxy:3128",
            "no": "example.com, .sub.org,10.0.0.0/8,[::1]:8080,other.net:8080",
        }
    )
    assert (proxies.for_url(urlsplit(url)) == "http://proxy:3128") is proxied


def test_a_socks_proxy_is_refused_rather_than_bypassed() -> None:
    with pytest.raises(ValueError, match="only http:// and https:// proxies"):
        Proxies({"all": "socks5://127.0.0.1:1080"})
