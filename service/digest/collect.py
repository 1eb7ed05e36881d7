"""What a digest holds, read from the database: the stories whose hits were found in
the period, grouped by theme, with their outlets, trend and the failing sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from service.alerts.themes import ThemeInfo
from service.alerts.why import Why, via_line
from service.config import Config
from service.config.models import Digest as DigestConfig
from service.digest.build import order_themes, rank_stories
from service.digest.model import Digest, DigestStory, DigestTheme, FailingSource
from service.digest.schedule import period_label
from service.domain import Span, link_host
from service.rules import MatchItem
from service.store import plain
from service.store.plain import DigestHit, Reader

TREND_DAYS = 14
MAX_REPORTS = 5  # other outlets' reports listed under a story
FAILING_FOR = timedelta(hours=24)


def find_digest(config: Config, name: str | None) -> DigestConfig:
    """The digest of that name (the first without one); LookupError saying which exist."""
    for digest in config.digests:
        if name is None or digest.name == name:
            return digest
    known = ", ".join(d.name for d in config.digests) or "none configured"
    raise LookupError(f"no digest named {name!r} (digests: {known})")


def digest_themes(digest: DigestConfig, themes: Mapping[str, ThemeInfo]) -> list[ThemeInfo]:
    if digest.themes is not None:
        return [themes[t] for t in digest.themes if t in themes]
    return [t for t in themes.values() if t.digest]


def period_start(reader: Reader, name: str, end: datetime) -> datetime:
    """Where a digest ending at `end` begins: where the last one sent ended, or a day back."""
    return plain.last_period_end(reader, name, end) or end - timedelta(hours=24)


def build_digest(
    reader: Reader,
    config: Config,
    themes: Mapping[str, ThemeInfo],
    digest: DigestConfig,
    period: date,
    start: datetime,
    end: datetime,
) -> Digest:
    """The digest of [start, end) as the config describes it, with why each story matched."""
    tz = digest.timezone or config.timezone
    chosen = digest_themes(digest, themes)
    why = Why(config.aliases)
    return collect_digest(reader, digest.name, period, start, end, tz, chosen, why)


def preview_digest(
    reader: Reader, config: Config, themes: Mapping[str, ThemeInfo], name: str | None, now: datetime
) -> Digest:
    """The digest as it would go out now (`digest --preview`, the demo): nothing recorded."""
    digest = find_digest(config, name)
    tz = digest.timezone or config.timezone
    start = period_start(reader, digest.name, now)
    return build_digest(
        reader, config, themes, digest, now.astimezone(ZoneInfo(tz)).date(), start, now
    )


def collect_digest(
    reader: Reader,
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
    by_theme: dict[str, dict[int, DigestHit]] = defaultdict(dict)
    for hit in plain.hits_in_period(reader, theme_ids, start, end):
        story_id = hit.story_id or -hit.article_id
        by_theme[hit.theme_id].setdefault(story_id, hit)  # the first report
    story_ids = sorted({sid for stories in by_theme.values() for sid in stories if sid > 0})
    reports = plain.reports_of_stories(reader, story_ids, end)
    # Each story's outlets, first reporter first.
    outlets = {
        sid: tuple(dict.fromkeys(outlet for _, outlet, _, _ in found))
        for sid, found in reports.items()
    }
    story_first_seen = plain.stories_first_seen(reader, story_ids)
    trends = _trends(reader, theme_ids, period, tz)
    digest_themes = []
    for theme in themes:
        stories = [
            _story(
                hit,
                story_first_seen.get(sid),
                outlets.get(sid) or (hit.source,),
                _via(why, theme, hit),
                tuple(
                    (outlet, title, link)
                    for article_id, outlet, title, link in reports.get(sid, [])
                    if article_id != hit.article_id
                )[:MAX_REPORTS],
            )
            for sid, hit in by_theme.get(theme.id, {}).items()
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
        failing_sources=tuple(
            FailingSource(name, since, what)
            for name, since, what in plain.failing_sources(reader, end - FAILING_FOR)
        ),
        notices=tuple(
            f"Slack delivery paused for {p.channel or 'every channel'}: {p.message}"
            for p in plain.pauses(reader)
        ),
    )


def _via(why: Why | None, theme: ThemeInfo, hit: DigestHit) -> tuple[str, ...]:
    if why is None:
        return ()
    item = MatchItem(
        title=hit.title,
        summary=hit.summary,
        source=link_host(hit.link),
        feed=hit.source,
        lang=hit.lang,
    )
    return via_line(why.fired(theme.query, item))


def _story(
    hit: DigestHit,
    story_first_seen: datetime | None,
    outlets: tuple[str, ...],
    via: tuple[str, ...] = (),
    reports: tuple[tuple[str, str, str], ...] = (),
) -> DigestStory:
    spans = tuple(
        Span(field=s["field"], start=int(s["start"]), end=int(s["end"]), text=s["text"])
        for s in hit.spans or []
    )
    return DigestStory(
        title=hit.title,
        link=hit.link,
        outlets=outlets,
        first_seen=story_first_seen or hit.first_seen,
        # normalize gives an undated entry its first-seen time: then it has no publication time
        published=None if hit.published == hit.first_seen else hit.published,
        summary=hit.summary,
        spans=spans,
        via=via,
        reports=reports,
    )


def _trends(
    reader: Reader, theme_ids: list[str], period: date, tz: str
) -> dict[str, tuple[int, ...]]:
    """Stories per local day for the 14 days ending on the period's day."""
    zone = ZoneInfo(tz)
    first_day = period - timedelta(days=TREND_DAYS - 1)
    start = datetime.combine(first_day, datetime.min.time(), zone)
    end = datetime.combine(period + timedelta(days=1), datetime.min.time(), zone)
    rows = plain.hit_times(reader, theme_ids, start, end)
    seen: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for theme_id, story_id, created in rows:
        day = (created.astimezone(zone).date() - first_day).days
        if 0 <= day < TREND_DAYS:
            seen[theme_id][day].add(story_id or -1)
    return {
        theme_id: tuple(len(days.get(d, ())) for d in range(TREND_DAYS))
        for theme_id, days in seen.items()
    }
