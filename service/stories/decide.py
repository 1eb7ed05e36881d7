"""The one story decision: which story a new report joins, if any.

Order of evidence: an exact key the report shares with a story (canonical URL, global guid;
keys.py); then, among other outlets' reports in the window, found through an index (LSH
bands of the text and the report's rarest words, looked up in the store, so the cost does
not grow with history): a near-copy (MinHash similarity at the threshold), or a report the
story model (model.py) judges the same story from shared words, names, numbers, time and,
when the model is installed, meaning. The most convincing candidate wins.
Pure but for the embedding model: place.py feeds it from the database; tests and benches
call the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np

from service.stories.features import ReportText
from service.stories.model import same_story
from service.stories.signature import TextSignature

# Chosen from bench/DEDUP.md: the highest recall at which precision on 315 labelled
# cross-outlet pairs stays >= 0.95 (P 0.960, R 0.139) for this MinHash estimator.
DEFAULT_THRESHOLD = 0.28
DEFAULT_WINDOW = timedelta(hours=72)
# A report joins a story only within this of the story's first report. Stories drift (the
# launch, the reactions, the analysis a day later), and a chain of close pairs would
# otherwise carry a report into a story whose first report it shares nothing with. Through
# poll and backtest (bench/eval_stories.py) at the pairs' threshold: precision 0.946 ->
# 0.953, and recall 0.751 -> 0.763 (reports join the fresher story of an event instead).
STORY_SPAN = timedelta(hours=48)
# And only when words and time alone give it at least this probability against the story's
# first report: a story is what its first report says, and a report that matched one of its
# later reports may have drifted from it (the launch; the reactions; a profile of the man
# who ordered it). Through poll and backtest: false merges 8 -> 6 of 301, recall unchanged.
FIRST_REPORT_FLOOR = 0.5
# Below this probability from words and time alone, the embedding is not worth computing:
# every same-story pair of the labelled ones that the full model accepts scores 0.66 or
# more on words and time (bench/fit_story_model.py).
MEANING_FLOOR = 0.6
# Embeddings compared per report: its two most probable candidates (a story's first report
# and the report the index found are often both plausible). Through poll and backtest: 5
# more of 422 same-story pairs joined than with one, for 10% more embeddings; three add none.
MEANING_CANDIDATES = 2
# At or above this probability from words and time alone the embedding is not asked
# either: all 105 labelled pairs there are the same story and the full model accepts each.
WORDS_DECIDE = 0.95


@dataclass(frozen=True)
class Grouping:
    threshold: float = DEFAULT_THRESHOLD
    window: timedelta = DEFAULT_WINDOW


class Similarity(Protocol):
    def similarity(self, a: tuple[int, str, str], b: tuple[int, str, str]) -> float | None: ...


@dataclass(frozen=True)
class Candidate:
    """A stored report of another outlet, found through a shared index key."""

    story_id: int
    minima: np.ndarray | None  # its MinHash minima (uint32), as stored; None: no words
    published: datetime
    article_id: int = 0
    title: str = ""
    summary: str = ""
    text: ReportText | None = None
    first: ReportText | None = None  # the story's first report


@dataclass(frozen=True)
class NewReport:
    """The report being placed, as the story model reads it."""

    article_id: int
    title: str
    summary: str
    text: ReportText


def candidate(story_id: int, signature: TextSignature, published: datetime) -> Candidate:
    return Candidate(story_id, np.asarray(signature.minhash, dtype=np.uint32), published)


def choose_story(
    signature: TextSignature,
    published: datetime,
    candidates: Sequence[Candidate],
    grouping: Grouping = Grouping(),
    keyed: int | None = None,
    report: NewReport | None = None,
    meaning: Similarity | None = None,
) -> int | None:
    """The story the report joins: `keyed` (the story of one of its exact keys) if any,
    else the most convincing candidate published within the window, of a story that began
    within STORY_SPAN of the report and whose first report words and time do not rule out
    (FIRST_REPORT_FLOOR; a near-copy first,
    then the story model's most probable match over its threshold), else None (a new
    story). Ties go to the earlier report, then the lower story id, so replaying the same
    input always picks the same story. Without `report` only near-copies group."""
    if keyed is not None:
        return keyed
    usable = [
        c
        for c in candidates
        if abs(c.published - published) <= grouping.window
        and (c.first is None or abs(c.first.published - published) <= STORY_SPAN)
    ]
    if not usable:
        return None
    own = np.asarray(signature.minhash, dtype=np.uint32)
    copies = _near_copy(own, signature, usable)
    # A near-copy outranks any model match: the model is not asked when there is one.
    near = any(copy >= grouping.threshold for copy in copies)
    scores = [None] * len(usable) if near else _model_scores(report, usable, meaning)
    ranked: list[tuple[float, float, int, int]] = []
    for n, (c, copy, model) in enumerate(zip(usable, copies, scores, strict=True)):
        score = 2.0 + copy if copy >= grouping.threshold else model
        if score is not None:
            ranked.append((score, -c.published.timestamp(), -c.story_id, n))
    for score, _, _, n in sorted(ranked, reverse=True):
        if score >= 2.0 or _true_to_first_report(report, usable[n]):
            return usable[n].story_id
    return None


def _true_to_first_report(report: NewReport | None, c: Candidate) -> bool:
    if report is None or c.first is None or c.first is c.text:
        return True
    return same_story(report.text, c.first, None)[0] >= FIRST_REPORT_FLOOR


def _near_copy(
    own: np.ndarray, signature: TextSignature, usable: Sequence[Candidate]
) -> list[float]:
    """The estimated Jaccard index of every candidate's words, in one numpy pass."""
    scores = [0.0] * len(usable)
    if not signature.size:
        return scores
    rows = [i for i, c in enumerate(usable) if c.minima is not None and c.minima.shape == own.shape]
    if rows:
        stacked = np.stack([usable[i].minima for i in rows])  # type: ignore[misc]
        same = np.count_nonzero(stacked == own, axis=1) / own.size
        for i, value in zip(rows, same.tolist(), strict=True):
            scores[i] = value
    return scores


def _model_scores(
    report: NewReport | None, usable: Sequence[Candidate], meaning: Similarity | None
) -> list[float | None]:
    """The story model's probability for each candidate it calls the same story, else
    None. Words and time first, for all; the embedding (tens of milliseconds a report)
    then only for the most probable candidates, and only when words and time make it
    plausible (MEANING_FLOOR) but do not decide it (WORDS_DECIDE): most new reports have no
    such candidate and are never embedded. Whether the report matches a theme plays no
    part: a story is the same story on the desk's page, in a backtest and in an alert."""
    if report is None:
        return [None] * len(usable)
    lexical = [
        same_story(report.text, c.text, None) if c.text is not None else (0.0, False)
        for c in usable
    ]
    out: list[float | None] = [p if same else None for p, same in lexical]
    if meaning is None:
        return out
    ranked = sorted(range(len(usable)), key=lambda i: -lexical[i][0])[:MEANING_CANDIDATES]
    for i in ranked:
        c = usable[i]
        if lexical[i][0] < MEANING_FLOOR or c.text is None:
            break
        if lexical[i][0] >= WORDS_DECIDE:
            continue  # already accepted on words and time
        similarity = meaning.similarity(
            (report.article_id, report.title, report.summary), (c.article_id, c.title, c.summary)
        )
        if similarity is not None:
            probability, same = same_story(report.text, c.text, similarity)
            out[i] = probability if same else None
    return out
