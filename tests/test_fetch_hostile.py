"""Hostile and slow servers fail only their own fetch, within the limits, in bounded memory."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Self

import pytest

from service.poll.fetch import Fetched, Fetcher, FetchError
from tests.feedserver import FeedServer, endless, gzip_bomb, trickle
from tests.test_fetch import FEED, fetch_error, make_limits

MAX_BYTES = 1_000_000
HOSTS = ("127.0.0.1", "localhost")
OK_FEED = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(FEED), FEED)


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


class LoopbackServer:
    """A raw HTTP/1.1 server on 127.0.0.1, in the test's own event loop: `answer` gets each
    request's head and writes the response (returning False hangs up)."""

    def __init__(self) -> None:
        self.requests = 0
        self.connections = 0
        self._open: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._open.values():
            writer.close()  # the handler sees the end of its stream and returns
        await asyncio.gather(*self._open, return_exceptions=True)
        await self._server.wait_closed()

    def url(self, host: str = "127.0.0.1", path: str = "/feed.xml") -> str:
        return f"http://{host}:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._open[task] = writer
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests += 1
                if not await self.answer(head, writer):
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client closed its kept-alive connection
        finally:
            writer.close()
            del self._open[task]

    async def answer(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        raise NotImplementedError


class EndlessHead(LoopbackServer):
    """A status line, then header fields for as long as the client listens."""

    async def answer(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\n")
        field = b"X-Pad: " + b"a" * 30_000 + b"\r\n"
        for _ in range(10_000):  # 300 MB
            writer.write(field)
            await writer.drain()
        return False


class InFlight(LoopbackServer):
    """Records how many requests overlap, overall and per Host."""

    def __init__(self, delay: float = 0.01) -> None:
        super().__init__()
        self.delay = delay
        self.now = 0
        self.peak = 0
        self.per_host: dict[str, int] = {}
        self.peak_per_host = 0

    async def answer(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        host = headers["host"].rsplit(":", 1)[0]
        self.now += 1
        self.per_host[host] = self.per_host.get(host, 0) + 1
        self.peak = max(self.peak, self.now)
        self.peak_per_host = max(self.peak_per_host, self.per_host[host])
        await asyncio.sleep(self.delay)
        self.now -= 1
        self.per_host[host] -= 1
        writer.write(OK_FEED)
        return True


async def test_an_endless_response_head_fails_in_bounded_memory(traced: None) -> None:
    async with EndlessHead() as server, Fetcher(make_limits(timeout=5.0)) as fetcher:
        error = await fetch_error(fetcher, server.url())
    assert error.kind == "connection"
    assert peak_mb() < 16


async def test_requests_to_one_host_never_exceed_the_per_host_limit() -> None:
    limits = make_limits(per_host=2, concurrency=8)
    async with InFlight() as server, Fetcher(limits) as fetcher:
        urls = [server.url(path=f"/{n}.xml") for n in range(8)]
        results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert all(isinstance(r, Fetched) for r in results)
    assert server.peak_per_host == 2


async def test_requests_overall_never_exceed_the_concurrency_limit() -> None:
    # Two host names for one server: the per-host limits would allow four at once.
    limits = make_limits(per_host=2, concurrency=3)
    async with InFlight() as server, Fetcher(limits) as fetcher:
        urls = [server.url(host, f"/{n}.xml") for n in range(5) for host in HOSTS]
        results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert all(isinstance(r, Fetched) for r in results)
    assert server.peak == 3
    assert server.peak_per_host == 2


async def test_connections_are_kept_alive_between_fetches() -> None:
    async with InFlight(delay=0) as server, Fetcher(make_limits()) as fetcher:
        for n in range(5):
            assert isinstance(await fetcher.fetch(server.url(path=f"/{n}.xml")), Fetched)
    assert (server.requests, server.connections) == (5, 1)


@dataclass(frozen=True)
class ThenHangUp:
    answer: bytes


class Scripted(LoopbackServer):
    """Answers the n-th request as the n-th script entry says (the last one repeats):
    bytes are sent and the connection kept; ThenHangUp(bytes) sends, then hangs up; None
    hangs up without answering, like a server closing an idle kept-alive connection just
    as a request comes in."""

    def __init__(self, *script: bytes | ThenHangUp | None) -> None:
        super().__init__()
        self.script = script

    async def answer(self, head: bytes, writer: asyncio.StreamWriter) -> bool:
        entry = self.script[min(self.requests, len(self.script)) - 1]
        if isinstance(entry, ThenHangUp):
            writer.write(entry.answer)
            return False
        if entry is not None:
            writer.write(entry)
        return entry is not None


async def test_a_kept_alive_connection_the_server_closed_is_retried_on_a_new_one() -> None:
    # The second request goes out on the kept-alive connection, which the server drops.
    async with Scripted(OK_FEED, None, OK_FEED) as server, Fetcher(make_limits()) as fetcher:
        assert isinstance(await fetcher.fetch(server.url()), Fetched)
        second = await fetcher.fetch(server.url())
    assert isinstance(second, Fetched) and second.body == FEED
    assert (server.requests, server.connections) == (3, 2)


async def test_a_server_that_always_hangs_up_is_retried_once_then_fails() -> None:
    async with Scripted(None) as server, Fetcher(make_limits()) as fetcher:
        error = await fetch_error(fetcher, server.url())
    assert error.kind == "connection"
    assert error.message == (
        "Connection to 127.0.0.1 failed: Server disconnected without sending a response."
    )
    assert server.requests == 2


async def test_a_body_cut_short_says_how_much_arrived() -> None:
    short = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"
    async with Scripted(ThenHangUp(short)) as server, Fetcher(make_limits()) as fetcher:
        error = await fetch_error(fetcher, server.url())
    assert error.kind == "connection"
    assert error.message == (
        "Connection to 127.0.0.1 failed: peer closed connection without sending complete "
        "message body (received 10 bytes, expected 100)"
    )


async def test_a_response_that_is_not_http_is_a_connection_error() -> None:
    not_http = ThenHangUp(b"garbage\r\n\r\n")
    async with Scripted(not_http) as server, Fetcher(make_limits()) as fetcher:
        error = await fetch_error(fetcher, server.url())
    assert error.kind == "connection"
    assert error.message.startswith("Connection to 127.0.0.1 failed: Bad status line")
    assert "\n" not in error.message


async def test_repeated_response_headers_are_joined_and_non_ascii_ones_read_as_latin_1() -> None:
    answer = (
        b'HTTP/1.1 200 OK\r\nX-Tag: a\r\nx-tag: b\r\nETag: "\xe9t\xe9"\r\n'
        b"Content-Length: %d\r\n\r\n%s" % (len(FEED), FEED)
    )
    async with Scripted(answer) as server, Fetcher(make_limits()) as fetcher:
        result = await fetcher.fetch(server.url())
    assert isinstance(result, Fetched)
    assert result.headers["x-tag"] == "a, b"
    assert result.validators.etag == '"été"'
