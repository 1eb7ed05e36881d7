"""The digest as plain frozen data: what the store hands to the pure builders and renderers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.domain import Span


@dataclass(frozen=True, slots=True)
class DigestStory:
    """One story (several outlets' reports grouped together) that matched a theme."""

    title: str
    link: str
    outlets: tuple[str, ...]  # first = the outlet that reported it first
    first_seen: datetime  # aware UTC
    summary: str
    spans: tuple[Span, ...] = ()  # offsets into title/summary of the matched terms
    # When the first report was published, as its feed said; None when the feed gave no
    # date (then the time shown is when it was found, and labelled so).
    published: datetime | None = None
    via: tuple[str, ...] = ()  # the theme's aliases that fired: "@korea (Yoon)"
    reports: tuple[tuple[str, str, str], ...] = ()  # other outlets': (outlet, headline, link)


@dataclass(frozen=True, slots=True)
class DigestTheme:
    theme_id: str
    name: str
    priority: str  # high | normal | low
    stories: tuple[DigestStory, ...]
    today_count: int
    trend: tuple[int, ...]  # 14 daily counts, oldest first, today last


@dataclass(frozen=True, slots=True)
class FailingSource:
    name: str
    since: datetime  # aware UTC: start of the current failure streak
    last_error: str


@dataclass(frozen=True, slots=True)
class Digest:
    name: str  # the configured digest name, e.g. "morning"
    period_label: str  # e.g. "Sat 28 Nov 2026" (see schedule.period_label)
    period_start: datetime  # aware UTC: previous digest of this name, or 24 h before
    period_end: datetime  # aware UTC
    timezone: str  # IANA name used for every local time shown
    themes: tuple[DigestTheme, ...]
    failing_sources: tuple[FailingSource, ...] = ()
    # Service problems the desk must act on (a paused Slack channel, with what to do).
    notices: tuple[str, ...] = ()
