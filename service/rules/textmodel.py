"""The WRL text model (RULES.md §4): NFKC, tokens, positions and token forms.

Item fields and query words go through the same `tokenize`. Offsets of every token are
kept in the ORIGINAL text so that match spans can be shown to people unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .normmap import nfkc_with_map
from .scripts import INTERPUNCTS, is_cjk, regex_class_body

_CJK = regex_class_body()
# Classification happens on a copy of the text in which every non-CJK combining mark
# (category M) is replaced by "a": Python's \w covers letters and digits but not marks.
_W = rf"[^\W_{_CJK}]"
_APOS = "'\u2019\u02bc\u2018"
_TOKEN_RE = re.compile(
    rf"(?P<s>(?<={_W})[{_APOS}][sS](?!{_W}))"  # possessive 's after a word: dropped
    rf"|(?P<r>[{_CJK}]+(?:[{INTERPUNCTS}][{_CJK}]+)*)"  # a CJK run, interpuncts deleted
    rf"|(?P<w>{_W}(?:{_W}|\.(?={_W}))*)"  # a word; an inner period stays in it
)


def _mark_ranges() -> str:
    marks = [
        cp
        for cp in [*range(0x20000), *range(0xE0100, 0xE01F0)]
        if unicodedata.category(chr(cp))[0] == "M" and not is_cjk(chr(cp))
    ]
    parts: list[str] = []
    start = prev = marks[0]
    for cp in [*marks[1:], -1]:
        if cp != prev + 1:
            parts.append(f"\\U{start:08x}-\\U{prev:08x}")
            start = cp
        prev = cp
    return "".join(parts)


_MARK_RE = re.compile(f"[{_mark_ranges()}]")
_WILDCARD_RE = re.compile(r"[*?]")


@dataclass(slots=True)
class TokenSeq:
    """One text field (or one query word) as a sequence of positions."""

    text: str  # the original text
    exact: list[str]  # per position: the token after NFKC (a CJK token is one character)
    is_cjk: list[bool]
    runs: list[tuple[int, str]]  # per CJK run: position of its first character, its text
    starts: list[int]  # per position: offsets into `text`
    ends: list[int]

    def __len__(self) -> int:
        return len(self.exact)


def tokenize(text: str, wildcards: bool = False) -> TokenSeq:
    """Split text into WRL tokens; with `wildcards`, * and ? count as word characters."""
    norm, starts, ends = nfkc_with_map(text)
    classes = _MARK_RE.sub("a", norm)
    if wildcards:
        classes = _WILDCARD_RE.sub("a", classes)
    seq = TokenSeq(text, [], [], [], [], [])
    for m in _TOKEN_RE.finditer(classes):
        kind = m.lastgroup
        if kind == "w":
            _add(seq, norm[m.start() : m.end()], m.start(), m.end(), False, starts, ends)
        elif kind == "r":
            _add_run(seq, norm, m.start(), m.end(), starts, ends)
    return seq


def _add(
    seq: TokenSeq, token: str, a: int, b: int, cjk: bool, starts: list[int] | None,
    ends: list[int] | None,
) -> None:  # fmt: skip
    seq.exact.append(token)
    seq.is_cjk.append(cjk)
    seq.starts.append(starts[a] if starts is not None else a)
    seq.ends.append(ends[b - 1] if ends is not None else b)


def _add_run(
    seq: TokenSeq, norm: str, a: int, b: int, starts: list[int] | None, ends: list[int] | None
) -> None:
    first = len(seq.exact)
    chars: list[str] = []
    for i in range(a, b):
        ch = norm[i]
        if ch in INTERPUNCTS:
            continue  # between two CJK characters (the pattern guarantees it): deleted
        chars.append(ch)
        _add(seq, ch, i, i + 1, True, starts, ends)
    seq.runs.append((first, "".join(chars)))


_FORMS: dict[str, tuple[str, str]] = {}


def forms(exact: str) -> tuple[str, str]:
    """(acc, bare) of a word token: case-folded, and case-folded without accents (§4)."""
    hit = _FORMS.get(exact)
    if hit is not None:
        return hit
    if exact.isascii():
        acc = exact.lower()
        result = (acc, acc)
    else:
        acc = unicodedata.normalize("NFKC", exact.casefold())
        decomposed = unicodedata.normalize("NFD", acc)
        stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        result = (acc, unicodedata.normalize("NFC", stripped))
    if len(_FORMS) > 200_000:  # bound the cache for a long-running service
        _FORMS.clear()
    _FORMS[exact] = result
    return result
