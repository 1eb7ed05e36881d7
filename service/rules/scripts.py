"""Which characters WRL treats as CJK (RULES.md §4, step 2).

CJK = Unicode Script Han, Hiragana, Katakana or Hangul, plus four Common-script
characters that live inside Japanese words (ー 々 〆 〻). The ranges come from the
Unicode Character Database (Scripts.txt); `unicodedata` has no script property, so
they are listed here. Ranges beyond Python's Unicode version are harmless: those code
points are unassigned there and never occur in normalized text.
"""

from __future__ import annotations

import bisect

from service.domain import merge_ranges

HAN = (
    (0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x3005, 0x3005), (0x3007, 0x3007),
    (0x3021, 0x3029), (0x3038, 0x303B), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFA6D),
    (0xFA70, 0xFAD9), (0x16FE2, 0x16FE3), (0x16FF0, 0x16FF6), (0x20000, 0x2A6DF),
    (0x2A700, 0x2B81D), (0x2B820, 0x2CEAD), (0x2CEB0, 0x2EBE0), (0x2EBF0, 0x2EE5D),
    (0x2F800, 0x2FA1D), (0x30000, 0x3134A), (0x31350, 0x33479),
)  # fmt: skip
HIRAGANA = (
    (0x3041, 0x3096), (0x309D, 0x309F), (0x1B001, 0x1B11F), (0x1B132, 0x1B132),
    (0x1B150, 0x1B152), (0x1F200, 0x1F200),
)  # fmt: skip
KATAKANA = (
    (0x30A1, 0x30FA), (0x30FD, 0x30FF), (0x31F0, 0x31FF), (0x32D0, 0x32FE), (0x3300, 0x3357),
    (0xFF66, 0xFF6F), (0xFF71, 0xFF9D), (0x1AFF0, 0x1AFF3), (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE), (0x1B000, 0x1B000), (0x1B120, 0x1B122), (0x1B155, 0x1B155),
    (0x1B164, 0x1B167),
)  # fmt: skip
HANGUL = (
    (0x1100, 0x11FF), (0x302E, 0x302F), (0x3131, 0x318E), (0x3200, 0x321E), (0x3260, 0x327E),
    (0xA960, 0xA97C), (0xAC00, 0xD7A3), (0xD7B0, 0xD7C6), (0xD7CB, 0xD7FB), (0xFFA0, 0xFFBE),
    (0xFFC2, 0xFFC7), (0xFFCA, 0xFFCF), (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC),
)  # fmt: skip
# Common-script characters that RULES.md adds: ー (prolonged sound mark), 々, 〆, 〻.
EXTRA = ((0x3005, 0x3006), (0x303B, 0x303B), (0x30FC, 0x30FC))

INTERPUNCTS = "\u00b7\u30fb\u2027"  # · ・ ‧ (U+FF65 becomes U+30FB under NFKC)


def _merge(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Inclusive code point ranges, adjacent or overlapping ones joined."""
    joined = merge_ranges((lo, hi + 1) for lo, hi in ranges)
    return tuple((lo, end - 1) for lo, end in joined)


CJK_RANGES = _merge(HAN + HIRAGANA + KATAKANA + HANGUL + EXTRA)
_STARTS = [lo for lo, _ in CJK_RANGES]


def is_cjk(ch: str) -> bool:
    """True if the character is one WRL CJK position (Han, kana, Hangul or ー々〆〻)."""
    cp = ord(ch)
    i = bisect.bisect_right(_STARTS, cp) - 1
    return i >= 0 and cp <= CJK_RANGES[i][1]


def regex_class_body() -> str:
    """The CJK ranges as the inside of a regular-expression character class."""
    return "".join(
        re_char(lo) if lo == hi else f"{re_char(lo)}-{re_char(hi)}" for lo, hi in CJK_RANGES
    )


def re_char(cp: int) -> str:
    return f"\\U{cp:08x}"
