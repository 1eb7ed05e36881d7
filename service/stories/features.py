"""What two reports have in common, as numbers the story model weighs (model.py).

Words are weighted by how rare they are in English (wordfreq's small list: a common word
says little, a name or a rare word says much), so "Kishida" and "normalize" count and "the"
and "says" do not. All of it is bounded by the text: at most MAX_WORDS words a report.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

MAX_WORDS = 400  # words read from a headline + teaser; the rest adds nothing to a match
_WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
NAME_RARITY = 3.0  # a capitalised word at least this rare is taken for a name
TOP_RARITY = 8.0  # the rarity of a word wordfreq does not know


@lru_cache(maxsize=50_000)  # about 5 MB: the words of a busy window
def rarity(word: str) -> float:
    """8 minus the word's Zipf frequency in English (0.5 for the commonest words, 8 for a
    word the list does not have): an IDF that needs no corpus of our own."""
    return max(0.5, TOP_RARITY - _zipf(word))


def _zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # without the list every word counts the same
        return 4.0
    return float(zipf_frequency(word, "en", wordlist="small"))


@dataclass(frozen=True)
class ReportText:
    """The parts of a report the features read, computed once per report."""

    title_words: dict[str, float]  # word -> count x rarity
    words: dict[str, float]  # the same for headline + teaser
    names: frozenset[str]
    numbers: frozenset[str]
    published: datetime
    title_norm: float = 0.0
    norm: float = 0.0


def report_text(title: str, summary: str, published: datetime) -> ReportText:
    title, summary = _clean(title), _clean(summary)
    title_words = _words(title)
    both = f"{title} {summary}"
    names: set[str] = set()
    for found in _WORD.finditer(both):
        word = found.group()
        if len(names) < MAX_WORDS and word[:1].isupper() and len(word) > 1:
            lower = _fold(word)
            if rarity(lower) > NAME_RARITY:
                names.add(lower)
    words = _words(both)
    return ReportText(
        title_words,
        words,
        frozenset(names),
        frozenset(_NUMBER.findall(both)[:MAX_WORDS]),
        published,
        _norm(title_words),
        _norm(words),
    )


DISTINCTIVE_RARITY = 4.5  # rarer than about one word in 30,000 of English text
DISTINCTIVE_WORDS = 6


def distinctive_words(text: ReportText) -> list[str]:
    """The report's rarest words (names, places, unusual terms): two reports of one event
    nearly always share one, even when written apart. Indexed to find candidates."""
    words = [
        w for w in text.words if len(w) >= 3 and not w.isdigit() and rarity(w) >= DISTINCTIVE_RARITY
    ]
    words.sort(key=lambda w: (-rarity(w), w))
    return words[:DISTINCTIVE_WORDS]


def _clean(text: str) -> str:
    return html.unescape(text or "")


def _fold(word: str) -> str:
    return word.lower().replace("’", "'")


def _words(text: str) -> dict[str, float]:
    counts = Counter(_fold(w) for w in _WORD.findall(text)[:MAX_WORDS])
    return {w: n * rarity(w) for w, n in counts.items()}


def _norm(weights: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in weights.values()))


def _cosine(a: dict[str, float], b: dict[str, float], norm_a: float, norm_b: float) -> float:
    if not norm_a or not norm_b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(v * large[w] for w, v in small.items() if w in large)
    return dot / (norm_a * norm_b)


LEXICAL = (
    "words",  # rarity-weighted cosine of headline + teaser
    "headlines",  # the same over the headlines alone
    "log_hours",  # log(1 + hours between the publications)
    "over_a_day",  # 1 when more than 24 h apart
    "names_shared",  # Jaccard index of the names
    "names_weight",  # log(1 + the summed rarity of the shared names)
    "numbers_shared",  # 1 when a number appears in both
    "numbers_differ",  # 1 when both have numbers and share none
    "rarest_shared",  # the rarity of the rarest shared word, / 8
    "words_close",  # `words` when published within 12 h, else 0
)
WITH_MEANING = ("meaning", "meaning_close")  # sentence-embedding cosine, and within 12 h


def lexical_features(a: ReportText, b: ReportText) -> list[float]:
    hours = abs((a.published - b.published).total_seconds()) / 3600
    words = _cosine(a.words, b.words, a.norm, b.norm)
    names = a.names & b.names
    union = a.names | b.names
    shared_words = a.words.keys() & b.words.keys()
    return [
        words,
        _cosine(a.title_words, b.title_words, a.title_norm, b.title_norm),
        math.log1p(hours),
        1.0 if hours > 24 else 0.0,
        len(names) / len(union) if union else 0.0,
        math.log1p(sum(rarity(n) for n in names)),
        1.0 if a.numbers & b.numbers else 0.0,
        1.0 if a.numbers and b.numbers and not (a.numbers & b.numbers) else 0.0,
        max((rarity(w) for w in shared_words), default=0.0) / TOP_RARITY,
        words if hours < 12 else 0.0,
    ]


def meaning_features(similarity: float, a: ReportText, b: ReportText) -> list[float]:
    hours = abs((a.published - b.published).total_seconds()) / 3600
    return [similarity, similarity if hours < 12 else 0.0]
