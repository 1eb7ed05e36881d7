"""Near-duplicate text signatures: normalization, shingles, MinHash and LSH band keys.

Pure and deterministic across processes: every hash is blake2b or a fixed-seed permutation,
never Python's salted hash(), so signatures and band keys can be stored and compared later.
The settings below were chosen by measurement on real headline pairs (bench/DEDUP.md).
"""

from __future__ import annotations

import functools
import hashlib
import html
import operator
import re
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

NUM_PERM = 256  # the similarity estimate's noise shrinks with sqrt(NUM_PERM)
BANDS = 64
ROWS = 2  # 2 rows per band: finds pairs from Jaccard ~0.2 up (bench/DEDUP.md)
_MAX32 = 0xFFFFFFFF
_FORMAT_VERSION = 2  # 2: multiply-shift MinHash
_GOLDEN = 0x9E3779B97F4A7C15
_MIX = 0xFF51AFD7ED558CCD
_MASK64 = 0xFFFFFFFFFFFFFFFF

# Function words carry no story identity; dropping them makes edited headlines
# ("X says Y" vs "Y, X says") closer without merging different events.
_STOPWORDS_TEXT = """\
    a an the of to in on at by for from with as and or but is are was were be been being
    has have had it its that this these those after before over into amid than not will would
    could can may might says said say new more about up out his her their they he she we you i
    who what why how when where which while"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Headline shorthand that outlets spell differently ("N Korea", "S Korean", "U.S.").
_ABBREVIATIONS = {"n": "north", "s": "south", "nk": "north korea", "dprk": "north korea"}
_TAGS = re.compile(r"<[^>]+>")
_DOTTED = re.compile(r"\b((?:[a-z]\.){2,})")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class TextSignature:
    """MinHash of an article's title+summary shingles, plus the shingle count."""

    minhash: tuple[int, ...]
    size: int  # number of distinct shingles; 0 means "no usable text, never text-match"

    def jaccard(self, other: TextSignature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        if not self.size or not other.size or len(self.minhash) != len(other.minhash):
            return 0.0
        same: int = sum(map(operator.eq, self.minhash, other.minhash))
        return same / len(self.minhash)

    def similarity(self, other: TextSignature) -> float:
        """The grouping score: estimated Jaccard of title+summary word shingles."""
        return self.jaccard(other)


def normalize_words(text: str) -> list[str]:
    """Lower-cased content words: no markup, entities, possessives, punctuation or stopwords."""
    text = unicodedata.normalize("NFKC", html.unescape(_TAGS.sub(" ", text))).lower()
    text = _POSSESSIVE.sub("", text.replace("\u200b", ""))
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)  # u.s. -> us
    words: list[str] = []
    for token in _WORD.findall(text):
        words.extend(_ABBREVIATIONS.get(token, token).split())
    return [_stem(w) for w in words if w not in STOPWORDS]


def _stem(word: str) -> str:
    # Plural/possessive-level folding only: "missiles" ~ "missile", "talks" ~ "talk".
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def shingles(title: str, summary: str) -> set[str]:
    """Word unigrams and bigrams of the title and summary (bigrams keep some word order)."""
    out: set[str] = set()
    for part in (title, summary):
        words = normalize_words(part)
        out.update(words)
        out.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return out


_blake8 = functools.partial(hashlib.blake2b, digest_size=8)


def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed multiply-shift hash functions h(x) = (a*x + b) >> 32 over 64-bit x.

    A fixed seed (PCG64 is stable across platforms and numpy versions), so the same text
    gets the same signature in every process, and stored signatures stay comparable.
    """
    if num_perm not in _PERMUTATIONS:
        rng = np.random.default_rng(0x5EED)
        a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        _PERMUTATIONS[num_perm] = (a, b)
    return _PERMUTATIONS[num_perm]


_PERMUTATIONS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def minhash(items: Iterable[str], num_perm: int = NUM_PERM) -> tuple[int, ...]:
    """One minimum per hash function; empty input gives an all-max (never matching) vector."""
    digests = b"".join(_blake8(s.encode("utf-8")).digest() for s in items)
    x = np.frombuffer(digests, dtype=">u8").astype(np.uint64)
    if not x.size:
        return (_MAX32,) * num_perm
    a, b = _permutations(num_perm)
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        values = (x[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    return tuple(values.min(axis=0).tolist())


def text_signature(title: str, summary: str) -> TextSignature:
    """The stored fingerprint of an article's text."""
    items = shingles(title, summary)
    return TextSignature(minhash=minhash(items), size=len(items))


def lsh_keys(sig: TextSignature, bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """Band keys: two signatures sharing any key are candidates for a text match.

    Each key packs a band's minima and the band number into one 63-bit integer (cheap to
    store and index). Empty texts get no keys, otherwise every empty teaser would collide.
    """
    if not sig.size:
        return []
    keys = []
    for band in range(bands):
        chunk = sig.minhash[band * rows : (band + 1) * rows]
        value = band * _GOLDEN
        for minimum in chunk:
            value = ((value ^ minimum) * _MIX) & _MASK64
        keys.append(value >> 1)  # 63 bits: fits a signed BIGINT
    return keys


def lsh_keys_many(
    sigs: Sequence[TextSignature], bands: int = BANDS, rows: int = ROWS
) -> list[list[int]]:
    """lsh_keys() of many signatures in one numpy pass (identical keys)."""
    usable = [bool(s.size) and len(s.minhash) >= bands * rows for s in sigs]
    full = [s.minhash[: bands * rows] for s, ok in zip(sigs, usable, strict=True) if ok]
    if not full:
        return [lsh_keys(s, bands, rows) for s in sigs]
    minima = np.array(full, dtype=np.uint64).reshape(len(full), bands, rows)
    value = np.broadcast_to(
        np.arange(bands, dtype=np.uint64) * np.uint64(_GOLDEN), minima.shape[:2]
    )
    with np.errstate(over="ignore"):
        for r in range(rows):
            value = (value ^ minima[:, :, r]) * np.uint64(_MIX)
    keys = iter((value >> np.uint64(1)).tolist())
    return [
        next(keys) if ok else lsh_keys(s, bands, rows) for s, ok in zip(sigs, usable, strict=True)
    ]


def signature_to_bytes(sig: TextSignature) -> bytes:
    """Compact storage form: version, shingle count, permutation count, then the minima."""
    count = len(sig.minhash)
    return struct.pack(f">BIH{count}I", _FORMAT_VERSION, sig.size, count, *sig.minhash)


def signature_minima(data: bytes) -> np.ndarray | None:
    """The minima of a stored signature as a read-only uint32 array (no copy), or None
    for a text without shingles or a format this version does not know."""
    version, size, count = struct.unpack_from(">BIH", data)
    if version != _FORMAT_VERSION or not size:
        return None
    return np.frombuffer(data, dtype=">u4", count=count, offset=struct.calcsize(">BIH"))


def signature_from_bytes(data: bytes) -> TextSignature:
    version, size, count = struct.unpack_from(">BIH", data)
    if version != _FORMAT_VERSION:
        raise ValueError(f"unknown text signature format {version}")
    values = struct.unpack_from(f">{count}I", data, struct.calcsize(">BIH"))
    return TextSignature(minhash=tuple(values), size=size)
