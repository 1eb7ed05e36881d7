"""The presentation model both templates render, so both parts carry the same content.

Everything here is still plain data; escaping belongs to the HTML template environment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from service.digest import build
from service.digest.model import Digest, DigestStory, DigestTheme, FailingSource
from service.digest.schedule import period_label
from service.digest.segments import Segment, highlight, snippet
from service.domain import web_link

BAR_MAX_PX = 22
BAR_MIN_PX = 3  # a quiet-but-not-zero day must stay visible next to an empty one
ERROR_CHARS = 140
# Gmail clips HTML mail over ~102 KB, hiding the footer; a story costs ~1 KB, so cap a theme.
STORIES_PER_THEME = 15
ACCENT = {"high": "#b42318", "normal": "#1d4ed8", "low": "#4b5563"}
BADGE_BG = {"high": "#fee4e2", "normal": "#e0eaff", "low": "#eef0f3"}
EMPTY_BAR = "#e4e7ec"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Bar:
    height: int  # pixels
    color: str
    count: int


@dataclass(frozen=True, slots=True)
class StoryView:
    title: tuple[Segment, ...]
    link: str | None  # None when the feed's link is not plain http(s)
    outlets: str
    time: str
    snippet: tuple[Segment, ...]
    via: str = ""  # "@japan (Kishida), @korea (Yoon)": which part of the rule fired
    reports: tuple[ReportView, ...] = ()  # the same story from other outlets


@dataclass(frozen=True, slots=True)
class ReportView:
    outlet: str
    title: str
    link: str | None


@dataclass(frozen=True, slots=True)
class ThemeView:
    name: str
    priority: str
    accent: str
    badge_bg: str
    today_count: int
    sparkline: str
    bars: tuple[Bar, ...]
    trend_text: str  # the counts spelled out, for screen readers and the text part
    stories: tuple[StoryView, ...]
    more: int  # stories beyond STORIES_PER_THEME, counted but not listed


@dataclass(frozen=True, slots=True)
class FailingView:
    name: str
    since: str
    error: str


@dataclass(frozen=True, slots=True)
class DigestView:
    title: str
    subject: str
    period_label: str
    counts: str
    since: str
    summary_line: str  # "9 stories in 3 themes since Fri 27 Nov 07:30" / "Nothing new since …"
    zone_label: str
    empty: bool
    preheader: str
    themes: tuple[ThemeView, ...]
    quiet_themes: tuple[str, ...]
    failing: tuple[FailingView, ...]
    notices: tuple[str, ...] = ()


def digest_view(d: Digest) -> DigestView:
    zone = ZoneInfo(d.timezone)
    themes = tuple(_theme_view(t, zone) for t in build.visible_themes(d))
    since = _day_time(d.period_start, zone)
    counts = build.counts_phrase(d)
    return DigestView(
        title=build.digest_title(d.name),
        subject=build.subject(d),
        period_label=d.period_label,
        counts=counts,
        since=since,
        summary_line=f"{counts[:1].upper()}{counts[1:]} since {since}",
        zone_label=f"{d.period_end.astimezone(zone).tzname()} ({d.timezone})",
        empty=build.is_empty(d),
        preheader=_preheader(d, themes),
        themes=themes,
        quiet_themes=tuple(t.name for t in build.quiet_themes(d)),
        failing=tuple(_failing_view(f, zone) for f in d.failing_sources),
        notices=d.notices,
    )


def trend_bars(counts: tuple[int, ...], accent: str) -> tuple[Bar, ...]:
    peak = max(counts, default=0)
    return tuple(
        Bar(BAR_MIN_PX, EMPTY_BAR, c)
        if c <= 0
        else Bar(max(BAR_MIN_PX, math.ceil(c / peak * BAR_MAX_PX)), accent, c)
        for c in counts
    )


def _theme_view(t: DigestTheme, zone: ZoneInfo) -> ThemeView:
    accent = ACCENT.get(t.priority, ACCENT["normal"])
    ranked = build.rank_stories(t.stories)
    return ThemeView(
        name=t.name,
        priority=t.priority,
        accent=accent,
        badge_bg=BADGE_BG.get(t.priority, BADGE_BG["normal"]),
        today_count=t.today_count,
        sparkline=build.sparkline(t.trend),
        bars=trend_bars(t.trend, accent),
        trend_text=", ".join(str(c) for c in t.trend),
        stories=tuple(_story_view(s, zone) for s in ranked[:STORIES_PER_THEME]),
        more=max(0, len(ranked) - STORIES_PER_THEME),
    )


def _story_view(s: DigestStory, zone: ZoneInfo) -> StoryView:
    return StoryView(
        title=highlight(s.title, s.spans, "title"),
        link=web_link(s.link),
        outlets=build.outlets_label(s.outlets),
        time=_story_time(s, zone),
        snippet=snippet(s.summary, s.spans),
        via=", ".join(s.via),
        reports=tuple(ReportView(o, t, web_link(li)) for o, t, li in s.reports),
    )


def _failing_view(f: FailingSource, zone: ZoneInfo) -> FailingView:
    error = " ".join(f.last_error.split())
    if len(error) > ERROR_CHARS:
        error = error[: ERROR_CHARS - 1].rstrip() + "…"
    return FailingView(name=f.name, since=_day_time(f.since, zone), error=error)


def _preheader(d: Digest, themes: tuple[ThemeView, ...]) -> str:
    # The grey line inbox lists show after the subject: lead with the top story.
    if not themes:
        return f"Nothing new since {_day_time(d.period_start, ZoneInfo(d.timezone))}."
    top = "".join(seg.text for seg in themes[0].stories[0].title)
    return f"{build.counts_phrase(d).capitalize()}. Top: {top}"


def _story_time(s: DigestStory, zone: ZoneInfo) -> str:
    """When the story was published, with its date when that is not within the last days
    (a feed may carry items from months ago); when it was only found, said so."""
    if s.published is None:
        return "found " + _day_time(s.first_seen, zone, with_date=False)
    local = s.published.astimezone(zone)
    if s.first_seen - s.published <= RECENT:
        return _day_time(s.published, zone, with_date=False)
    if local.year != s.first_seen.astimezone(zone).year:
        return f"{period_label(local.date())} {local:%H:%M}"  # "Sat 20 May 2023 14:00"
    return _day_time(s.published, zone)


RECENT = timedelta(days=5)  # older publication times show their date


def _day_time(moment: datetime, zone: ZoneInfo, with_date: bool = True) -> str:
    """'Fri 27 Nov 07:30' (or 'Fri 07:30'): English names, independent of the locale."""
    local = moment.astimezone(zone)
    day = period_label(local.date()).rsplit(" ", 1)[0] if with_date else _DAYS[local.weekday()]
    return f"{day} {local:%H:%M}"
