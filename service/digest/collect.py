"""What a digest holds, read from the database: the stories whose hits were found in
the period, grouped by theme, with their outlets, trend and the failing sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from service.alerts.themes import ThemeInfo
from service.alerts.why import Why, via_line
from service.digest.build import order_themes, rank_stories
from service.digest.model import Digest, DigestStory, DigestTheme, FailingSource
from service.digest.schedule import period_label
from service.domain import Span, link_host
from service.rules import MatchItem
from service.store import digests as digest_repo
from service.store import pauses
from service.store import sources as source_repo
from service.store.models import ArticleRow, HitRow, StoryRow

TREND_DAYS = 14
MAX_REPORTS = 5  # other outlets' reports listed under a story
FAILING_FOR = timedelta(hours=24)


def collect_digest(
    session: Session,
    name: str,
    period: date,
    start: datetime,
    end: datetime,
    tz: str,
    themes: Sequence[ThemeInfo],
    why: Why | None = None,
) -> Digest:
    """`why`: say which of each theme's aliases fired for each story."""
    theme_ids = [t.id for t in themes]
    rows = digest_repo.hits_in_period(session, theme_ids, start, end)
    by_theme: dict[str, dict[int, tuple[HitRow, ArticleRow, str]]] = defaultdict(dict)
    for hit, article, source in rows:
        story_id = hit.story_id or -article.id
        by_theme[hit.theme_id].setdefault(story_id, (hit, article, source))  # the first report
    story_ids = {sid for stories in by_theme.values() for sid in stories if sid > 0}
    reports = digest_repo.reports_of_stories(session, story_ids, end)
    # Each story's outlets, first reporter first.
    outlets = {
        sid: tuple(dict.fromkeys(outlet for _, outlet, _, _ in found))
        for sid, found in reports.items()
    }
    stories_meta = digest_repo.stories_by_id(session, story_ids)
    trends = _trends(session, theme_ids, period, tz)
    digest_themes = []
    for theme in themes:
        stories = [
            _story(
                hit,
                article,
                stories_meta.get(sid),
                outlets.get(sid) or (source,),
                _via(why, theme, article, source),
                tuple(
                    (outlet, title, link)
                    for article_id, outlet, title, link in reports.get(sid, [])
                    if article_id != article.id
                )[:MAX_REPORTS],
            )
            for sid, (hit, article, source) in by_theme.get(theme.id, {}).items()
        ]
        digest_themes.append(
            DigestTheme(
                theme_id=theme.id,
                name=theme.name,
                priority=theme.priority,
                stories=rank_stories(stories),
                today_count=len(stories),
                trend=trends.get(theme.id, (0,) * TREND_DAYS),
            )
        )
    return Digest(
        name=name,
        period_label=period_label(period),
        period_start=start,
        period_end=end,
        timezone=tz,
        themes=order_themes(digest_themes),
        failing_sources=_failing(session, end),
        notices=tuple(
            f"Slack delivery paused for {p.channel or 'every channel'}: {p.message}"
            for p in pauses.active(session)
        ),
    )


def _via(why: Why | None, theme: ThemeInfo, article: ArticleRow, source: str) -> tuple[str, ...]:
    if why is None:
        return ()
    item = MatchItem(
        title=article.title,
        summary=article.summary,
        source=link_host(article.link),
        feed=source,
        lang=article.lang,
    )
    return via_line(why.fired(theme.query, item))


def _story(
    hit: HitRow,
    article: ArticleRow,
    story: StoryRow | None,
    outlets: tuple[str, ...],
    via: tuple[str, ...] = (),
    reports: tuple[tuple[str, str, str], ...] = (),
) -> DigestStory:
    spans = tuple(
        Span(field=s["field"], start=int(s["start"]), end=int(s["end"]), text=s["text"])
        for s in hit.spans or []
    )
    return DigestStory(
        title=article.title,
        link=article.link,
        outlets=outlets,
        first_seen=story.first_seen if story else article.first_seen,
        # normalize gives an undated entry its first-seen time: then it has no publication time
        published=None if article.published == article.first_seen else article.published,
        summary=article.summary,
        spans=spans,
        via=via,
        reports=reports,
    )


def _trends(
    session: Session, theme_ids: list[str], period: date, tz: str
) -> dict[str, tuple[int, ...]]:
    """Stories per local day for the 14 days ending on the period's day."""
    zone = ZoneInfo(tz)
    first_day = period - timedelta(days=TREND_DAYS - 1)
    start = datetime.combine(first_day, datetime.min.time(), zone)
    end = datetime.combine(period + timedelta(days=1), datetime.min.time(), zone)
    rows = digest_repo.hit_times(session, theme_ids, start, end)
    seen: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for theme_id, story_id, created in rows:
        day = (created.astimezone(zone).date() - first_day).days
        if 0 <= day < TREND_DAYS:
            seen[theme_id][day].add(story_id or -1)
    return {
        theme_id: tuple(len(days.get(d, ())) for d in range(TREND_DAYS))
        for theme_id, days in seen.items()
    }


def _failing(session: Session, now: datetime) -> tuple[FailingSource, ...]:
    return tuple(
        FailingSource(r.name, r.failing_since, r.last_error or r.status)
        for r in source_repo.failing_since(session, now - FAILING_FOR)
        if r.failing_since is not None
    )
