"""Fetch stage: one polite, bounded, conditional GET of a feed URL.

`Fetcher.fetch()` returns `Fetched` (a body to parse), `NotModified` (a 304), or
raises `FetchError` (classified in service.fetch_errors). It never parses.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from service.fetch_body import ACCEPT_ENCODING, GZIP_MAGIC, gunzip_limited, read_limited, too_large
from service.fetch_errors import (
    FetchError,
    FetchErrorKind,
    classify_exception,
    classify_http_error,
    host_of,
)

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
# True: the hop says the resource moved for good (RFC 9110 15.4).
REDIRECTS = {301: True, 308: True, 302: False, 303: False, 307: False}


@dataclass(frozen=True)
class FetchLimits:
    timeout: float  # total seconds for the whole request chain, body included
    max_bytes: int  # decompressed
    per_host: int
    concurrency: int
    user_agent: str
    max_redirects: int = 5


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL, after redirects
    permanent_url: str | None  # where a 301/308 chain says the source now lives
    status: int
    headers: Mapping[str, str]  # lower-case keys
    body: bytes  # decompressed
    body_hash: str  # sha256 hex of body
    validators: Validators
    cache_seconds: int | None
    elapsed_ms: int


@dataclass(frozen=True)
class NotModified:
    url: str
    permanent_url: str | None
    validators: Validators
    cache_seconds: int | None
    elapsed_ms: int


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
    # Loading the CA bundle costs ~0.1 s; do it once per process, not once per client.
    return httpx.create_ssl_context()


def body_unchanged(fetched: Fetched, previous_hash: str | None) -> bool:
    return previous_hash is not None and fetched.body_hash == previous_hash


def cache_seconds(headers: Mapping[str, str], now: datetime | None = None) -> int | None:
    """How long the server says the response stays fresh (RFC 9111 4.2.1), or None."""
    for directive in headers.get("cache-control", "").lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name == "max-age":
            try:
                return max(0, int(value.strip().strip('"')))
            except ValueError:
                return 0  # RFC 9111 4.2.1: an invalid max-age means stale
    expires = headers.get("expires")
    if expires is None:
        return None
    try:
        when = parsedate_to_datetime(expires)
        base = parsedate_to_datetime(headers["date"]) if "date" in headers else None
    except (TypeError, ValueError, IndexError):
        return 0  # "Expires: 0" and other invalid dates mean already expired
    base = base or now or datetime.now(UTC)
    when, base = (d if d.tzinfo else d.replace(tzinfo=UTC) for d in (when, base))
    return max(0, int((when - base).total_seconds()))


def _request_headers(validators: Validators) -> dict[str, str]:
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


class Fetcher:
    """One per process: a shared httpx.AsyncClient behind global and per-host limits."""

    def __init__(self, limits: FetchLimits, transport: httpx.AsyncBaseTransport | None = None):
        self._limits = limits
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=_tls_context(),
            follow_redirects=False,  # we count hops and tell permanent from temporary
            timeout=httpx.Timeout(limits.timeout, connect=min(limits.timeout, 10.0)),
            limits=httpx.Limits(
                max_connections=limits.concurrency,
                max_keepalive_connections=limits.concurrency,
            ),
            headers={
                "User-Agent": limits.user_agent,
                "Accept": ACCEPT,
                # Only codings fetch_body can inflate with bounded memory.
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )
        self._global = asyncio.Semaphore(limits.concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = {}

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
        await self._client.aclose()

    async def fetch(self, url: str, validators: Validators = Validators()) -> Fetched | NotModified:
        chain = _Chain(url)
        while True:
            response = await self._send_limited(chain, validators)
            if response.location is None:
                return self._outcome(chain, response, validators)
            self._follow(chain, response)

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._per_host:
            self._per_host[host] = asyncio.Semaphore(self._limits.per_host)
        return self._per_host[host]

    async def _send_limited(self, chain: _Chain, validators: Validators) -> _Response:
        # Host slot first: waiting for a busy host must not hold a global slot.
        async with self._host_slot(chain.url), self._global:
            loop = asyncio.get_running_loop()
            if chain.started is None:  # queueing for a slot is not the server's time
                chain.started = loop.time()
            deadline = chain.started + self._limits.timeout
            try:
                async with asyncio.timeout_at(deadline):
                    return await self._send(chain.url, validators)
            except FetchError:
                raise
            except (httpx.HTTPError, OSError, zlib.error) as exc:  # TimeoutError is an OSError
                raise classify_exception(exc, chain.url, self._limits.timeout) from exc

    async def _send(self, url: str, validators: Validators) -> _Response:
        async with self._client.stream("GET", url, headers=_request_headers(validators)) as resp:
            status = resp.status_code
            headers = {k.lower(): v for k, v in resp.headers.items()}
            if status in REDIRECTS and "location" in headers:
                return _Response(status, headers, location=headers["location"])
            if status == 304:
                return _Response(status, headers)
            if not 200 <= status < 300:
                raise classify_http_error(status, url, headers, resp.reason_phrase)
            return _Response(status, headers, await self._read_body(resp, headers))

    async def _read_body(self, resp: httpx.Response, headers: Mapping[str, str]) -> bytes:
        max_bytes = self._limits.max_bytes
        encoding = headers.get("content-encoding")
        declared = headers.get("content-length", "")
        if not encoding and declared.isdigit() and int(declared) > max_bytes:
            raise too_large(max_bytes)  # no need to download what we would throw away
        if resp.is_stream_consumed:
            # Built in memory and already decoded by httpx (httpx.MockTransport in tests).
            body = resp.content
            if len(body) > max_bytes:
                raise too_large(max_bytes)
            encoding = "identity"
        else:
            body = await read_limited(resp.aiter_raw(), encoding, max_bytes)
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
        target = urljoin(chain.url, response.location.strip())
        if urlsplit(target).scheme not in ("http", "https"):
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
