"""Parse stage: response bytes + headers -> ParsedFeed, or FetchError.

feedparser only ever sees an in-memory stream: given a str it would treat it as
a URL or a file path and go and read it. Entities: feedparser turns external
entities off and drops nested declarations; guard.py drops the long
plain-text ones it would still expand (see tests/test_parse_hostile.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import feedparser
from feedparser.exceptions import ThingsNobodyCaresAboutButMe

from service.domain import ParsedFeed
from service.poll import entries
from service.poll.charset import relabel_utf8
from service.poll.entries import parsed_feed, usable_entries
from service.poll.errors import FetchError, host_of
from service.poll.guard import install as install_entity_guard
from service.poll.parse_fast import parse_simple
from service.poll.parse_json import looks_like_json, parse_json_feed

__all__ = ["parse_feed"]

install_entity_guard()

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)
_BLANK = b" \t\r\n\x00\xef\xbb\xbf"  # whitespace, NULs and a UTF-8 BOM


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    if _is_blank(body):
        raise FetchError("empty", f"Empty response from {host_of(url)}")
    if looks_like_json(body, headers.get("content-type", "")):
        return parse_json_feed(body, url)
    headers = relabel_utf8(body, headers) or headers
    # Plain RSS 2.0 / Atom 1.0 without feedparser; it maps what it reads as we do (entries.py).
    fast = parse_simple(body, headers, url)
    if fast is not None:
        return fast
    result = _feedparser(body, headers)
    warnings = _warnings(result)
    if not result.entries and (repaired := _without_undeclared_prefix(body)):
        retry = _feedparser(repaired, headers)
        if retry.entries:
            result, warnings = retry, (*warnings, "Undeclared rss:/atom: prefix ignored")
    entries = usable_entries(result.entries, headers.get("content-language"))
    if not entries:
        _reject_if_not_a_feed(result, body, url)
    return parsed_feed(result.feed, entries, warnings)


def _feedparser(body: bytes, headers: Mapping[str, str]) -> Any:
    return feedparser.parse(
        io.BytesIO(body),
        response_headers=_feedparser_headers(headers),
        sanitize_html=entries.SANITIZE_HTML,
        resolve_relative_uris=entries.RESOLVE_RELATIVE_URIS,
    )


def _without_undeclared_prefix(body: bytes) -> bytes | None:
    """Some generators write <rss:item> without declaring xmlns:rss; read it as <item>."""
    for prefix in (b"rss", b"atom"):
        if b"<" + prefix + b":" in body and b"xmlns:" + prefix not in body:
            return re.sub(rb"(</?|\s)" + prefix + rb":(?=\w)", rb"\1", body)
    return None


def _is_blank(body: bytes) -> bool:
    # Check a prefix first so that a large body is not copied just to strip it.
    return not body[:4096].strip(_BLANK) and not body.strip(_BLANK)


def _feedparser_headers(headers: Mapping[str, str]) -> dict[str, str]:
    # No base URI: feedparser would also "resolve" permalink guids against it, and a
    # guid that changes when the feed URL moves would re-announce every entry.
    # Relative links are resolved by normalize_entry against the final feed URL.
    return {**{k.lower(): v for k, v in headers.items()}, "content-location": ""}


def _reject_if_not_a_feed(result: Any, body: bytes, url: str) -> None:
    """A feed with no entries is fine if it really is a feed; otherwise say what it was."""
    host = host_of(url)
    if _HTML_START.match(body[:4096]) and not result.get("version"):
        raise FetchError("not_a_feed", f"Got an HTML page instead of a feed from {host}")
    error = result.get("bozo_exception") if result.get("bozo") else None
    if error is not None and not isinstance(error, ThingsNobodyCaresAboutButMe):
        raise FetchError("parse_error", f"Feed from {host} could not be parsed: {error}")
    if not result.get("version"):
        raise FetchError("not_a_feed", f"Not an RSS, Atom or JSON feed from {host}")


def _warnings(result: Any) -> tuple[str, ...]:
    error = result.get("bozo_exception") if result.get("bozo") else None
    return () if error is None else (f"{type(error).__name__}: {error}",)
