"""Pure helpers that turn untrusted feed text into safe Slack mrkdwn.

Safety rules (https://api.slack.com/reference/surfaces/formatting#escaping):
- `&`, `<`, `>` are escaped in every piece of feed text, so no `<!channel>`, `<!here>`,
  `<@U123>` or `<url|label>` can come out of a headline or summary.
- The bare words `@channel`, `@here`, `@everyone` get an invisible word joiner after the `@`,
  in case a client or a webhook ever parses them with `link_names`.
- URLs are http(s) only and percent-encoded, so `|` and `>` cannot end a link early.

Slack has no escape for `*`, `_`, `~` and backticks. We leave them in feed text (the worst case
is cosmetic italics), except inside a bolded term, where `*` is swapped for a look-alike
(U+2217) so it cannot close the bold early.

Truncation always cuts the raw text first and escapes afterwards, so a cut never lands inside
`&amp;` or a `<link|...>`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, urlsplit, urlunsplit

from service.domain import Span, merge_ranges

ELLIPSIS = "…"
WORD_JOINER = "\u2060"
ZERO_WIDTH_SPACE = "\u200b"
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# RFC 3986 reserved and unreserved characters, plus `%` for existing escapes; everything else
# (space, `|`, `<`, `>`, `"`, `{`, `}`, `\`, `^`, backtick, non-ASCII) is percent-encoded.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~-._"
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def clean(text: str) -> str:
    """One line of display text: control characters dropped, whitespace runs collapsed."""
    kept = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return _WHITESPACE.sub(" ", kept).strip()


def escape(text: str) -> str:
    """Escape feed text for any mrkdwn field (and the `text` fallback)."""
    escaped = "".join(_ESCAPES.get(ch, ch) for ch in text)
    return _BROADCAST.sub(lambda m: "@" + WORD_JOINER + m.group(1), escaped)


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, ending with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    # Back up to a word boundary unless that would throw away most of the text (CJK, URLs).
    if space > (limit - 1) * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def fit(text: str, limit: int) -> str:
    """Escaped `text` of at most `limit` characters, shortened before escaping when needed."""
    escaped = escape(text)
    raw_limit = len(text)
    while len(escaped) > limit:
        # One raw character escapes to at most 5 ("&amp;"), so this step never skips the
        # longest prefix that fits.
        step = max(1, -(-(len(escaped) - limit) // 5))
        raw_limit = min(raw_limit - step, limit)
        if raw_limit <= 0:
            return ""
        escaped = escape(shorten(text, raw_limit))
    return escaped


def safe_url(url: str) -> str | None:
    """An http(s) URL safe inside `<...|...>`, or None when the link should not be a link."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    netloc = _ascii_netloc(parts.netloc)
    encoded = [quote(p, safe=_URL_SAFE) for p in (parts.path, parts.query, parts.fragment)]
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, *encoded))
    # `&` is escaped like any other text; Slack decodes it inside links.
    return rebuilt.replace("&", "&amp;")


def _ascii_netloc(netloc: str) -> str:
    try:
        return netloc.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(netloc, safe=_URL_SAFE)


def link(url: str, label: str, limit: int = 3000) -> str:
    """`<url|label>` with the label escaped, fitting in `limit`; the bare label if no URL."""
    target = safe_url(url)
    label = clean(label) or url
    if target is None or len(target) + 3 + 1 > limit:
        return fit(label, limit)
    return f"<{target}|{fit(label, limit - len(target) - 3)}>"


def merged_spans(spans: Iterable[Span], field: str, length: int) -> list[tuple[int, int]]:
    """Valid spans of one field as sorted, non-overlapping (start, end) pairs."""
    clipped = ((max(0, s.start), min(length, s.end)) for s in spans if s.field == field)
    return merge_ranges((start, end) for start, end in clipped if start < end)


def matched_words(title: str, summary: str, spans: Iterable[Span], limit: int) -> list[str]:
    """The distinct matched terms, headline first, each widened to its whole word
    ("normaliz" -> "normalized"): why a theme matched, in Slack, the digest and the page."""
    seen: dict[str, str] = {}
    for span in sorted(spans, key=lambda s: (s.field != "title", s.start)):
        source = title if span.field == "title" else summary
        text = span.text
        if source[span.start : span.end] == span.text:
            start, end = to_word_edges(source, span.start, span.end)
            text = source[start:end]
        text = clean(text)
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())[:limit]


def to_word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole ASCII words: Slack only bolds `*x*` at word edges, and a prefix
    match ("normaliz" in "normalized") reads better with the whole word bold."""
    while start > 0 and _ascii_word(text[start - 1]) and _ascii_word(text[start]):
        start -= 1
    while end < len(text) and _ascii_word(text[end]) and _ascii_word(text[end - 1]):
        end += 1
    return start, end


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def bold(term: str, before: str, after: str) -> str:
    """`*term*`, with zero-width spaces where a neighbour would stop Slack from bolding
    (letters of scripts without spaces, e.g. Japanese)."""
    inner = escape(clean(term).replace("*", "\u2217"))
    if not inner:
        return ""
    left = ZERO_WIDTH_SPACE if before and before.isalnum() else ""
    right = ZERO_WIDTH_SPACE if after and after.isalnum() else ""
    return f"{left}*{inner}*{right}"
