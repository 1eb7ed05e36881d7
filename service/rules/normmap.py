"""NFKC with a map from normalized character offsets back to the original text.

NFKC can change lengths (ﬁ -> fi, ㈱ -> (株), half-width ｶﾞ -> ガ, e + U+0301 -> é).
The text is cut into segments that normalize independently; every normalized character
then maps to the original range of its segment.
"""

from __future__ import annotations

import unicodedata

Offsets = list[int] | None


def nfkc_with_map(text: str) -> tuple[str, Offsets, Offsets]:
    """(normalized, starts, ends); starts/ends are None when offsets are unchanged."""
    norm = unicodedata.normalize("NFKC", text)
    if norm == text:
        return norm, None, None
    segments = _segments(text)
    if "".join(_nfkc(s) for s in segments) != norm:
        segments = _merge_dependent(segments)
    if "".join(_nfkc(s) for s in segments) != norm:
        segments = [text]  # cannot happen for known Unicode data; stay correct anyway
    starts: list[int] = []
    ends: list[int] = []
    offset = 0
    for seg in segments:
        n = len(_nfkc(seg))
        starts.extend([offset] * n)
        ends.extend([offset + len(seg)] * n)
        offset += len(seg)
    return norm, starts, ends


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _continues(ch: str) -> bool:
    """True if ch may compose with, or reorder against, the character before it."""
    if unicodedata.combining(ch):
        return True
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed and unicodedata.combining(decomposed[0]):
        return True  # e.g. half-width dakuten U+FF9E becomes combining U+3099
    cp = ord(ch)
    return 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF  # Hangul vowel/final jamo


def _segments(text: str) -> list[str]:
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
