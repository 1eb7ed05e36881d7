"""Read a response body with a hard cap on DECOMPRESSED bytes.

HTTP clients' own decoders (httpx's, aiohttp's auto_decompress) inflate each network
chunk without an output limit, so one 64 KB chunk of a gzip bomb can become ~64 MB in
memory before we could count it. Here zlib is asked for at most "what is left of the
budget + 1" bytes at a time, so memory stays proportional to `max_bytes` whatever the
compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from service.poll.errors import FetchError, format_size

GZIP_MAGIC = b"\x1f\x8b"
# Content codings we can inflate with a bounded output; brotli/zstd are not
# advertised because their decoders here cannot bound a single call's output.
ACCEPT_ENCODING = "gzip, deflate"
_GZIP_WBITS = 16 + zlib.MAX_WBITS


class _Inflater:
    """Incremental zlib/gzip/raw-deflate decoder whose output is bounded per call."""

    def __init__(self, wbits: int | None) -> None:
        self._wbits = wbits  # None: decide zlib vs raw deflate from the first bytes
        self._z: zlib._Decompress | None = None

    def _start(self, first: bytes) -> zlib._Decompress:
        if self._wbits is None:
            # RFC 9110 says "deflate" is zlib-wrapped, but some servers send raw deflate.
            is_zlib = (
                len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
            )
            self._wbits = zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS
        return zlib.decompressobj(self._wbits)

    def decode(self, data: bytes, budget: int) -> bytes:
        """Inflate `data`, returning at most `budget` (>= 1) bytes."""
        out = bytearray()
        while data and len(out) < budget:
            if self._z is None:
                self._z = self._start(data)
            out += self._z.decompress(data, budget - len(out))
            if self._z.unconsumed_tail:
                break  # budget reached; the caller reports "too large"
            if not self._z.eof:
                break
            # A gzip body may hold several members (RFC 1952 2.2); anything else
            # after the end of the stream (zero padding, garbage) is ignored.
            data, self._z = self._z.unused_data, None
            if self._wbits != _GZIP_WBITS or not data.startswith(GZIP_MAGIC):
                break
        return bytes(out)


class _Identity:
    def decode(self, data: bytes, budget: int) -> bytes:
        return data


def decoder_for(content_encoding: str | None) -> _Inflater | _Identity:
    coding = (content_encoding or "").strip().lower()
    if coding in ("gzip", "x-gzip"):
        return _Inflater(_GZIP_WBITS)
    if coding == "deflate":
        return _Inflater(None)
    if coding in ("", "identity"):
        return _Identity()
    raise FetchError("parse_error", f"Unsupported Content-Encoding {content_encoding!r}")


def too_large(max_bytes: int) -> FetchError:
    return FetchError("too_large", f"Body larger than {format_size(max_bytes)} limit")


async def read_limited(
    chunks: AsyncIterator[bytes], content_encoding: str | None, max_bytes: int
) -> bytes:
    """Join raw (still encoded) chunks into the decoded body; FetchError past max_bytes."""
    decoder = decoder_for(content_encoding)
    body = bytearray()
    async for raw in chunks:
        body += decoder.decode(raw, max_bytes - len(body) + 1)
        if len(body) > max_bytes:
            raise too_large(max_bytes)
    return bytes(body)


def gunzip_limited(body: bytes, max_bytes: int) -> bytes:
    """Inflate a body that is gzip data served without Content-Encoding (seen in the wild)."""
    out = _Inflater(_GZIP_WBITS).decode(body, max_bytes + 1)
    if len(out) > max_bytes:
        raise too_large(max_bytes)
    return out
