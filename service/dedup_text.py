"""Near-duplicate text signatures: normalization, shingles, MinHash and LSH band keys.

Pure and deterministic across processes: every hash is blake2b or a fixed-seed permutation,
never Python's salted hash(), so signatures and band keys can be stored and compared later.
The settings below were chosen by measurement on real headline pairs (bench/DEDUP.md).
"""

from __future__ import annotations

import hashlib
import html
import re
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

NUM_PERM = 128
BANDS = 64
ROWS = NUM_PERM // BANDS  # 2 rows per band: finds pairs from Jaccard ~0.2 up (bench/DEDUP.md)
_MAX32 = 0xFFFFFFFF
_VALUES_PER_DIGEST = 16  # a 64-byte blake2b digest holds 16 independent 32-bit hash values
_FORMAT_VERSION = 1

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
        same = sum(1 for a, b in zip(self.minhash, other.minhash, strict=True) if a == b)
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


def _hash_values(shingle: str, num_perm: int) -> tuple[int, ...]:
    """num_perm independent 32-bit hashes of one shingle.

    Keyed blake2b digests stand in for random permutations: stable across processes and
    about twenty times faster in CPython than num_perm modular multiplications.
    """
    data = shingle.encode("utf-8")
    blocks = (num_perm + _VALUES_PER_DIGEST - 1) // _VALUES_PER_DIGEST
    raw = b"".join(
        hashlib.blake2b(data, digest_size=64, person=b"wwmh%04d" % i).digest()
        for i in range(blocks)
    )
    return struct.unpack_from(f">{num_perm}I", raw)


def minhash(items: Iterable[str], num_perm: int = NUM_PERM) -> tuple[int, ...]:
    """One minimum per hash function; empty input gives an all-max (never matching) vector."""
    rows = [_hash_values(s, num_perm) for s in items]
    if not rows:
        return (_MAX32,) * num_perm
    return tuple(map(min, zip(*rows, strict=True)))


def text_signature(title: str, summary: str) -> TextSignature:
    """The stored fingerprint of an article's text."""
    items = shingles(title, summary)
    return TextSignature(minhash=minhash(items), size=len(items))


def lsh_keys(sig: TextSignature, bands: int = BANDS) -> list[str]:
    """Band keys: two signatures sharing any key are candidates for a text match.

    Empty texts get no keys, otherwise every empty teaser would collide with every other.
    """
    if not sig.size:
        return []
    rows = len(sig.minhash) // bands
    keys = []
    for band in range(bands):
        chunk = sig.minhash[band * rows : (band + 1) * rows]
        digest = hashlib.blake2b(struct.pack(f">{rows}I", *chunk), digest_size=8).hexdigest()
        keys.append(f"{band:02d}:{digest}")
    return keys


def signature_to_bytes(sig: TextSignature) -> bytes:
    """Compact storage form: version, shingle count, permutation count, then the minima."""
    count = len(sig.minhash)
    return struct.pack(f">BIH{count}I", _FORMAT_VERSION, sig.size, count, *sig.minhash)


def signature_from_bytes(data: bytes) -> TextSignature:
    version, size, count = struct.unpack_from(">BIH", data)
    if version != _FORMAT_VERSION:
        raise ValueError(f"unknown text signature format {version}")
    values = struct.unpack_from(f">{count}I", data, struct.calcsize(">BIH"))
    return TextSignature(minhash=tuple(values), size=size)
