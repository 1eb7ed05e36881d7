"""Parse stage: response bytes + headers -> ParsedFeed, or FetchError.

feedparser only ever sees an in-memory stream: given a str it would treat it as
a URL or a file path and go and read it. Entities: feedparser turns external
entities off and drops nested declarations; service.parse_guard drops the long
plain-text ones it would still expand (see tests/test_parse_hostile.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.exceptions import ThingsNobodyCaresAboutButMe

from service.domain import Entry, ParsedFeed
from service.poll.charset import relabel_utf8
from service.poll.errors import FetchError, host_of
from service.poll.guard import install as install_entity_guard
from service.poll.parse_fast import parse_simple
from service.poll.parse_json import looks_like_json, parse_json_feed

__all__ = ["parse_feed"]

install_entity_guard()

# We keep plain text, so feedparser's HTML sanitiser and relative-URI rewriting of
# embedded HTML are wasted work (they roughly double parse time on real feeds).
# Entry links are still resolved: that is done separately from these options.
SANITIZE_HTML = False
RESOLVE_RELATIVE_URIS = False

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)
_BLANK = b" \t\r\n\x00\xef\xbb\xbf"  # whitespace, NULs and a UTF-8 BOM
_SY_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400, "monthly": 30 * 86400,
               "yearly": 365 * 86400}  # fmt: skip


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    if _is_blank(body):
        raise FetchError("empty", f"Empty response from {host_of(url)}")
    if looks_like_json(body, headers.get("content-type", "")):
        return parse_json_feed(body, url)
    headers = relabel_utf8(body, headers) or headers
    # Plain RSS 2.0 / Atom 1.0 without feedparser; it maps what it reads with _entry & co.
    fast = parse_simple(body, headers, url)
    if fast is not None:
        return fast
    result = _feedparser(body, headers)
    warnings = _warnings(result)
    if not result.entries and (repaired := _without_undeclared_prefix(body)):
        retry = _feedparser(repaired, headers)
        if retry.entries:
            result, warnings = retry, (*warnings, "Undeclared rss:/atom: prefix ignored")
    base_lang = headers.get("content-language")
    entries = tuple(e for e in (_entry(raw, base_lang) for raw in result.entries) if _usable(e))
    if not entries:
        _reject_if_not_a_feed(result, body, url)
    feed = result.feed
    return ParsedFeed(
        title=_text(feed.get("title")),
        link=_optional(feed.get("link")),
        lang=_optional(feed.get("language")) or _detail_lang(feed, "title_detail"),
        entries=entries,
        ttl_seconds=_ttl_seconds(feed),
        warnings=warnings,
    )


def _feedparser(body: bytes, headers: Mapping[str, str]) -> Any:
    return feedparser.parse(
        io.BytesIO(body),
        response_headers=_feedparser_headers(headers),
        sanitize_html=SANITIZE_HTML,
        resolve_relative_uris=RESOLVE_RELATIVE_URIS,
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


def _entry(raw: Any, base_lang: str | None) -> Entry:
    return Entry(
        guid=_optional(raw.get("id")),
        link=_optional(raw.get("link")),
        title=_text(raw.get("title")),
        summary=_summary(raw),
        # dict.get: FeedParserDict.get maps a missing updated_parsed to published_parsed
        # (with a DeprecationWarning); we want what the feed said.
        published=_utc(dict.get(raw, "published_parsed")),
        updated=_utc(dict.get(raw, "updated_parsed")),
        authors=_unique(_author_names(raw)),
        tags=_unique(_text(t.get("term")) or _text(t.get("label")) for t in raw.get("tags", [])),
        lang=_optional(raw.get("language")) or _own_lang(raw, base_lang),
    )


def _usable(entry: Entry) -> bool:
    # An entry with nothing to identify or show (e.g. cut off mid-element) is noise.
    return bool(entry.guid or entry.link or entry.title or entry.summary)


def _summary(raw: Any) -> str:
    summary = _text(raw.get("summary"))
    if summary:
        return summary
    for content in raw.get("content", []):
        if value := _text(content.get("value")):
            return value
    return ""


def _author_names(raw: Any) -> Iterable[str]:
    for author in raw.get("authors", []):
        yield _text(author.get("name")) or _text(author.get("email"))
    yield _text(raw.get("author"))


def _own_lang(raw: Any, base_lang: str | None) -> str | None:
    # title_detail.language is xml:lang, else the Content-Language header; only the
    # former says something about this entry.
    lang = _detail_lang(raw, "title_detail")
    return lang if lang and lang != base_lang else None


def _detail_lang(node: Any, key: str) -> str | None:
    detail = node.get(key)
    return _optional(detail.get("language")) if detail else None


def _ttl_seconds(feed: Any) -> int | None:
    """The larger of RSS <ttl> (minutes) and sy:updatePeriod / sy:updateFrequency."""
    candidates = []
    ttl = _text(feed.get("ttl"))
    if ttl.isdigit() and int(ttl) > 0:
        candidates.append(int(ttl) * 60)
    period = _SY_PERIODS.get(_text(feed.get("sy_updateperiod")).lower())
    if period:
        frequency = _text(feed.get("sy_updatefrequency")) or "1"
        per = int(frequency) if frequency.isdigit() and int(frequency) > 0 else 1
        candidates.append(period // per)
    return max(candidates) if candidates else None


def _utc(parsed: Any) -> datetime | None:
    # feedparser normalises every date it understands to a UTC struct_time.
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = parsed[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _optional(value: object) -> str | None:
    return _text(value) or None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
