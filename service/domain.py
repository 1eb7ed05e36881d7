"""Plain frozen dataclasses that flow through the pipeline stages.

Data flows one way: fetch -> parse -> normalize -> dedup -> match -> store -> notify.
Every stage takes and returns these types, so each can be tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol
from urllib.parse import urlsplit

Field = Literal["title", "summary"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry as the feed gave it, before normalization (parse.py output)."""

    guid: str | None
    link: str | None
    title: str
    summary: str
    published: datetime | None  # aware UTC, or None when the feed gave no usable date
    updated: datetime | None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What parse.py extracts from one response body."""

    title: str
    link: str | None
    lang: str | None
    entries: tuple[Entry, ...]
    ttl_seconds: int | None = None  # RSS <ttl> or sy:updatePeriod/updateFrequency
    warnings: tuple[str, ...] = ()  # feedparser "bozo" messages when entries were still usable


@dataclass(frozen=True, slots=True)
class Article:
    """A normalized entry: the unit that is stored, grouped into stories and matched."""

    source: str  # configured source name
    key: str  # stable identity within the source (guid, else link, else hash)
    link: str
    canonical_url: str  # for grouping across outlets (tracking params, AMP, www. removed)
    title: str  # clean text
    summary: str  # clean text
    published: datetime  # aware UTC
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lang: str | None = None
    guid: str | None = None

    @property
    def host(self) -> str:
        return link_host(self.link)


# scheme://[user@]host[:port] then the path: the shape of nearly every feed link. Anything
# else (spaces, brackets, odd schemes) goes through urlsplit, which this must agree with.
_PLAIN_HOST = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@\s\\]*@)?([A-Za-z0-9.-]+)(?::\d*)?(?=[/?#]|$)"
)


def web_link(url: str | None) -> str | None:
    """The link as an href, only if it is a plain http(s) address: a feed could otherwise
    plant `javascript:` (escaping alone would not stop it running on a click)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "Invalid IPv6 URL" and the like
        return None
    if parts.scheme.lower() in ("http", "https") and host and url.isprintable():
        return url
    return None


def link_host(url: str) -> str:
    """The host an article link points at, as `source:` compares it (no leading www.).
    Called for every article a backtest reads, so the common shape skips urlsplit."""
    plain = _PLAIN_HOST.match(url)
    if plain is not None:
        return plain.group(1).lower().removeprefix("www.")
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:  # "Invalid IPv6 URL" and the like: a link with no usable host
        return ""


@dataclass(frozen=True, slots=True)
class Span:
    """A matched stretch of an article field, as character offsets into the original text."""

    field: Field
    start: int
    end: int
    text: str


def ranges_of(spans: Iterable[Span], field: str) -> list[tuple[int, int]]:
    """The (start, end) of the spans in one field."""
    return [(s.start, s.end) for s in spans if s.field == field]


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) ranges sorted, with overlapping and touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True, slots=True)
class Hit:
    """One theme matching one article, with the explanation used to bold terms."""

    theme_id: str
    spans: tuple[Span, ...] = field(default_factory=tuple)


class Progress(Protocol):
    """Told how many steps a long job has, then of each one (the CLI draws a bar)."""

    def start(self, total: int) -> None: ...
    def advance(self) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def close(self) -> None:
        pass
