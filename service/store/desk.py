"""The desk page's reads: stories newest first with filters and word search, their
reports and the themes that matched them. Straight to the connection: a page lists
dozens of rows and must answer in well under a second over 100,000 articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from service.store.models import ArticleRow, HitRow, SourceRow, StoryRow


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


def _like(words: Sequence[str]) -> list[Any]:
    """One condition per word: in the headline or the teaser of some report of the story,
    case-insensitive, the word taken literally (% and _ are not wildcards here)."""
    conditions = []
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(
                ArticleRow.title.ilike(pattern, escape="\\"),
                ArticleRow.summary.ilike(pattern, escape="\\"),
            )
        )
    return conditions


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
        query = query.where(exists().where(ArticleRow.story_id == StoryRow.id, *_like(words)))
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
