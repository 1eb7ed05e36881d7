"""Repository functions for articles: idempotent upsert that says what is new or edited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.domain import Article
from service.store.models import ArticleRow, SourceRow


@dataclass(frozen=True)
class Upserted:
    row: ArticleRow
    article: Article
    is_new: bool  # first time this (source, key) was stored
    edited: bool  # stored before, and the title or summary changed


def upsert_articles(
    session: Session,
    source_id: int,
    articles: list[tuple[Article, str, bool]],
    now: datetime,
) -> list[Upserted]:
    """Store (article, fingerprint, silent) triples; unchanged ones are left alone.

    Returns only the new and the edited ones: nothing else needs matching or alerting.
    """
    unique: dict[str, tuple[Article, str, bool]] = {}
    for item in articles:
        unique.setdefault(item[0].key, item)  # a feed repeating a guid: the first wins
    existing = {
        row.key: row
        for row in session.scalars(
            select(ArticleRow).where(
                ArticleRow.source_id == source_id, ArticleRow.key.in_(list(unique))
            )
        )
    }
    out = []
    for key, (article, fingerprint, silent) in unique.items():
        row = existing.get(key)
        if row is None:
            row = _new_row(source_id, article, fingerprint, silent, now)
            session.add(row)
            out.append(Upserted(row, article, is_new=True, edited=False))
        elif row.fingerprint != fingerprint:
            row.title, row.summary, row.fingerprint = article.title, article.summary, fingerprint
            row.link, row.canonical_url, row.updated_at = article.link, article.canonical_url, now
            out.append(Upserted(row, article, is_new=False, edited=True))
    session.flush()
    return out


def _new_row(
    source_id: int, article: Article, fingerprint: str, silent: bool, now: datetime
) -> ArticleRow:
    return ArticleRow(
        source_id=source_id,
        key=article.key[:512],
        guid=article.guid,
        link=article.link,
        canonical_url=article.canonical_url,
        title=article.title,
        summary=article.summary,
        published=article.published,
        first_seen=now,
        fingerprint=fingerprint,
        authors=list(article.authors),
        tags=list(article.tags),
        lang=article.lang,
        silent=silent,
    )


SCAN_BATCH = 1000  # rows fetched at a time by `published_since`


def count_published_since(session: Session, since: datetime) -> int:
    query = select(func.count()).select_from(ArticleRow).where(ArticleRow.published >= since)
    return int(session.scalar(query) or 0)


@dataclass(frozen=True, slots=True)
class ScannedArticle:
    """What a rule run over history looks at and reports, and no more."""

    id: int
    title: str
    summary: str
    link: str
    published: datetime
    story_id: int | None
    lang: str | None
    source: str
    tags: tuple[str, ...]


def published_since(session: Session, since: datetime) -> Iterator[ScannedArticle]:
    """Every article published since `since` with its source's name and tags, oldest
    first, streamed. Plain columns, not ORM objects: a backtest reads tens of thousands."""
    sources = {
        row.id: (row.name, tuple(row.tags or ()))
        for row in session.execute(select(SourceRow.id, SourceRow.name, SourceRow.tags))
    }
    query = (
        select(
            ArticleRow.id,
            ArticleRow.title,
            ArticleRow.summary,
            ArticleRow.link,
            ArticleRow.published,
            ArticleRow.story_id,
            ArticleRow.lang,
            ArticleRow.source_id,
        )
        .where(ArticleRow.published >= since)
        .order_by(ArticleRow.published, ArticleRow.id)
    )
    result = session.connection().execution_options(yield_per=SCAN_BATCH).execute(query)
    for id_, title, summary, link, published, story, lang, source_id in result:
        name, tags = sources.get(source_id, ("", ()))
        yield ScannedArticle(id_, title, summary, link, published, story, lang, name, tags)


def oldest_published(session: Session) -> datetime | None:
    return session.scalar(select(func.min(ArticleRow.published)))


def count_rows(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
