"""Run a rule over stored articles: what would have matched, per day and per story."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from service.domain import NoProgress, Progress, Span, link_host
from service.rules import CompiledQuery, MatchItem, explain
from service.store import articles as article_repo
from service.store import hits as hit_repo


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


def backtest(
    session: Session,
    query: CompiledQuery,
    since: datetime,
    tz: str,
    theme_id: str | None = None,
    progress: Progress | None = None,
) -> BacktestResult:
    result = BacktestResult(since=since)
    alerted = hit_repo.alerted_articles(session, theme_id) if theme_id else set()
    bar = progress or NoProgress()
    bar.start(article_repo.count_published_since(session, since))
    zone = ZoneInfo(tz)
    for article, source in article_repo.published_since(session, since):
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
