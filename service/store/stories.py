"""Repository functions for stories: their exact keys, their LSH band index over the
grouping window, and the stored signatures of candidate reports. The decision of which
story a report joins is service.stories.decide's; these are only its lookups and writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.store.db import in_chunks
from service.store.dialect import insert_ignore
from service.store.models import ArticleRow, SourceRow, StoryBandRow, StoryKeyRow, StoryRow

BAND_CHUNK = 4000  # band keys per lookup: below SQLite's and PostgreSQL's parameter limits


def new_story(session: Session, first: ArticleRow) -> StoryRow:
    """A story whose first report is `first` (its id comes with the next flush)."""
    story = StoryRow(
        title=first.title, link=first.link, first_seen=first.first_seen, published=first.published
    )
    session.add(story)
    return story


def first_seen(session: Session, story_ids: Iterable[int]) -> dict[int, datetime]:
    """When each story was first seen."""
    ids = set(story_ids)
    if not ids:
        return {}
    query = select(StoryRow.id, StoryRow.first_seen).where(StoryRow.id.in_(ids))
    # Straight to the connection: through the session, each read would first look for
    # objects to flush and build ORM results, several times the query's own cost.
    return dict(session.connection().execute(query).all())


FIRST_REPORTS_CHUNK = 500  # story ids a statement


def first_reports(session: Session, story_ids: Iterable[int]) -> dict[int, int]:
    """The first report (article id) of each story: the earliest published (the lowest id
    of those), which in a backfill need not be the one the story was made for.

    Ranked within each story, read through the story index: joining on the earliest
    publication time instead let SQLite look the time up in the publication index, where
    a feed's many items of one instant (a templated feed, a backfill of undated entries)
    made every lookup a scan: 340 ms instead of 3 for 500 stories among 4,000 articles,
    and growing with history."""
    out: dict[int, int] = {}
    for chunk in in_chunks(sorted(set(story_ids)), FIRST_REPORTS_CHUNK):
        order = func.row_number().over(
            partition_by=ArticleRow.story_id, order_by=(ArticleRow.published, ArticleRow.id)
        )
        ranked = (
            select(ArticleRow.story_id, ArticleRow.id, order.label("n"))
            .where(ArticleRow.story_id.in_(chunk))
            .subquery()
        )
        query = select(ranked.c.story_id, ranked.c.id).where(ranked.c.n == 1)
        out.update((story, first) for story, first in session.connection().execute(query))
    return out


def stories_by_key(session: Session, keys: list[str]) -> dict[str, int]:
    query = select(StoryKeyRow.key, StoryKeyRow.story_id).where(StoryKeyRow.key.in_(set(keys)))
    return dict(session.connection().execute(query).all())


def carried_by_several(session: Session, limit: int) -> list[tuple[str, list[str]]]:
    """(headline, outlets) of the stories reported by more than one source, newest first."""
    several = (
        select(ArticleRow.story_id)
        .where(ArticleRow.story_id.is_not(None))
        .group_by(ArticleRow.story_id)
        .having(func.count(func.distinct(ArticleRow.source_id)) > 1)
    )
    stories = session.execute(
        select(StoryRow.id, StoryRow.title)
        .where(StoryRow.id.in_(several))
        .order_by(StoryRow.published.desc())
        .limit(limit)
    ).all()
    out = []
    for story_id, title in stories:
        names = session.scalars(
            select(SourceRow.name)
            .join(ArticleRow, ArticleRow.source_id == SourceRow.id)
            .where(ArticleRow.story_id == story_id)
            .order_by(ArticleRow.published)
        ).all()
        out.append((title, list(dict.fromkeys(names))))
    return out


def insert_keys(session: Session, keys: dict[str, int | None]) -> None:
    # In key order: concurrent workers then lock the same keys in the same order.
    rows = [{"key": k, "story_id": s} for k, s in sorted(keys.items())]
    insert_ignore(session, StoryKeyRow, rows)


def band_rows(
    session: Session,
    bands: set[int],
    source_id: int,
    start: datetime,
    end: datetime,
    bucket_cap: int = 10**9,
) -> list[tuple[int, int, int]]:
    """(band, story, article) of other outlets' articles published in [start, end] that
    share a band. Straight to the driver: a feed's new articles look up a few thousand
    integer keys, and SQLAlchemy's per-value IN expansion would cost more than the query.
    Near-duplicate text within one outlet is its own boilerplate ("Statement by the Press
    Secretary on ..."), not the same story: those share a guid or URL instead.

    A band key stored for more than `bucket_cap` articles published in [start, end] is
    skipped: templated text (briefings, market or weather reports) fills such buckets, and
    reading them would make every new report cost more as the window fills. Counted in the
    window, not over all stored bands: a backfill of a year of items must find the same
    candidates as live polling did (a name in the news all year is not boilerplate)."""
    connection = session.connection()
    dialect = connection.dialect
    when = ArticleRow.published.type.bind_processor(dialect)
    low, high = (when(start), when(end)) if when else (start, end)
    mark = "%s" if dialect.name == "postgresql" else "?"
    out: list[tuple[int, int, int]] = []
    for chunk in in_chunks(list(bands), BAND_CHUNK):
        marks = ", ".join([mark] * len(chunk))
        sql = (
            "SELECT b.band, b.story_id, b.article_id FROM story_bands b "
            "JOIN articles a ON a.id = b.article_id "
            "WHERE b.band IN (SELECT s.band FROM story_bands s "
            f"JOIN articles x ON x.id = s.article_id WHERE s.band IN ({marks}) "
            f"AND x.published >= {mark} AND x.published <= {mark} "
            f"GROUP BY s.band HAVING COUNT(*) <= {mark}) "
            f"AND a.source_id != {mark} AND a.published >= {mark} AND a.published <= {mark}"
        )
        params = (*chunk, low, high, bucket_cap, source_id, low, high)
        out += connection.exec_driver_sql(sql, params).all()
    return out


def candidate_reports(
    session: Session, article_ids: set[int]
) -> dict[int, tuple[bytes | None, datetime, str, str]]:
    """(text signature, publication time, headline, teaser) of these articles."""
    if not article_ids:
        return {}
    query = select(
        ArticleRow.id,
        ArticleRow.signature,
        ArticleRow.published,
        ArticleRow.title,
        ArticleRow.summary,
    ).where(ArticleRow.id.in_(article_ids))
    rows = session.connection().execute(query).all()
    return {a: (raw, when, title, summary) for a, raw, when, title, summary in rows}


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
