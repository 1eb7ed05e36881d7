"""What two reports have in common, as numbers the story model weighs (model.py).

Words are weighted by how rare they are in English (wordfreq's small list: a common word
says little, a name or a rare word says much), so "Kishida" and "normalize" count and "the"
and "says" do not. The weight is capped: past one word in 10,000 of English text, rarer is
not more telling (an uncapped weight let one shared name outweigh the rest of the text,
and the model recalled 0.78 instead of 0.80 of the same-story pairs). All of it is bounded
by the text: at most MAX_WORDS words a report.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from service.stories.forms import not_a_report

MAX_WORDS = 400  # words read from a headline + teaser; the rest adds nothing to a match
_WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")
TOP_RARITY = 8.0  # the rarity of a word wordfreq does not know
WEIGHT_CAP = 4.0  # a word's weight in the cosines: its rarity, at most this


def rarity(word: str) -> float:
    """8 minus the word's Zipf frequency in English (0.5 for the commonest words, 8 for a
    word the list does not have): an IDF that needs no corpus of our own."""
    if word.isascii() and word.isalpha():  # most words: one token to wordfreq, as it is
        english = _english_rarities()
        if english is not None:
            return english.get(word, TOP_RARITY)
    return _rarity_by_wordfreq(word)


@lru_cache(maxsize=1)
def _english_rarities() -> dict[str, float] | None:
    """The rarity of every word of wordfreq's small English list (29,000 words), computed
    once: a plain word is then one dict lookup. Built from the list uncached (wordfreq
    would keep its word -> frequency dict besides), so it holds what that dict would."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:
        return None
    frequencies = get_frequency_dict.__wrapped__("en", wordlist="small")
    return {w: max(0.5, TOP_RARITY - _zipf_of(f)) for w, f in frequencies.items()}


def _zipf_of(frequency: float) -> float:
    """zipf_frequency's arithmetic for one token: at least 1e-9 (Zipf 0), rounded to three
    significant digits, then to hundredths of a Zipf unit (a test holds them equal)."""
    frequency = max(1.0 / (1.0 / frequency), 1e-9) if frequency else 1e-9
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)
    return round(math.log(frequency, 10) + 9, 2)


@lru_cache(maxsize=4096)  # words with digits, dots, apostrophes or accents: fewer
def _rarity_by_wordfreq(word: str) -> float:
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

    title_words: dict[str, float]  # word -> count x weight
    words: dict[str, float]  # the same for headline + teaser
    published: datetime
    commentary: bool  # the headline marks an explainer, opinion, live page, ... (forms.py)
    title_norm: float = 0.0
    norm: float = 0.0


def report_text(title: str, summary: str, published: datetime) -> ReportText:
    title, summary = _clean(title), _clean(summary)
    title_words = _words(title)
    words = _words(f"{title} {summary}")
    return ReportText(
        title_words,
        words,
        published,
        not_a_report(title),
        _norm(title_words),
        _norm(words),
    )


# Rarer than about one word in 30,000 of English text. Event words are not rare English
# ("wartime", "detained", "satellite"), and two reports of one event written apart often
# share only those. Recall through poll and backtest at the pairs' threshold: 0.76 with 10
# words at 3.5, 0.70 with 6 at 4.5 (about one in 300,000; bench/DEDUP.md).
DISTINCTIVE_RARITY = 3.5
DISTINCTIVE_WORDS = 10


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
    return {w: n * min(WEIGHT_CAP, rarity(w)) for w, n in counts.items()}


def _norm(weights: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in weights.values()))


def _cosine(a: dict[str, float], b: dict[str, float], norm_a: float, norm_b: float) -> float:
    if not norm_a or not norm_b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(v * large[w] for w, v in small.items() if w in large)
    return dot / (norm_a * norm_b)


LEXICAL = (
    "words",  # weighted cosine of headline + teaser
    "headlines",  # the same over the headlines alone
    "days",  # days between the publications
    "words_close",  # `words` when published within 12 h, else 0
    "form_differs",  # 1 when one is a report and the other an explainer, live page, ...
    "both_forms",  # 1 when neither is a plain report
)
WITH_MEANING = ("meaning", "meaning_close")  # sentence-embedding cosine, and within 12 h
CLOSE_HOURS = 12


def lexical_features(a: ReportText, b: ReportText) -> list[float]:
    hours = abs((a.published - b.published).total_seconds()) / 3600
    words = _cosine(a.words, b.words, a.norm, b.norm)
    return [
        words,
        _cosine(a.title_words, b.title_words, a.title_norm, b.title_norm),
        hours / 24,
        words if hours < CLOSE_HOURS else 0.0,
        1.0 if a.commentary != b.commentary else 0.0,
        1.0 if a.commentary and b.commentary else 0.0,
    ]


def meaning_features(similarity: float, a: ReportText, b: ReportText) -> list[float]:
    hours = abs((a.published - b.published).total_seconds()) / 3600
    return [similarity, similarity if hours < CLOSE_HOURS else 0.0]
