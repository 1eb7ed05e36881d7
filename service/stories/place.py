"""place_in_stories(): the story of each new report of a feed, decided by decide.py on
candidates the store finds. Exact keys and LSH bands are indexed lookups, made once per feed
for all of its new reports, so the cost does not grow with the number of stored stories."""

from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.store import stories as story_repo
from service.store.models import ArticleRow, StoryRow
from service.stories import signature as sig
from service.stories.decide import Candidate, Grouping, NewReport, choose_story
from service.stories.features import ReportText, distinctive_words, report_text
from service.stories.keys import exact_keys
from service.stories.meaning import OnFirstUse

MAX_CANDIDATES = 32  # stories compared per new report, whatever the collisions
# An index key shared by more stored reports than this is skipped: templated text fills
# such buckets, and reading them would make each report cost more as the window fills.
BUCKET_CAP = 64


@dataclass(frozen=True)
class Placement:
    story_id: int
    first_seen: datetime  # when the story was first seen (the quiet start of new themes)
    new_story: bool


@dataclass
class _Pending:
    row: ArticleRow
    keys: list[str]
    signature: sig.TextSignature
    bands: list[int]  # index keys: the LSH bands of its text and its rarest words
    report: NewReport
    story: StoryRow | None = None


def place_in_stories(
    session: Session,
    rows: list[ArticleRow],
    source_id: int,
    grouping: Grouping,
) -> dict[int, Placement]:
    """Placement of every row (by article id); rows without a story get one."""
    session.flush()
    placed = _placements(session, [r for r in rows if r.story_id is not None])
    pending = _prepare([r for r in rows if r.story_id is None])
    if not pending:
        return placed
    by_key = story_repo.stories_by_key(session, [k for p in pending for k in p.keys])
    candidates = _candidates(session, pending, source_id, grouping)
    model = OnFirstUse()  # loads the embedding model only when a pair needs it
    new_stories: dict[str, StoryRow] = {}
    for item in pending:
        keyed = next((by_key[k] for k in item.keys if k in by_key), None)
        story_id = choose_story(
            item.signature,
            item.row.published,
            candidates.get(item.row.id, []),
            grouping,
            keyed,
            item.report,
            model,
        )
        if story_id is not None:
            item.row.story_id = story_id
            continue
        # Two reports with one key in a single feed share the story made for the first.
        item.story = next((new_stories[k] for k in item.keys if k in new_stories), None)
        if item.story is None:
            item.story = story_repo.new_story(session, item.row)
        new_stories.update(dict.fromkeys(item.keys, item.story))
    session.flush()
    for item in pending:
        if item.story is not None:
            item.row.story_id = item.story.id
    session.flush()
    _remember(session, pending)
    fresh = {s.id for s in new_stories.values()}
    placed.update(_placements(session, [p.row for p in pending], fresh))
    return placed


def _prepare(rows: list[ArticleRow]) -> list[_Pending]:
    signatures = [sig.text_signature(row.title, row.summary) for row in rows]
    bands_of = sig.lsh_keys_many(signatures)
    pending = []
    for row, signature, bands in zip(rows, signatures, bands_of, strict=True):
        row.signature = sig.signature_to_bytes(signature)
        text = report_text(row.title, row.summary, row.published)
        report = NewReport(row.id, row.title, row.summary, text)
        keys = exact_keys(row.link, row.guid)
        pending.append(_Pending(row, keys, signature, bands + word_keys(text), report))
    return pending


def word_keys(text: ReportText) -> list[int]:
    """Index keys of the report's rarest words, beside its LSH bands: reports of one event
    written apart share few shingles but nearly always a name."""
    return [_word_key(w) for w in distinctive_words(text)]


def _word_key(word: str) -> int:
    digest = hashlib.blake2b(b"word:" + word.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1  # 63 bits, like the band keys


def _placements(
    session: Session, rows: list[ArticleRow], fresh: set[int] | None = None
) -> dict[int, Placement]:
    first_seen = story_repo.first_seen(session, {r.story_id for r in rows if r.story_id})
    return {
        r.id: Placement(r.story_id, first_seen[r.story_id], r.story_id in (fresh or ()))
        for r in rows
        if r.story_id is not None
    }


def _candidates(
    session: Session, pending: list[_Pending], source_id: int, grouping: Grouping
) -> dict[int, list[Candidate]]:
    """Candidate stories for each pending report (by article id): stored reports of other
    outlets that share band keys with it, the most-shared first, at most MAX_CANDIDATES.

    Band keys are cheap integers; signatures are read only for the few kept candidates,
    so boilerplate-like headlines that collide with many stories cost little."""
    chosen: dict[int, list[tuple[int, int]]] = {}
    for group in _close_in_time(pending, grouping.window):
        bands = {b for p in group for b in p.bands}
        if not bands:
            continue
        published = [p.row.published for p in group]
        rows = story_repo.band_rows(
            session,
            bands,
            source_id,
            min(published) - grouping.window,
            max(published) + grouping.window,
            BUCKET_CAP,
        )
        by_band: dict[int, list[tuple[int, int]]] = {}
        for band, story_id, article_id in rows:
            by_band.setdefault(band, []).append((story_id, article_id))
        chosen.update({p.row.id: _most_shared(p, by_band) for p in group})
    if not chosen:
        return {}
    founder = story_repo.first_reports(session, {s for picks in chosen.values() for s, _ in picks})
    wanted = {article_id for picks in chosen.values() for _, article_id in picks}
    stored = _stored(story_repo.candidate_reports(session, wanted | set(founder.values())))
    return {
        row_id: [
            replace(stored[article_id], story_id=story_id, first=_first(stored, founder, story_id))
            for story_id, article_id in _with_first_reports(picks, founder)
            if article_id in stored
        ]
        for row_id, picks in chosen.items()
    }


def _with_first_reports(
    picks: list[tuple[int, int]], founder: dict[int, int]
) -> list[tuple[int, int]]:
    """The picked reports, each followed by its story's first report: the index remembers
    one report per story and key, often a later one that drifted from what the new report
    says, while the first report is read anyway (for the first-report rule). Through poll
    and backtest: 3 more of 422 same-story pairs joined, no false merge more."""
    both = [
        pick
        for story_id, article_id in picks
        for pick in ((story_id, article_id), (story_id, founder.get(story_id, article_id)))
    ]
    # Each pair once, in order: the most-shared stories, each with its first report.
    return list(dict.fromkeys(both))[:MAX_CANDIDATES]


def _close_in_time(pending: list[_Pending], window: timedelta) -> list[list[_Pending]]:
    """The reports in groups published within one window of each other, each looked up
    with its own time range: a live poll is one group; a backfill of a year of items is
    many, and each finds what live polling would have found then."""
    groups: list[list[_Pending]] = []
    for item in sorted(pending, key=lambda p: p.row.published):
        if groups and item.row.published - groups[-1][0].row.published <= window:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _first(
    stored: dict[int, Candidate], founder: dict[int, int], story_id: int
) -> ReportText | None:
    first = stored.get(founder.get(story_id, -1))
    return None if first is None else first.text


def _stored(rows: dict[int, tuple[bytes | None, datetime, str, str]]) -> dict[int, Candidate]:
    """Candidates by article (story 0 until known): MinHash minima as a view on the stored
    bytes (no per-value unpacking), and the text the story model reads."""
    out = {}
    for article_id, (raw, when, title, summary) in rows.items():
        minima = sig.signature_minima(raw) if raw is not None else None
        text = _text_of(article_id, title, summary, when)
        out[article_id] = Candidate(0, minima, when, article_id, title, summary, text)
    return out


_TEXTS: OrderedDict[int, tuple[str, str, ReportText]] = OrderedDict()
TEXT_CACHE = 1024  # the recent candidates: each is read for several new reports (~5 KB each)


def _text_of(article_id: int, title: str, summary: str, when: datetime) -> ReportText:
    """A stored report's words, kept for the next reports that find it; an edited report
    (another headline or teaser under the same id) is read again."""
    found = _TEXTS.get(article_id)
    if found is not None and found[:2] == (title, summary) and found[2].published == when:
        _TEXTS.move_to_end(article_id)
        return found[2]
    text = report_text(title, summary, when)
    _TEXTS[article_id] = (title, summary, text)
    while len(_TEXTS) > TEXT_CACHE:
        _TEXTS.popitem(last=False)
    return text


def _most_shared(
    item: _Pending, by_band: dict[int, list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    shared: Counter[tuple[int, int]] = Counter()
    for band in item.bands:
        shared.update(by_band.get(band, ()))
    # Near-duplicates share several bands (about 5 of 64 at the threshold); when many
    # stories collide, one shared band is noise.
    floor = 1 if len(shared) <= MAX_CANDIDATES else 2
    return [pair for pair, n in shared.most_common(MAX_CANDIDATES) if n >= floor]


def _remember(session: Session, pending: list[_Pending]) -> None:
    """Store the keys and bands of the placed reports, for the reports still to come."""
    ids = [(p, p.row.story_id, p.row.id) for p in pending]  # ORM attribute reads, once each
    keys = {k: story for p, story, _ in ids for k in p.keys}
    story_repo.insert_keys(session, keys)
    bands = {(b, story): article for p, story, article in ids for b in p.bands}
    story_repo.insert_bands(session, [(b, s, a) for (b, s), a in bands.items()])
