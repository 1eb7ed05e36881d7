"""Hostile and slow servers fail only their own fetch, within the limits, in bounded memory."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator
from functools import cache

import httpx
import pytest

from service.fetch import Fetched, Fetcher, FetchError
from tests.feedserver import FeedServer, endless, gzip_bomb, trickle
from tests.test_fetch import FEED, fetch_error, make_limits

MAX_BYTES = 1_000_000


@cache
def bomb() -> bytes:
    return gzip_bomb(100 * 1024 * 1024)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(make_limits(timeout=1.0, max_bytes=MAX_BYTES)) as f:
        yield f


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def peak_mb() -> float:
    return tracemalloc.get_traced_memory()[1] / 1e6


async def test_a_server_that_never_answers_times_out(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", body=FEED, delay=30)
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "timeout"
    assert error.message == "Timed out after 1 s waiting for 127.0.0.1"


async def test_a_server_trickling_bytes_forever_is_cut_off_by_the_total_deadline(
    server: FeedServer, fetcher: Fetcher
) -> None:
    # Each byte arrives well within the read timeout; only the total deadline can stop it.
    server.route("/feed.xml", chunks=lambda: trickle(server.stopping, interval=0.05))
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "timeout"


async def test_a_200_mb_body_fails_as_too_large_in_bounded_memory(
    server: FeedServer, fetcher: Fetcher, traced: None
) -> None:
    server.route("/feed.xml", chunks=lambda: endless(200 * 1024 * 1024))
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "too_large"
    assert error.message == "Body larger than 1.0 MB limit"
    assert peak_mb() < 16


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=b"x" * (MAX_BYTES + 1))
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "too_large"


async def test_a_gzip_bomb_fails_as_too_large_in_bounded_memory(
    server: FeedServer, fetcher: Fetcher, traced: None
) -> None:
    compressed = bomb()
    assert len(compressed) < MAX_BYTES  # small on the wire, 100 MB inflated
    server.route("/feed.xml", body=compressed, headers={"Content-Encoding": "gzip"})
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "too_large"
    assert peak_mb() < 16


async def test_a_gzip_bomb_without_content_encoding_is_also_bounded(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=bomb(), headers={"Content-Type": "application/x-gzip"})
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "too_large"


async def test_a_gzipped_feed_is_decompressed(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", body=FEED, gzip=True)
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert isinstance(result, Fetched)
    assert result.body == FEED


async def test_a_multi_member_gzip_body_is_decompressed_whole(
    server: FeedServer, fetcher: Fetcher
) -> None:
    body = gzip.compress(FEED[:20]) + gzip.compress(FEED[20:])
    server.route("/feed.xml", body=body, headers={"Content-Encoding": "gzip"})
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert isinstance(result, Fetched)
    assert result.body == FEED


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
async def test_deflate_is_decompressed_whether_wrapped_or_raw(
    server: FeedServer, fetcher: Fetcher, wbits: int
) -> None:
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = packer.compress(FEED) + packer.flush()
    server.route("/feed.xml", body=body, headers={"Content-Encoding": "deflate"})
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert isinstance(result, Fetched)
    assert result.body == FEED


async def test_a_gzip_file_served_as_the_feed_is_decompressed(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml.gz", body=gzip.compress(FEED))
    result = await fetcher.fetch(server.url("/feed.xml.gz"))
    assert isinstance(result, Fetched)
    assert result.body == FEED


async def test_corrupt_gzip_is_a_parse_error(server: FeedServer, fetcher: Fetcher) -> None:
    server.route(
        "/feed.xml", body=b"\x1f\x8b\x08garbage-garbage", headers={"Content-Encoding": "gzip"}
    )
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "parse_error"


async def test_an_unknown_content_encoding_is_a_parse_error(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=b"\x00\x01", headers={"Content-Encoding": "br"})
    error = await fetch_error(fetcher, server.url("/feed.xml"))
    assert error.kind == "parse_error"


async def test_a_hostile_source_does_not_delay_a_healthy_one(server: FeedServer) -> None:
    server.route("/slow.xml", chunks=lambda: trickle(server.stopping))
    server.route("/feed.xml", body=FEED)
    async with Fetcher(make_limits(timeout=2.0, per_host=2)) as fetcher:
        slow = asyncio.create_task(fetcher.fetch(server.url("/slow.xml")))
        await asyncio.sleep(0)  # let the slow one start first
        healthy = await fetcher.fetch(server.url("/feed.xml"))
        assert isinstance(healthy, Fetched)
        assert not slow.done()
        with pytest.raises(FetchError):
            await slow


class InFlight:
    """A MockTransport handler that records how many requests overlap."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.per_host: dict[str, int] = {}
        self.peak_per_host = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.now += 1
        self.per_host[host] = self.per_host.get(host, 0) + 1
        self.peak = max(self.peak, self.now)
        self.peak_per_host = max(self.peak_per_host, self.per_host[host])
        await asyncio.sleep(0.01)
        self.now -= 1
        self.per_host[host] -= 1
        return httpx.Response(200, content=FEED)


async def test_requests_to_one_host_never_exceed_the_per_host_limit() -> None:
    handler = InFlight()
    limits = make_limits(per_host=2, concurrency=8)
    async with Fetcher(limits, transport=httpx.MockTransport(handler)) as fetcher:
        urls = [f"http://one.example/{n}.xml" for n in range(8)]
        await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert handler.peak_per_host == 2


async def test_requests_overall_never_exceed_the_concurrency_limit() -> None:
    handler = InFlight()
    limits = make_limits(per_host=2, concurrency=3)
    async with Fetcher(limits, transport=httpx.MockTransport(handler)) as fetcher:
        urls = [f"http://host{n}.example/feed.xml" for n in range(10)]
        await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert handler.peak == 3
