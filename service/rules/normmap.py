"""NFKC with a map from normalized character offsets back to the original text.

NFKC can change lengths (ﬁ -> fi, ㈱ -> (株), half-width ｶﾞ -> ガ, e + U+0301 -> é).
The text is cut into segments that normalize independently; every normalized character
then maps to the original range of its segment. Most characters are "stable" (NFKC
leaves them alone and nothing composes with them from behind); only the stretches of
other characters need work.
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial

from .unicode_tables import NFKC_UNSTABLE_BMP, tables_current

Offsets = list[int] | None


def unstable_bmp_ranges() -> list[tuple[int, int]]:
    """BMP characters that NFKC may change or compose with what precedes, as inclusive
    ranges (a scan of all 65,536: unicode_tables.py keeps the result)."""
    chars = [chr(cp) for cp in range(0x10000)]
    decompositions = list(map(unicodedata.decomposition, chars))
    # starters that canonically compose with the character before them (e.g. U+0B3E)
    seconds = {
        int(parts[1], 16)
        for parts in (d.split() for d in decompositions if d and not d.startswith("<"))
        if len(parts) == 2
    }
    seconds |= set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V, T jamo
    nfkc = map(partial(unicodedata.normalize, "NFKC"), chars)
    combining = map(unicodedata.combining, chars)
    ranges: list[tuple[int, int]] = []
    for cp, (ch, dec, norm, ccc) in enumerate(
        zip(chars, decompositions, nfkc, combining, strict=True)
    ):
        if not (cp in seconds or ccc or dec or norm != ch):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


def _unstable_re() -> re.Pattern[str]:
    ranges = NFKC_UNSTABLE_BMP if tables_current() else None
    body = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges or unstable_bmp_ranges())
    return re.compile(f"[{body}]+")


_UNSTABLE = _unstable_re()
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def nfkc_with_map(text: str) -> tuple[str, Offsets, Offsets]:
    """(normalized, starts, ends); starts/ends are None when offsets are unchanged."""
    norm = unicodedata.normalize("NFKC", text)
    if norm == text:
        return norm, None, None
    pieces = _pieces(text)
    if "".join(p for p, _ in pieces) != norm:
        pieces = _whole(_merge_dependent(_per_char(text)))
    if "".join(p for p, _ in pieces) != norm:
        pieces = [(norm, len(text))]  # cannot happen for known Unicode data; stay correct
    starts: list[int] = []
    ends: list[int] = []
    offset = 0
    for normalized, length in pieces:
        if length < 0:  # a stable stretch: characters map one to one
            starts.extend(range(offset, offset - length))
            ends.extend(range(offset + 1, offset - length + 1))
            offset -= length
        else:
            starts.extend([offset] * len(normalized))
            ends.extend([offset + length] * len(normalized))
            offset += length
    return norm, starts, ends


Piece = tuple[str, int]  # (normalized text, original length); length < 0: stable stretch


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _whole(segments: list[str]) -> list[Piece]:
    return [(_nfkc(seg), len(seg)) for seg in segments]


def _pieces(text: str) -> list[Piece]:
    if _ASTRAL.search(text):
        return _whole(_per_char(text))  # astral text is rare: the simple, slower way
    pieces: list[Piece] = []
    done = 0
    for m in _UNSTABLE.finditer(text):
        a, b = m.start(), m.end()
        if a > done and _continues(text[a]):
            a -= 1  # the stable character before may compose with what follows it
        if a > done:
            pieces.append((text[done:a], done - a))
        pieces.extend(_whole(_per_char(text[a:b])))
        done = b
    if done < len(text):
        pieces.append((text[done:], done - len(text)))
    return pieces


def _continues(ch: str) -> bool:
    """True if ch may compose with, or reorder against, the character before it."""
    if unicodedata.combining(ch):
        return True
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed and unicodedata.combining(decomposed[0]):
        return True  # e.g. half-width dakuten U+FF9E becomes combining U+3099
    cp = ord(ch)
    return 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF  # Hangul vowel/final jamo


def _per_char(text: str) -> list[str]:
    segments: list[str] = []
    for ch in text:
        if segments and _continues(ch):
            segments[-1] += ch
        else:
            segments.append(ch)
    return segments


def _merge_dependent(segments: list[str]) -> list[str]:
    merged = [segments[0]]
    for seg in segments[1:]:
        if _nfkc(merged[-1] + seg) == _nfkc(merged[-1]) + _nfkc(seg):
            merged.append(seg)
        else:
            merged[-1] += seg
    return merged
