"""Feed HTML or text -> one line of clean plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose text is code or styling, never prose.
_SKIPPED = frozenset({"script", "style", "template", "noscript"})
# Elements that separate words visually: "<p>a</p><p>b</p>" must read "a b", not "ab".
_BREAKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr",
        "ul",
    }
)  # fmt: skip
# Control characters, zero-width spaces, soft hyphens and BOMs: invisible, but they
# split words for the matcher and can upset Slack. Bidirectional controls (LRM/RLM, the
# embeddings and overrides U+202A-E, the isolates U+2066-9, the Arabic letter mark) and
# invisible operators go too: a right-to-left override in a headline reverses the text
# around it in the digest and in Slack. Zero-width (non-)joiners stay: scripts and emoji
# need them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u061c\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);?")
_MAX_PASSES = 3  # double-escaped feeds ("&amp;lt;p&amp;gt;") need a second pass


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _strip_once(text: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(text)
    extractor.close()
    return "".join(extractor.parts)


def clean_text(html_or_text: str) -> str:
    """Tags stripped (script/style content dropped), entities decoded, whitespace folded.

    Decoding repeats until nothing changes (at most a few passes), so doubly escaped
    markup comes out as text and clean_text(clean_text(x)) == clean_text(x).
    """
    text = html_or_text or ""
    for _ in range(_MAX_PASSES):
        if not _MARKUP.search(text):
            break
        stripped = _strip_once(text)
        if stripped == text:
            break
        text = stripped
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()
