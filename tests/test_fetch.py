"""Fetcher against a real HTTP server on loopback: conditional GET, redirects, HTTP errors."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from service.fetch import (
    Fetched,
    Fetcher,
    FetchError,
    FetchLimits,
    NotModified,
    Validators,
    body_unchanged,
)
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
