"""Which story each new article joins: exact keys first (canonical URL, global guid), then
near-duplicate text via LSH bands. Both are indexed lookups, done once per feed for all of
its new articles, so the cost does not grow with the number of stored stories."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.store.dialect import insert_ignore
from service.store.models import ArticleRow, StoryBandRow, StoryKeyRow, StoryRow
from service.stories import decide as dedup

MAX_CANDIDATES = 32  # stories compared per new article, whatever the collisions
BAND_CHUNK = 4000  # band keys per lookup: below SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class Grouping:
    threshold: float = dedup.DEFAULT_THRESHOLD
    window: timedelta = dedup.DEFAULT_WINDOW


@dataclass(frozen=True)
class Placement:
    story_id: int
    first_seen: datetime  # when the story was first seen (the quiet start of new themes)
    new_story: bool


@dataclass
class _Pending:
    row: ArticleRow
    keys: list[str]
    signature: dedup.TextSignature
    bands: list[int]
    story: StoryRow | None = None


def exact_keys(row: ArticleRow) -> list[str]:
    keys = ["url:" + dedup.story_url_key(row.link)[:500]]
    if row.guid and _global_guid(row.guid):
        keys.append("guid:" + row.guid.strip()[:500])
    return keys


def _global_guid(guid: str) -> bool:
    # Short or numeric guids ("12345") repeat across outlets; URLs and UUIDs do not.
    guid = guid.strip()
    return len(guid) >= 16 and not guid.isdigit()


def place_in_stories(
    session: Session, rows: list[ArticleRow], source_id: int, grouping: Grouping
) -> dict[int, Placement]:
    """Placement of every row (by article id); rows without a story get one."""
    # The reads below go straight to the connection: through the session, each would first
    # look for objects to flush and build ORM results, several times the query's own cost.
    session.flush()
    placed = _existing(session, [r for r in rows if r.story_id is not None])
    pending = _prepare([r for r in rows if r.story_id is None])
    if not pending:
        return placed
    by_key = _stories_by_key(session, [k for p in pending for k in p.keys])
    candidates = _candidates(session, pending, source_id, grouping)
    new_stories: dict[str, StoryRow] = {}
    for item in pending:
        story_id = next((by_key[k] for k in item.keys if k in by_key), None)
        if story_id is None:
            story_id = _by_text(item, candidates, grouping)
        if story_id is not None:
            item.row.story_id = story_id
            continue
        # Two reports with one key in a single feed share the story made for the first.
        item.story = next((new_stories[k] for k in item.keys if k in new_stories), None)
        if item.story is None:
            item.story = StoryRow(
                title=item.row.title, link=item.row.link,
                first_seen=item.row.first_seen, published=item.row.published,
            )  # fmt: skip
            session.add(item.story)
        new_stories.update(dict.fromkeys(item.keys, item.story))
    session.flush()
    for item in pending:
        if item.story is not None:
            item.row.story_id = item.story.id
    session.flush()
    _record_keys(session, pending)
    placed.update(_existing(session, [p.row for p in pending], new=new_stories.values()))
    return placed


def _prepare(rows: list[ArticleRow]) -> list[_Pending]:
    signatures = [dedup.text_signature(row.title, row.summary) for row in rows]
    bands_of = dedup.lsh_keys_many(signatures)
    pending = []
    for row, signature, bands in zip(rows, signatures, bands_of, strict=True):
        row.signature = dedup.signature_to_bytes(signature)
        pending.append(_Pending(row, exact_keys(row), signature, bands))
    return pending


def _existing(
    session: Session, rows: list[ArticleRow], new: Iterable[StoryRow] = ()
) -> dict[int, Placement]:
    fresh = {s.id for s in new}
    ids = {r.story_id for r in rows if r.story_id is not None}
    if not ids:
        return {}
    first_seen = dict(
        session.connection()
        .execute(select(StoryRow.id, StoryRow.first_seen).where(StoryRow.id.in_(ids)))
        .all()
    )
    return {
        r.id: Placement(r.story_id, first_seen[r.story_id], r.story_id in fresh)
        for r in rows
        if r.story_id is not None
    }


def _stories_by_key(session: Session, keys: list[str]) -> dict[str, int]:
    query = select(StoryKeyRow.key, StoryKeyRow.story_id).where(StoryKeyRow.key.in_(set(keys)))
    return dict(session.connection().execute(query).all())


_Candidate = tuple[int, np.ndarray, datetime]  # story id, stored minima, published


def _candidates(
    session: Session, pending: list[_Pending], source_id: int, grouping: Grouping
) -> dict[int, list[_Candidate]]:
    """Candidate stories for each pending article (by article id): stored articles of other
    outlets that share band keys with it, the most-shared first, at most MAX_CANDIDATES.

    Band keys are cheap integers; signatures are read only for the few kept candidates,
    so boilerplate-like headlines that collide with many stories cost little.
    """
    bands = {b for p in pending for b in p.bands}
    if not bands:
        return {}
    published = [p.row.published for p in pending]
    rows = _band_rows(
        session,
        bands,
        source_id,
        min(published) - grouping.window,
        max(published) + grouping.window,
    )
    by_band: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for band, story_id, article_id in rows:
        by_band[band].append((story_id, article_id))
    chosen = {p.row.id: _most_shared(p, by_band) for p in pending}
    wanted = {article_id for picks in chosen.values() for _, article_id in picks}
    stored = _signatures(session, wanted)
    return {
        row_id: [
            (story_id, *stored[article_id])
            for story_id, article_id in picks
            if article_id in stored
        ]
        for row_id, picks in chosen.items()
    }


def _band_rows(
    session: Session, bands: set[int], source_id: int, start: datetime, end: datetime
) -> list[tuple[int, int, int]]:
    """(band, story, article) of other outlets' articles published in [start, end] that
    share a band. Straight to the driver: a feed's new articles look up a few thousand
    integer keys, and SQLAlchemy's per-value IN expansion would cost more than the query.
    Near-duplicate text within one outlet is its own boilerplate ("Statement by the Press
    Secretary on ..."), not the same story: those share a guid or URL instead."""
    connection = session.connection()
    dialect = connection.dialect
    when = ArticleRow.published.type.bind_processor(dialect)
    low, high = (when(start), when(end)) if when else (start, end)
    mark = "%s" if dialect.name == "postgresql" else "?"
    out: list[tuple[int, int, int]] = []
    keys = list(bands)
    for first in range(0, len(keys), BAND_CHUNK):
        chunk = keys[first : first + BAND_CHUNK]
        sql = (
            "SELECT b.band, b.story_id, b.article_id FROM story_bands b "
            "JOIN articles a ON a.id = b.article_id "
            f"WHERE b.band IN ({', '.join([mark] * len(chunk))}) "
            f"AND a.source_id != {mark} AND a.published >= {mark} AND a.published <= {mark}"
        )
        out += connection.exec_driver_sql(sql, (*chunk, source_id, low, high)).all()
    return out


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


def _signatures(session: Session, article_ids: set[int]) -> dict[int, tuple[np.ndarray, datetime]]:
    """Stored MinHash minima (a view on the stored bytes: no per-value unpacking) and
    publication time of these articles; texts without shingles never text-match."""
    if not article_ids:
        return {}
    rows = (
        session.connection()
        .execute(
            select(ArticleRow.id, ArticleRow.signature, ArticleRow.published).where(
                ArticleRow.id.in_(article_ids), ArticleRow.signature.is_not(None)
            )
        )
        .all()
    )
    out = {}
    for article_id, raw, when in rows:
        minima = dedup.signature_minima(raw) if raw is not None else None
        if minima is not None:
            out[article_id] = (minima, when)
    return out


def _by_text(
    item: _Pending, candidates: dict[int, list[_Candidate]], grouping: Grouping
) -> int | None:
    own = np.asarray(item.signature.minhash, dtype=np.uint32)
    mine = [c for c in candidates.get(item.row.id, ()) if c[1].shape == own.shape]
    if not mine or not item.signature.size:
        return None
    # dedup.choose_story's rule, with the similarity of all candidates in one numpy pass.
    same = np.count_nonzero(np.stack([minima for _, minima, _ in mine]) == own, axis=1)
    scored = (
        (score, when, story_id)
        for score, (story_id, _, when) in zip((same / own.size).tolist(), mine, strict=True)
    )
    return dedup.pick_best(scored, item.row.published, grouping.threshold, grouping.window)


def _record_keys(session: Session, pending: list[_Pending]) -> None:
    ids = [(p, p.row.story_id, p.row.id) for p in pending]  # ORM attribute reads, once each
    keys = {k: story for p, story, _ in ids for k in p.keys}
    insert_ignore(session, StoryKeyRow, [{"key": k, "story_id": s} for k, s in keys.items()])
    bands = {(b, story): article for p, story, article in ids for b in p.bands}
    _insert_bands(session, [(b, s, a) for (b, s), a in bands.items()])


def _insert_bands(session: Session, rows: list[tuple[int, int | None, int]]) -> None:
    """64 rows an article: straight to the driver's executemany, without SQLAlchemy's
    per-row parameter processing (plain integers need none)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        sql = (
            "INSERT INTO story_bands (band, story_id, article_id) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING"
        )
    else:
        sql = "INSERT OR IGNORE INTO story_bands (band, story_id, article_id) VALUES (?, ?, ?)"
    connection.exec_driver_sql(sql, rows)


PRUNE_BATCH = 5_000  # articles whose bands go in one statement: short write locks


def prune_bands(session: Session, before: datetime, limit: int = PRUNE_BATCH) -> int:
    """Delete the LSH bands of up to `limit` articles published before `before`; returns
    how many articles lost their bands. Only articles within the grouping window of a new
    one are ever candidates, so older bands are dead weight that would otherwise grow the
    table (64 rows an article) and slow every insert and lookup as the years go by."""
    old = (
        select(StoryBandRow.article_id)
        .join(ArticleRow, ArticleRow.id == StoryBandRow.article_id)
        .where(ArticleRow.published < before)
        .distinct()
        .limit(limit)
    )
    ids = list(session.scalars(old))
    if ids:
        session.execute(delete(StoryBandRow).where(StoryBandRow.article_id.in_(ids)))
    return len(ids)
