"""The WRL text model (RULES.md §4): NFKC, tokens, positions and token forms.

Item fields and query words go through the same tokenizer. Offsets of every token are
kept in the ORIGINAL text so that match spans can be shown to people unchanged.

Speed matters here (every article, every field): text without CJK characters or
combining marks, already in NFKC (most news text), takes a single `findall`; offsets
are then computed only when a span is asked for.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from .normmap import nfkc_with_map
from .scripts import CJK_RANGES, INTERPUNCTS
from .unicode_tables import MARKS, tables_current

_APOS = "'\u2019\u02bc\u2018"
# Python's [^\W_] is exactly Unicode L + N; U+02BC (an apostrophe) is Lm, so exclude it.


def _class(ranges: list[tuple[int, int]]) -> str:
    return "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


def mark_ranges() -> list[tuple[int, int]]:
    """Ranges of combining marks (category M) that are not CJK (planes 0-1, and E01xx): a
    scan of 130,000 code points (unicode_tables.py keeps the result)."""
    from .scripts import is_cjk

    points = [*range(0x20000), *range(0xE0100, 0xE01F0)]
    categories = map(unicodedata.category, map(chr, points))  # map: fast at import
    out: list[tuple[int, int]] = []
    for cp, category in zip(points, categories, strict=True):
        if category[0] != "M" or is_cjk(chr(cp)):
            continue
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def _bmp(ranges: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    # Python's regex engine tests BMP-only classes with a bitmap but scans astral
    # ranges one by one, so the common (BMP-only) text gets its own patterns.
    return [(lo, min(hi, 0xFFFF)) for lo, hi in ranges if lo <= 0xFFFF]


@cache
def _astral_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Token and mark patterns that also cover astral characters (rare: built on demand)."""
    return _token_re(_class(list(CJK_RANGES))), re.compile(f"[{_class(_MARKS)}]")


def _token_re(cjk: str) -> re.Pattern[str]:
    w = f"[^\\W_\u02bc{cjk}]"
    return re.compile(
        rf"(?P<s>(?<={w})[{_APOS}][sS](?!{w}))"  # possessive 's after a word: dropped
        rf"|(?P<r>[{cjk}]+(?:[{INTERPUNCTS}][{cjk}]+)*)"  # a CJK run, interpuncts deleted
        rf"|(?P<w>{w}(?:{w}|\.(?={w}))*)"  # a word; an inner period stays in it
    )


_MARKS = list(MARKS) if tables_current() else mark_ranges()
_TOKEN_BMP = _token_re(_class(_bmp(CJK_RANGES)))
_MARK_BMP = re.compile(f"[{_class(_bmp(_MARKS))}]")
_COMPLEX_BMP = re.compile(f"[{_class(_bmp(CJK_RANGES))}{_class(_bmp(_MARKS))}]")
_W = "[^\\W_\u02bc]"
_FAST = re.compile(rf"({_W}+(?:\.{_W}+)*)(?:[{_APOS}][sS](?!{_W}))*")
_WILDCARD_RE = re.compile(r"[*?]")
ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # a search is much faster than max(text)


class TokenSeq:
    """One text field (or one query word) as a sequence of positions."""

    __slots__ = ("text", "exact", "is_cjk", "runs", "_starts", "_ends")

    def __init__(self, text: str) -> None:
        self.text = text  # the original text
        self.exact: list[str] = []  # per position: the token after NFKC
        self.is_cjk: list[bool] | None = None  # None: no CJK token at all
        self.runs: list[tuple[int, str]] = []  # per CJK run: first position, its text
        self._starts: list[int] | None = None  # per position: offsets into `text`
        self._ends: list[int] | None = None

    def __len__(self) -> int:
        return len(self.exact)

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._fast_offsets()
        assert self._starts is not None
        return self._starts

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._fast_offsets()
        assert self._ends is not None
        return self._ends

    def _fast_offsets(self) -> None:
        # Fast-path tokens are verbatim substrings, in order, separated only by
        # separators and dropped possessive 's: a forward find lands on each token,
        # except that a lone "s" token could land on a dropped 's.
        text, pos = self.text, 0
        starts, ends = [], []
        for token in self.exact:
            if token in ("s", "S"):
                found = [m.span(1) for m in _FAST.finditer(text)]
                starts, ends = [a for a, _ in found], [b for _, b in found]
                break
            pos = text.find(token, pos)
            starts.append(pos)
            pos += len(token)
            ends.append(pos)
        self._starts, self._ends = starts, ends


def tokenize(text: str, wildcards: bool = False) -> TokenSeq:
    """Split text into WRL tokens; with `wildcards`, * and ? count as word characters."""
    if not wildcards and _is_simple(text):
        seq = TokenSeq(text)
        seq.exact = _FAST.findall(text)
        return seq
    return _tokenize_general(text, wildcards)


def _is_simple(text: str) -> bool:
    """NFKC already, no CJK, no combining marks: one regex pass gives the tokens."""
    if text.isascii():
        return True
    return (
        unicodedata.is_normalized("NFKC", text)
        and not _COMPLEX_BMP.search(text)
        and not ASTRAL.search(text)
    )


def _tokenize_general(text: str, wildcards: bool) -> TokenSeq:
    norm, starts, ends = nfkc_with_map(text)
    astral = ASTRAL.search(norm) is not None
    token_re, mark_re = _astral_patterns() if astral else (_TOKEN_BMP, _MARK_BMP)
    # Classify on a copy in which non-CJK marks (and query wildcards) read as letters.
    classes = mark_re.sub("a", norm)
    if wildcards:
        classes = _WILDCARD_RE.sub("a", classes)
    seq = TokenSeq(text)
    seq.is_cjk = []
    seq._starts, seq._ends = [], []
    for m in token_re.finditer(classes):
        kind, a, b = m.lastgroup, m.start(), m.end()
        if kind == "w":
            _add(seq, norm[a:b], a, b, False, starts, ends)
        elif kind == "r":
            first = len(seq.exact)
            for i in range(a, b):
                if norm[i] not in INTERPUNCTS:  # the pattern puts them between CJK: deleted
                    _add(seq, norm[i], i, i + 1, True, starts, ends)
            seq.runs.append((first, "".join(seq.exact[first:])))
    if not seq.runs:
        seq.is_cjk = None
    return seq


def _add(
    seq: TokenSeq, token: str, a: int, b: int, cjk: bool, starts: list[int] | None,
    ends: list[int] | None,
) -> None:  # fmt: skip
    assert seq.is_cjk is not None and seq._starts is not None and seq._ends is not None
    seq.exact.append(token)
    seq.is_cjk.append(cjk)
    seq._starts.append(starts[a] if starts is not None else a)
    seq._ends.append(ends[b - 1] if ends is not None else b)


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
