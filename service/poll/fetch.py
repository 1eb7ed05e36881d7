"""Fetch stage: one polite, bounded, conditional GET of a feed URL.

`Fetcher.fetch()` returns `Fetched` (a body to parse), `NotModified` (a 304), or
raises `FetchError` (classified in classify.py). It never parses.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import ssl
import urllib.request
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import aiohttp
import certifi

from service.poll.body import ACCEPT_ENCODING, GZIP_MAGIC, gunzip_limited, read_limited, too_large
from service.poll.classify import classify_exception, classify_http_error, incomplete_body
from service.poll.errors import FetchError, FetchErrorKind, host_of
from service.poll.response import (
    Fetched,
    FetchLimits,
    NotModified,
    Validators,
    body_unchanged,
    cache_seconds,
)
from service.poll.wire import Proxies, Target, response_headers, wire_target

__all__ = [
    "Fetched",
    "FetchError",
    "FetchErrorKind",
    "Fetcher",
    "FetchLimits",
    "NotModified",
    "Validators",
    "body_unchanged",
    "cache_seconds",
    "classify_exception",
    "classify_http_error",
]

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, "
    "application/json;q=0.5, */*;q=0.1"
)
NO_VALIDATORS = Validators()  # a first poll: nothing to be conditional on
# True: the hop says the resource moved for good (RFC 9110 15.4).
REDIRECTS = {301: True, 308: True, 302: False, 303: False, 307: False}
CONNECT_TIMEOUT = 10.0  # seconds, at most; the total deadline still bounds it
KEEPALIVE_SECONDS = 5.0  # idle connections kept this long (httpx's default expiry)
# Longest status line or header field accepted. httpx took 100 KB of response head in all;
# aiohttp bounds each field (default 8 KB) and, since 3.13.4, the number of fields (128).
MAX_HEAD_FIELD = 32 * 1024


@dataclass
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    location: str | None = None


@dataclass
class _Chain:
    """Where a redirect chain has got to, and whether it is still all permanent hops."""

    url: str
    hops: int = 0
    all_permanent: bool = True
    permanent_url: str | None = None
    started: float | None = None
    history: list[str] = field(default_factory=list)


@cache
def _tls_context() -> ssl.SSLContext:
    """Certificate verification as httpx did it: SSL_CERT_FILE or SSL_CERT_DIR if set, else
    certifi's CA bundle. Loading a bundle costs ~0.1 s: once per process, not per session."""
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())


def _request_headers(validators: Validators) -> dict[str, str]:
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


class Fetcher:
    """One per process: a shared aiohttp.ClientSession behind global and per-host limits.

    The session is made on first use, in the running event loop: a Runtime builds its
    Fetcher before any loop runs."""

    def __init__(self, limits: FetchLimits):
        self._limits = limits
        self._proxies = Proxies(urllib.request.getproxies())
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._global = asyncio.Semaphore(limits.concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = {}

    @property
    def limits(self) -> FetchLimits:
        return self._limits

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def _session_now(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is not None and self._loop is loop:
            return self._session
        if self._closed:
            raise RuntimeError("Cannot fetch with a Fetcher that has been closed")
        if self._session is not None:
            # Its connections belong to the other loop (as httpx's did): one loop a Fetcher.
            raise RuntimeError("A Fetcher fetches in the one event loop it first ran in")
        self._session, self._loop = self._new_session(), loop
        return self._session

    def _new_session(self) -> aiohttp.ClientSession:
        limits = self._limits
        connect = min(limits.timeout, CONNECT_TIMEOUT)
        connector = aiohttp.TCPConnector(
            # Our semaphores do the limiting (per host name, queueing outside the deadline);
            # the pool's limits are the same numbers, so it never queues a request itself.
            limit=limits.concurrency,
            limit_per_host=limits.per_host,
            keepalive_timeout=KEEPALIVE_SECONDS,
            ssl=_tls_context(),
            resolver=aiohttp.ThreadedResolver(),  # the system resolver, even if aiodns is around
        )
        return aiohttp.ClientSession(
            connector=connector,
            headers={
                "User-Agent": limits.user_agent,
                "Accept": ACCEPT,
                # Only codings body.py can inflate with bounded memory.
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            # The total deadline is ours (asyncio.timeout_at over the redirect chain).
            timeout=aiohttp.ClientTimeout(total=None, connect=connect, sock_connect=connect),
            auto_decompress=False,  # body.py inflates, bounded
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # kept across requests, as httpx did
            trust_env=False,  # see Proxies
            max_line_size=MAX_HEAD_FIELD,
            max_field_size=MAX_HEAD_FIELD,
        )

    async def fetch(
        self, url: str, validators: Validators = NO_VALIDATORS
    ) -> Fetched | NotModified:
        chain = _Chain(url)
        while True:
            response = await self._send_limited(chain, validators)
            if response.location is None:
                return self._outcome(chain, response, validators)
            self._follow(chain, response)

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        if host not in self._per_host:
            self._per_host[host] = asyncio.Semaphore(self._limits.per_host)
        return self._per_host[host]

    async def _send_limited(self, chain: _Chain, validators: Validators) -> _Response:
        target = wire_target(chain.url, self._proxies)
        # Host slot first: waiting for a busy host must not hold a global slot.
        async with self._host_slot(target.host), self._global:
            loop = asyncio.get_running_loop()
            if chain.started is None:  # queueing for a slot is not the server's time
                chain.started = loop.time()
            deadline = chain.started + self._limits.timeout
            try:
                async with asyncio.timeout_at(deadline):
                    return await self._send(chain.url, target, validators)
            except FetchError:
                raise
            # TimeoutError is an OSError; UnicodeError: a host name IDNA cannot encode.
            except (aiohttp.ClientError, OSError, zlib.error, UnicodeError) as exc:
                raise classify_exception(exc, chain.url, self._limits.timeout) from exc

    async def _send(self, url: str, target: Target, validators: Validators) -> _Response:
        # A GET on a kept-alive connection that the server closed meanwhile is retried once
        # by aiohttp itself, on another connection (RFC 9112 9.3.1: GET is idempotent).
        async with self._session_now().get(
            target.url,
            headers=_request_headers(validators),
            allow_redirects=False,  # we count hops and tell permanent from temporary
            proxy=target.proxy,
        ) as resp:
            status = resp.status
            headers = response_headers(resp.raw_headers)
            if status in REDIRECTS and "location" in headers:
                return _Response(status, headers, location=headers["location"])
            if status == 304:
                return _Response(status, headers)
            if not 200 <= status < 300:
                raise classify_http_error(status, url, headers, resp.reason)
            return _Response(status, headers, await self._read_body(resp, url, headers))

    async def _read_body(
        self, resp: aiohttp.ClientResponse, url: str, headers: Mapping[str, str]
    ) -> bytes:
        max_bytes = self._limits.max_bytes
        encoding = headers.get("content-encoding")
        declared = headers.get("content-length", "")
        if not encoding and declared.isdigit() and int(declared) > max_bytes:
            raise too_large(max_bytes)  # no need to download what we would throw away
        try:
            # Raw bytes as they arrive (auto_decompress=False): we inflate, bounded.
            body = await read_limited(resp.content.iter_any(), encoding, max_bytes)
        except aiohttp.ClientPayloadError as exc:
            raise incomplete_body(exc, url, resp.content.total_bytes, declared) from exc
        if body.startswith(GZIP_MAGIC) and (encoding or "").lower() not in ("gzip", "x-gzip"):
            body = gunzip_limited(body, max_bytes)  # a .gz file served as the feed itself
        return body

    def _follow(self, chain: _Chain, response: _Response) -> None:
        assert response.location is not None
        chain.hops += 1
        chain.history.append(chain.url)
        if chain.hops > self._limits.max_redirects:
            raise FetchError(
                "too_many_redirects",
                f"More than {self._limits.max_redirects} redirects, starting at "
                f"{host_of(chain.history[0])}",
                status=response.status,
            )
        try:
            target = urljoin(chain.url, response.location.strip())
            scheme = urlsplit(target).scheme
        except ValueError:  # e.g. "http://[bad": not a URL at all
            target, scheme = response.location.strip(), ""
        if scheme not in ("http", "https"):
            raise FetchError("http_error", f"Redirect to unsupported URL {target!r}")
        # A permanent hop after a temporary one proves nothing about the stored URL.
        chain.all_permanent = chain.all_permanent and REDIRECTS[response.status]
        if chain.all_permanent:
            chain.permanent_url = target
        chain.url = target

    def _outcome(
        self, chain: _Chain, response: _Response, sent: Validators
    ) -> Fetched | NotModified:
        assert chain.started is not None
        elapsed_ms = int((asyncio.get_running_loop().time() - chain.started) * 1000)
        headers = response.headers
        validators = Validators(
            etag=headers.get("etag") or (sent.etag if response.status == 304 else None),
            last_modified=headers.get("last-modified")
            or (sent.last_modified if response.status == 304 else None),
        )
        permanent_url = chain.permanent_url
        if chain.history and permanent_url == chain.history[0]:
            permanent_url = None  # moved away and back again: nothing to store
        if response.status == 304:
            return NotModified(
                chain.url, permanent_url, validators, cache_seconds(headers), elapsed_ms
            )
        return Fetched(
            url=chain.url,
            permanent_url=permanent_url,
            status=response.status,
            headers=headers,
            body=response.body,
            body_hash=hashlib.sha256(response.body).hexdigest(),
            validators=validators,
            cache_seconds=cache_seconds(headers),
            elapsed_ms=elapsed_ms,
        )
