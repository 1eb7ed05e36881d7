"""The desk page's reads: stories newest first with filters and word search, their
reports and the themes that matched them. Straight to the connection: a page lists
dozens of rows and must answer in well under a second over 100,000 articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, and_, exists, or_, select, text
from sqlalchemy.orm import Session

from service.store.models import SEARCH_INDEX, ArticleRow, HitRow, SourceRow, StoryRow


@dataclass(frozen=True)
class StoryFacts:
    id: int
    title: str
    link: str
    published: datetime


@dataclass(frozen=True)
class ReportFacts:
    story_id: int
    article_id: int
    source: str
    title: str
    link: str
    summary: str
    published: datetime


@dataclass(frozen=True)
class HitFacts:
    story_id: int
    article_id: int
    theme_id: str
    spans: list[dict[str, Any]]


def _like(word: str) -> Any:
    """The word anywhere in the headline or the teaser, case-insensitive, taken literally
    (% and _ are not wildcards here)."""
    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(
        ArticleRow.title.ilike(pattern, escape="\\"),
        ArticleRow.summary.ilike(pattern, escape="\\"),
    )


def _indexable(word: str) -> bool:
    """Words the FTS5 index finds: ASCII letters and digits. A Japanese or Korean run has
    no spaces to split it into the index's words, so it is looked for with LIKE."""
    return word.isascii() and any(c.isalnum() for c in word)


def _fts_query(words: Sequence[str]) -> str:
    """Every word as a quoted prefix: `"summit"* AND "minist"*` (no FTS5 syntax from users)."""
    terms = []
    for word in words:
        cleaned = "".join(c if c.isalnum() else " " for c in word).split()
        terms += ['"' + part + '"*' for part in cleaned]
    return " AND ".join(terms)


_SEARCHABLE: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def _has_search_index(session: Session) -> bool:
    connection = session.connection()
    engine = connection.engine
    if engine not in _SEARCHABLE:
        found = (
            connection.dialect.name == "sqlite"
            and connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (SEARCH_INDEX,)
            ).first()
        )
        _SEARCHABLE[engine] = bool(found)
    return _SEARCHABLE[engine]


def _matching_stories(session: Session, words: Sequence[str]) -> Any:
    """A subquery of the ids of stories with a report containing every word."""
    indexed = [w for w in words if _indexable(w)] if _has_search_index(session) else []
    query = select(ArticleRow.story_id).where(*(_like(w) for w in words if w not in indexed))
    if indexed:
        search = text(f"SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH :fts")
        query = query.where(ArticleRow.id.in_(search.bindparams(fts=_fts_query(indexed))))
    return query


def story_ids(
    session: Session,
    *,
    theme: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    words: Sequence[str] = (),
    limit: int = 50,
    before: tuple[datetime, int] | None = None,
) -> list[int]:
    """Ids of the stories that pass every filter, newest publication first. `before` is
    the (published, id) of the last story of the previous page."""
    query = select(StoryRow.id)
    if since is not None:
        query = query.where(StoryRow.published >= since)
    if before is not None:
        when, last = before
        query = query.where(
            or_(StoryRow.published < when, and_(StoryRow.published == when, StoryRow.id < last))
        )
    if theme is not None:
        query = query.where(
            exists().where(HitRow.story_id == StoryRow.id, HitRow.theme_id == theme)
        )
    if source is not None:
        query = query.where(
            exists().where(
                ArticleRow.story_id == StoryRow.id,
                SourceRow.id == ArticleRow.source_id,
                SourceRow.name == source,
            )
        )
    if words:
        query = query.where(StoryRow.id.in_(_matching_stories(session, words)))
    query = query.order_by(StoryRow.published.desc(), StoryRow.id.desc()).limit(limit)
    return [row[0] for row in session.connection().execute(query)]


def stories(session: Session, ids: Sequence[int]) -> dict[int, StoryFacts]:
    if not ids:
        return {}
    query = select(StoryRow.id, StoryRow.title, StoryRow.link, StoryRow.published).where(
        StoryRow.id.in_(list(ids))
    )
    return {row[0]: StoryFacts(*row) for row in session.connection().execute(query)}


def reports(session: Session, ids: Sequence[int]) -> list[ReportFacts]:
    """Every stored report of these stories, earliest published first."""
    if not ids:
        return []
    query = (
        select(
            ArticleRow.story_id,
            ArticleRow.id,
            SourceRow.name,
            ArticleRow.title,
            ArticleRow.link,
            ArticleRow.summary,
            ArticleRow.published,
        )
        .join(SourceRow, SourceRow.id == ArticleRow.source_id)
        .where(ArticleRow.story_id.in_(list(ids)))
        .order_by(ArticleRow.published, ArticleRow.id)
    )
    return [
        ReportFacts(int(story or 0), article, source, title, link, summary, published)
        for story, article, source, title, link, summary, published in session.connection()
        .execute(query)
        .all()
    ]


def hits(session: Session, ids: Sequence[int]) -> list[HitFacts]:
    if not ids:
        return []
    query = select(HitRow.story_id, HitRow.article_id, HitRow.theme_id, HitRow.spans).where(
        HitRow.story_id.in_(list(ids))
    )
    return [HitFacts(*row) for row in session.execute(query)]  # spans: the JSON type decodes


def source_names(session: Session) -> list[str]:
    query = select(SourceRow.name).where(SourceRow.in_config.is_(True)).order_by(SourceRow.name)
    return list(session.scalars(query))
