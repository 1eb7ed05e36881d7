"""Repository functions for articles: idempotent upsert that says what is new or edited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.domain import Article
from service.store.models import ArticleRow


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


def oldest_published(session: Session) -> datetime | None:
    return session.scalar(select(func.min(ArticleRow.published)))


def count_rows(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
