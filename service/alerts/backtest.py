"""Run a rule over stored articles: what would have matched, per day and per story."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from service.domain import NoProgress, Progress, Span, link_host
from service.rules import CompiledQuery, MatchItem, ThemeMatcher
from service.store import plain
from service.store.plain import Reader


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
    summary: str = ""


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
    reader: Reader,
    query: CompiledQuery,
    since: datetime,
    tz: str,
    theme_id: str | None = None,
    progress: Progress | None = None,
) -> BacktestResult:
    alerted = plain.alerted_articles(reader, theme_id) if theme_id else set()
    return backtest_many(reader, {"": query}, since, tz, progress, alerted)[""]


def backtest_many(
    reader: Reader,
    queries: Mapping[str, CompiledQuery],
    since: datetime,
    tz: str,
    progress: Progress | None = None,
    alerted: Set[int] = frozenset(),
) -> dict[str, BacktestResult]:
    """Several rules over the same history in one pass: each article is read and split
    into words once, and a rule is evaluated only when its required words occur (the
    matcher polling uses). `alerted`: the article ids to flag as alerted."""
    results = {key: BacktestResult(since=since) for key in queries}
    keys = list(queries)
    matcher = ThemeMatcher([(key, queries[key]) for key in keys])
    bar = progress or NoProgress()
    bar.start(plain.count_published_since(reader, since))
    zone = ZoneInfo(tz)
    scanned = 0
    for article in plain.published_since(reader, since):
        scanned += 1
        bar.advance()
        item = MatchItem(
            title=article.title,
            summary=article.summary,
            source=link_host(article.link),
            feed=article.source,
            tags=article.tags,
            lang=article.lang,
        )
        for hit in matcher.match(item):
            result = results[hit.theme_id]
            result.per_day[article.published.astimezone(zone).date().isoformat()] += 1
            result.matches.append(
                BacktestMatch(
                    article.id,
                    article.title,
                    article.link,
                    article.source,
                    article.published,
                    article.story_id,
                    hit.spans,
                    article.id in alerted,
                    article.summary,
                )
            )
    bar.close()
    for result in results.values():
        result.scanned = scanned
    return results
