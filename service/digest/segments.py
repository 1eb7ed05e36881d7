"""Cut feed text into plain and highlighted pieces from matcher spans.

The pieces stay plain strings: the HTML renderer escapes each one and the text renderer
stars the highlighted ones, so no feed text is ever trusted as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from service.domain import Field, Span, merge_ranges

SNIPPET_CHARS = 250
_SPACE = re.compile(r"\s+")


class Segment(NamedTuple):
    text: str
    highlighted: bool


def highlight(text: str, spans: Iterable[Span], field: Field) -> tuple[Segment, ...]:
    """All of `text`, split at the matched spans of `field`."""
    return _cut(text, _ranges(text, spans, field), 0, len(text))


def snippet(text: str, spans: Iterable[Span], limit: int = SNIPPET_CHARS) -> tuple[Segment, ...]:
    """About `limit` characters of a summary around its first matched term, on word bounds."""
    ranges = _ranges(text, spans, "summary")
    if len(text) <= limit:
        return _cut(text, ranges, 0, len(text))
    anchor = ranges[0][0] if ranges else 0
    start = max(0, anchor - limit // 3)
    end = min(len(text), start + limit)
    start = max(0, end - limit) if end == len(text) else start
    start, end = _snap_to_words(text, start, end)
    pieces = list(_cut(text, ranges, start, end))
    if start > 0:
        pieces.insert(0, Segment("…", False))
    if end < len(text):
        pieces.append(Segment("…", False))
    return tuple(pieces)


def _ranges(text: str, spans: Iterable[Span], field: Field) -> list[tuple[int, int]]:
    """Valid, sorted, merged (start, end) ranges of one field.

    Offsets come from the matcher; a span whose offsets no longer fit the text (e.g. the
    text was cleaned after matching) is located by its text instead of being trusted.
    """
    return merge_ranges(r for r in (_locate(text, s) for s in spans if s.field == field) if r)


def _locate(text: str, span: Span) -> tuple[int, int] | None:
    if 0 <= span.start < span.end <= len(text) and (
        not span.text or text[span.start : span.end].casefold() == span.text.casefold()
    ):
        return span.start, span.end
    if not span.text:
        return None
    at = text.casefold().find(span.text.casefold())
    return (at, at + len(span.text)) if at >= 0 else None


def _cut(text: str, ranges: list[tuple[int, int]], start: int, end: int) -> tuple[Segment, ...]:
    pieces: list[Segment] = []
    cursor = start
    for r_start, r_end in ranges:
        r_start, r_end = max(r_start, start), min(r_end, end)
        if r_start >= r_end:
            continue
        if cursor < r_start:
            pieces.append(Segment(text[cursor:r_start], False))
        pieces.append(Segment(text[r_start:r_end], True))
        cursor = r_end
    if cursor < end:
        pieces.append(Segment(text[cursor:end], False))
    return tuple(Segment(_SPACE.sub(" ", p.text), p.highlighted) for p in pieces if p.text)


def _snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    if start > 0:
        space = text.find(" ", start, end)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end
