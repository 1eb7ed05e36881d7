"""A real HTTP server on 127.0.0.1 (ephemeral port) that tests program route by route.

    with FeedServer() as server:
        server.route("/feed.xml", body=b"<rss>...</rss>", etag='"v1"')
        server.redirect("/old", "/feed.xml", status=301)
        server.route("/slow", chunks=lambda: trickle(server.stopping))
        url = server.url("/feed.xml")

Or use the `feed_server` pytest fixture (register it in a conftest with
`from tests.feedserver import feed_server`). Requests are recorded in
`server.requests` so tests can check the headers the client sent.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

import pytest

ChunkSource = Callable[[], Iterable[bytes]]


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line is sent
    chunks: ChunkSource | None = None  # streamed with chunked encoding instead of `body`
    gzip: bool = False  # gzip `body` and send Content-Encoding: gzip
    etag: str | None = None  # answer 304 when If-None-Match matches
    last_modified: str | None = None  # answer 304 when If-Modified-Since equals it


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]  # lower-case keys
    at: float = 0.0  # time.monotonic() when it arrived


def trickle(stop: threading.Event, chunk: bytes = b" ", interval: float = 0.05) -> Iterator[bytes]:
    """One tiny chunk every `interval` seconds until the server stops (or the client leaves)."""
    yield b'<?xml version="1.0"?><rss version="2.0"><channel>'
    while not stop.wait(interval):
        yield chunk


def endless(total: int, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """`total` bytes generated lazily, so a 200 MB body costs the server no memory."""
    block = b"<!-- padding -->" * (chunk_size // 16)
    sent = 0
    while sent < total:
        piece = block[: total - sent]
        sent += len(piece)
        yield piece


def gzip_bomb(decompressed_size: int) -> bytes:
    """A small gzip member that inflates to `decompressed_size` zero bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(decompressed_size // len(zeros))]
    parts.append(packer.compress(bytes(decompressed_size % len(zeros))))
    parts.append(packer.flush())
    return b"".join(parts)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # keep pytest output clean

    def handle(self) -> None:
        # The client hanging up mid-connection is expected with hostile routes.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        owner = self.server.owner
        headers = {k.lower(): v for k, v in self.headers.items()}
        owner.requests.append(RecordedRequest(self.path, headers, time.monotonic()))
        route = owner.lookup(self.path)
        if route is None:
            self._send(Route(status=404, body=b"not found"))
            return
        if route.delay and owner.stopping.wait(route.delay):
            return
        try:
            if self._not_modified(route, headers):
                self._send(Route(status=304, headers=self._validator_headers(route)))
            else:
                self._send(route)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, as it should with hostile routes

    @staticmethod
    def _not_modified(route: Route, headers: dict[str, str]) -> bool:
        if route.etag is not None and "if-none-match" in headers:
            return headers["if-none-match"] == route.etag
        ims = headers.get("if-modified-since")
        return route.last_modified is not None and ims == route.last_modified

    @staticmethod
    def _validator_headers(route: Route) -> dict[str, str]:
        out = {}
        if route.etag:
            out["ETag"] = route.etag
        if route.last_modified:
            out["Last-Modified"] = route.last_modified
        return out

    def _send(self, route: Route) -> None:
        self.send_response(route.status)
        for name, value in {**self._validator_headers(route), **route.headers}.items():
            self.send_header(name, value)
        if route.chunks is not None:
            self._send_chunked(route.chunks())
            return
        body = gzip.compress(route.body) if route.gzip else route.body
        if route.gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if route.status != 304:
            self.wfile.write(body)

    def _send_chunked(self, chunks: Iterable[bytes]) -> None:
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # hostile routes may still be blocked in a write
    owner: FeedServer


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._routes: dict[str, Route] = {}
        self.requests: list[RecordedRequest] = []
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://{self._host}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, **options: object) -> Route:
        """Register (or replace) what `path` answers; options are Route fields."""
        route = Route(**options)  # type: ignore[arg-type]
        self._routes[path] = route
        return route

    def redirect(self, path: str, to: str, status: int = 301) -> Route:
        return self.route(path, status=status, headers={"Location": to})

    def lookup(self, raw_path: str) -> Route | None:
        return self._routes.get(raw_path) or self._routes.get(urlsplit(raw_path).path)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if urlsplit(r.path).path == path]

    def start(self) -> FeedServer:
        self._server = _Server((self._host, 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
