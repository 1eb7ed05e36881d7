"""Choose a window of the summary around the matched terms (pure; used by every notifier).

The matcher reports spans as character offsets into the original text; the window and the
bold ranges are computed on that text, and whitespace is collapsed only when rendering, so
offsets stay valid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from service.domain import Span, merge_ranges
from service.notify.mrkdwn import ELLIPSIS, merged_spans, to_word_edges

SNIPPET_WIDTH = 300
_SNAP = 40  # how far a window edge may move to reach a word boundary
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    """Pieces of display text, each flagged as a matched term or not."""

    parts: tuple[tuple[str, bool], ...]
    cut_before: bool
    cut_after: bool

    def render(self, plain: Callable[[str], str], strong: Callable[[str, str, str], str]) -> str:
        """Join the parts; `strong(term, char_before, char_after)` formats a matched term."""
        out: list[str] = [ELLIPSIS] if self.cut_before else []
        for i, (text, matched) in enumerate(self.parts):
            if not matched:
                out.append(plain(text))
                continue
            before = self.parts[i - 1][0][-1:] if i > 0 else ""
            after = self.parts[i + 1][0][:1] if i + 1 < len(self.parts) else ""
            out.append(strong(text, before, after))
        if self.cut_after:
            out.append(ELLIPSIS)
        return "".join(out)


def make_snippet(text: str, spans: Iterable[Span], width: int = SNIPPET_WIDTH) -> Snippet:
    """About `width` characters of `text` around its first matched span, cut between words."""
    ranges = _bold_ranges(text, tuple(spans))
    start, end = _window(text, ranges, width)
    parts: list[tuple[str, bool]] = []
    pos = start
    for s, e in ranges:
        if e <= start or s >= end:
            continue
        parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    parts.append((text[pos:end], False))
    return Snippet(_tidy(parts), cut_before=start > 0, cut_after=end < len(text))


def _bold_ranges(text: str, spans: tuple[Span, ...]) -> list[tuple[int, int]]:
    located = tuple(_relocate(text, s) for s in spans if s.field == "summary")
    widened = [to_word_edges(text, s, e) for s, e in merged_spans(located, "summary", len(text))]
    return merge_ranges(widened)


def _relocate(text: str, span: Span) -> Span:
    """Trust the offsets when they point at the span's text; else look the text up, so a
    summary cleaned differently from the matcher's input still gets its terms bolded."""
    if text[span.start : span.end] == span.text or not span.text:
        return span
    found = text.lower().find(span.text.lower())
    if found < 0:
        return Span(span.field, 0, 0, span.text)
    return Span(span.field, found, found + len(span.text), span.text)


def _window(text: str, ranges: list[tuple[int, int]], width: int) -> tuple[int, int]:
    if len(text) <= width:
        return 0, len(text)
    anchor_start, anchor_end = ranges[0] if ranges else (0, 0)
    # A third of the window before the first match gives the reader its context.
    start = max(0, min(anchor_start - width // 3, len(text) - width))
    end = min(len(text), start + width)
    start = _snap_start(text, start, anchor_start)
    end = _snap_end(text, end, anchor_end)
    for s, e in ranges:  # never cut a matched term in half
        if s < start < e:
            start = s
        if s < end < e:
            end = e
    return start, end


def _snap_start(text: str, start: int, limit: int) -> int:
    if start == 0:
        return 0
    space = text.find(" ", start, min(limit, start + _SNAP))
    return space + 1 if space >= 0 else start


def _snap_end(text: str, end: int, limit: int) -> int:
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", max(limit, end - _SNAP), end + 1)
    return space if space >= 0 else end


def _tidy(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """Collapse whitespace and drop control characters (ANSI escapes included), trim the ends."""
    tidy = [(_collapse(text), matched) for text, matched in parts]
    if tidy:
        tidy[0] = (tidy[0][0].lstrip(), tidy[0][1])
        tidy[-1] = (tidy[-1][0].rstrip(), tidy[-1][1])
    return tuple((text, matched) for text, matched in tidy if text)


def _collapse(text: str) -> str:
    kept = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return _WHITESPACE.sub(" ", kept)
