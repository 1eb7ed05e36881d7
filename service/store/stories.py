"""Repository functions for stories: their exact keys, their LSH band index over the
grouping window, and the stored signatures of candidate reports. The decision of which
story a report joins is service.stories.decide's; these are only its lookups and writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.store.dialect import insert_ignore
from service.store.models import ArticleRow, StoryBandRow, StoryKeyRow, StoryRow

BAND_CHUNK = 4000  # band keys per lookup: below SQLite's and PostgreSQL's parameter limits


def new_story(session: Session, first: ArticleRow) -> StoryRow:
    """A story whose first report is `first` (its id comes with the next flush)."""
    story = StoryRow(
        title=first.title, link=first.link, first_seen=first.first_seen, published=first.published
    )
    session.add(story)
    return story


def first_seen(session: Session, story_ids: Iterable[int]) -> dict[int, datetime]:
    ids = set(story_ids)
    if not ids:
        return {}
    query = select(StoryRow.id, StoryRow.first_seen).where(StoryRow.id.in_(ids))
    # Straight to the connection: through the session, each read would first look for
    # objects to flush and build ORM results, several times the query's own cost.
    return dict(session.connection().execute(query).all())


def stories_by_key(session: Session, keys: list[str]) -> dict[str, int]:
    query = select(StoryKeyRow.key, StoryKeyRow.story_id).where(StoryKeyRow.key.in_(set(keys)))
    return dict(session.connection().execute(query).all())


def insert_keys(session: Session, keys: dict[str, int | None]) -> None:
    # In key order: concurrent workers then lock the same keys in the same order.
    rows = [{"key": k, "story_id": s} for k, s in sorted(keys.items())]
    insert_ignore(session, StoryKeyRow, rows)


def band_rows(
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


def signatures(session: Session, article_ids: set[int]) -> dict[int, tuple[bytes, datetime]]:
    """The stored text signature and publication time of these articles."""
    if not article_ids:
        return {}
    query = select(ArticleRow.id, ArticleRow.signature, ArticleRow.published).where(
        ArticleRow.id.in_(article_ids), ArticleRow.signature.is_not(None)
    )
    rows = session.connection().execute(query).all()
    return {a: (raw, when) for a, raw, when in rows if raw is not None}


def insert_bands(session: Session, rows: list[tuple[int, int | None, int]]) -> None:
    """64 rows an article: straight to the driver's executemany, without SQLAlchemy's
    per-row parameter processing (plain integers need none)."""
    if not rows:
        return
    rows = sorted(rows, key=lambda row: (row[0], row[1] or 0))  # one lock order for all workers
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
