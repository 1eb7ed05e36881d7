"""Run a rule over stored articles: what would have matched, per day and per story."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.commands.progress import Progress
from service.domain import Span, link_host
from service.rules import CompiledQuery, MatchItem, explain
from service.store.models import ArticleRow, HitRow, SourceRow

BATCH = 1000


@dataclass(frozen=True)
class BacktestMatch:
    article_id: int
    title: str
    link: str
    source: str
    published: datetime
    story: int | None
    spans: tuple[Span, ...]
    alerted: bool


@dataclass
class BacktestResult:
    since: datetime
    scanned: int = 0
    matches: list[BacktestMatch] = field(default_factory=list)
    per_day: Counter[str] = field(default_factory=Counter)

    @property
    def stories(self) -> int:
        return len({m.story or -m.article_id for m in self.matches})


def _rows(session: Session, since: datetime) -> Iterator[tuple[ArticleRow, SourceRow]]:
    query = (
        select(ArticleRow, SourceRow)
        .join(SourceRow, SourceRow.id == ArticleRow.source_id)
        .where(ArticleRow.published >= since)
        .order_by(ArticleRow.published, ArticleRow.id)
        .execution_options(yield_per=BATCH)
    )
    for article, source in session.execute(query):  # noqa: UP028 (Row -> plain tuple)
        yield article, source


def backtest(
    session: Session,
    query: CompiledQuery,
    since: datetime,
    tz: str,
    theme_id: str | None = None,
    progress: bool = False,
) -> BacktestResult:
    result = BacktestResult(since=since)
    alerted = _alerted_articles(session, theme_id) if theme_id else set()
    total = session.scalar(
        select(func.count()).select_from(ArticleRow).where(ArticleRow.published >= since)
    )
    bar = Progress((total or 0) if progress else 0, "backtest")
    zone = ZoneInfo(tz)
    for article, source in _rows(session, since):
        result.scanned += 1
        bar.advance()
        item = MatchItem(
            title=article.title,
            summary=article.summary,
            source=link_host(article.link),
            feed=source.name,
            tags=tuple(source.tags or ()),
            lang=article.lang,
        )
        spans = explain(query, item)
        if spans is None:
            continue
        result.per_day[article.published.astimezone(zone).date().isoformat()] += 1
        result.matches.append(
            BacktestMatch(
                article.id,
                article.title,
                article.link,
                source.name,
                article.published,
                article.story_id,
                tuple(spans),
                article.id in alerted,
            )
        )
    bar.close()
    return result


def _alerted_articles(session: Session, theme_id: str) -> set[int]:
    return set(
        session.scalars(
            select(HitRow.article_id).where(HitRow.theme_id == theme_id, HitRow.alerted.is_(True))
        )
    )
