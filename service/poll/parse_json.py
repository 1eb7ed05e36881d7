"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) into the same ParsedFeed as XML."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from service.domain import Entry, ParsedFeed
from service.poll.errors import FetchError, host_of


def looks_like_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body[:1024].lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"{")


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    host = host_of(url)
    try:
        doc = json.loads(body)  # detects UTF-8/16/32 itself (RFC 8259 8.1)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise FetchError("parse_error", f"Invalid JSON from {host}: {exc}") from None
    if not isinstance(doc, dict) or "jsonfeed.org/version/" not in _text(doc.get("version")):
        raise FetchError("not_a_feed", f"JSON from {host} is not a JSON Feed")
    items = doc.get("items")
    return ParsedFeed(
        title=_text(doc.get("title")),
        link=_text(doc.get("home_page_url")) or None,
        lang=_text(doc.get("language")) or None,
        entries=tuple(_entry(item) for item in items if isinstance(item, dict))
        if isinstance(items, list)
        else (),
    )


def _entry(item: dict[str, Any]) -> Entry:
    guid = item.get("id")  # a string by the spec; some feeds send numbers
    return Entry(
        guid=(str(guid).strip() or None) if isinstance(guid, str | int) else None,
        link=_text(item.get("url")) or _text(item.get("external_url")) or None,
        title=_text(item.get("title")),
        summary=_text(item.get("summary"))
        or _text(item.get("content_text"))
        or _text(item.get("content_html")),
        published=_date(item.get("date_published")),
        updated=_date(item.get("date_modified")),
        authors=_unique(_author_names(item)),
        tags=_unique(_text(t) for t in _list(item.get("tags"))),
        lang=_text(item.get("language")) or None,
    )


def _author_names(item: dict[str, Any]) -> Iterable[str]:
    # 1.1 has "authors" (a list); 1.0 had a single "author".
    for author in [*_list(item.get("authors")), item.get("author")]:
        if isinstance(author, dict):
            yield _text(author.get("name"))


def _date(value: object) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)  # RFC 3339, as the spec requires
    except ValueError:
        try:
            when = parsedate_to_datetime(text)  # seen in the wild: RFC 822 dates
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except OverflowError:  # year 9999 with a negative offset
        return None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
