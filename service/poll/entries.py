"""Feed and entry dictionaries, as feedparser shapes them, into ParsedFeed and Entry.

Both parse paths fill dictionaries with feedparser's keys: feedparser itself (parse.py) and
the ElementTree fast path (parse_fast.py), which fills only the keys read here. Mapping them
in this one place is what keeps the two paths' results identical.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from service.domain import Entry, ParsedFeed

# We keep plain text, so feedparser's HTML sanitiser and relative-URI rewriting of
# embedded HTML are wasted work (they roughly double parse time on real feeds).
# Entry links are still resolved: that is done separately from these options.
SANITIZE_HTML = False
RESOLVE_RELATIVE_URIS = False

_SY_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400, "monthly": 30 * 86400,
               "yearly": 365 * 86400}  # fmt: skip


def parsed_feed(feed: Any, entries: tuple[Entry, ...], warnings: tuple[str, ...]) -> ParsedFeed:
    """The ParsedFeed of a feed-level dictionary and its usable entries."""
    return ParsedFeed(
        title=text(feed.get("title")),
        link=optional(feed.get("link")),
        lang=optional(feed.get("language")) or detail_lang(feed, "title_detail"),
        entries=entries,
        ttl_seconds=ttl_seconds(feed),
        warnings=warnings,
    )


def usable_entries(raws: Iterable[Any], base_lang: str | None) -> tuple[Entry, ...]:
    """The entries of these raw dictionaries that identify or show something."""
    return tuple(e for e in (entry_of(raw, base_lang) for raw in raws) if usable(e))


def entry_of(raw: Any, base_lang: str | None) -> Entry:
    return Entry(
        guid=optional(raw.get("id")),
        link=optional(raw.get("link")),
        title=text(raw.get("title")),
        summary=_summary(raw),
        # dict.get: FeedParserDict.get maps a missing updated_parsed to published_parsed
        # (with a DeprecationWarning); we want what the feed said.
        published=_utc(dict.get(raw, "published_parsed")),
        updated=_utc(dict.get(raw, "updated_parsed")),
        authors=_unique(_author_names(raw)),
        tags=_unique(text(t.get("term")) or text(t.get("label")) for t in raw.get("tags", [])),
        lang=optional(raw.get("language")) or _own_lang(raw, base_lang),
    )


def usable(entry: Entry) -> bool:
    # An entry with nothing to identify or show (e.g. cut off mid-element) is noise.
    return bool(entry.guid or entry.link or entry.title or entry.summary)


def _summary(raw: Any) -> str:
    summary = text(raw.get("summary"))
    if summary:
        return summary
    for content in raw.get("content", []):
        if value := text(content.get("value")):
            return value
    return ""


def _author_names(raw: Any) -> Iterable[str]:
    for author in raw.get("authors", []):
        yield text(author.get("name")) or text(author.get("email"))
    yield text(raw.get("author"))


def _own_lang(raw: Any, base_lang: str | None) -> str | None:
    # title_detail.language is xml:lang, else the Content-Language header; only the
    # former says something about this entry.
    lang = detail_lang(raw, "title_detail")
    return lang if lang and lang != base_lang else None


def detail_lang(node: Any, key: str) -> str | None:
    detail = node.get(key)
    return optional(detail.get("language")) if detail else None


def ttl_seconds(feed: Any) -> int | None:
    """The larger of RSS <ttl> (minutes) and sy:updatePeriod / sy:updateFrequency."""
    candidates = []
    ttl = text(feed.get("ttl"))
    if ttl.isdigit() and int(ttl) > 0:
        candidates.append(int(ttl) * 60)
    period = _SY_PERIODS.get(text(feed.get("sy_updateperiod")).lower())
    if period:
        frequency = text(feed.get("sy_updatefrequency")) or "1"
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


def text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def optional(value: object) -> str | None:
    return text(value) or None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
