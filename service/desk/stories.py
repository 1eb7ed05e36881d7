"""Stored stories as the desk reads them: newest first, each with its reports from every
outlet, the themes that matched, the words that made them match and the desk's marks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.alerts.why import Fired, Why, spans_of
from service.clock import iso
from service.domain import Span, link_host, ranges_of
from service.notify.mrkdwn import matched_words
from service.rules import MatchItem
from service.store import desk as desk_repo
from service.store import marks as mark_repo

MAX_LIMIT = 500
MAX_TERMS = 8  # matched terms shown per report and theme
MAX_WORDS = 8  # search words; more narrow nothing and cost a scan each
MAX_WORD_CHARS = 100


@dataclass(frozen=True)
class StoryFilter:
    theme: str | None = None
    source: str | None = None
    since: datetime | None = None
    words: tuple[str, ...] = ()
    limit: int = 50

    @staticmethod
    def words_of(text: str | None) -> tuple[str, ...]:
        words = [w[:MAX_WORD_CHARS] for w in (text or "").split()]
        return tuple(dict.fromkeys(words))[:MAX_WORDS]


@dataclass(frozen=True)
class ThemeMatch:
    theme: str
    terms: tuple[str, ...]
    fired: tuple[Fired, ...]
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Report:
    article_id: int
    source: str
    title: str
    link: str
    summary: str
    published: datetime
    matches: tuple[ThemeMatch, ...] = ()

    def spans(self, field_name: str) -> list[tuple[int, int]]:
        return ranges_of((s for m in self.matches for s in m.spans), field_name)


@dataclass(frozen=True)
class DeskStory:
    id: int
    title: str
    link: str
    published: datetime
    themes: tuple[str, ...]
    reports: tuple[Report, ...]
    marks: Mapping[str, str] = field(default_factory=dict)

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(r.source for r in self.reports))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "link": self.link,
            "published": iso(self.published),
            "themes": list(self.themes),
            "reports": [
                {
                    "source": r.source,
                    "title": r.title,
                    "link": r.link,
                    "published": iso(r.published),
                    "matched": {m.theme: list(m.terms) for m in r.matches},
                }
                for r in self.reports
            ],
            "marks": dict(self.marks),
        }


def list_stories(
    session: Session, wanted: StoryFilter, queries: Mapping[str, str], why: Why
) -> list[DeskStory]:
    """`queries`: theme id -> the rule's text, to say which alias fired."""
    ids = desk_repo.story_ids(
        session,
        theme=wanted.theme,
        source=wanted.source,
        since=wanted.since,
        words=wanted.words,
        limit=max(1, min(wanted.limit, MAX_LIMIT)),
    )
    return _assemble(session, ids, queries, why)


def one_story(
    session: Session, story_id: int, queries: Mapping[str, str], why: Why
) -> DeskStory | None:
    found = _assemble(session, [story_id], queries, why)
    return found[0] if found else None


def _assemble(
    session: Session, ids: list[int], queries: Mapping[str, str], why: Why
) -> list[DeskStory]:
    facts = desk_repo.stories(session, ids)
    by_article: dict[int, list[desk_repo.HitFacts]] = {}
    themes: dict[int, list[str]] = {}
    for hit in desk_repo.hits(session, ids):
        by_article.setdefault(hit.article_id, []).append(hit)
        if hit.theme_id not in themes.setdefault(hit.story_id, []):
            themes[hit.story_id].append(hit.theme_id)
    reports: dict[int, list[Report]] = {}
    for r in desk_repo.reports(session, ids):
        matches = tuple(_theme_match(r, h, queries, why) for h in by_article.get(r.article_id, []))
        reports.setdefault(r.story_id, []).append(
            Report(r.article_id, r.source, r.title, r.link, r.summary, r.published, matches)
        )
    marks = mark_repo.of_stories(session, ids)
    out = []
    for s in (facts[i] for i in ids if i in facts):
        mine = reports.get(s.id, [])
        # Named after its earliest report: outlets polled at once store in any order.
        first = mine[0] if mine else None
        out.append(
            DeskStory(
                s.id,
                first.title if first else s.title,
                first.link if first else s.link,
                min(s.published, first.published) if first else s.published,
                tuple(sorted(themes.get(s.id, []))),
                tuple(mine),
                marks.get(s.id, {}),
            )
        )
    return out


def _theme_match(
    report: desk_repo.ReportFacts,
    hit: desk_repo.HitFacts,
    queries: Mapping[str, str],
    why: Why,
) -> ThemeMatch:
    spans = spans_of(hit.spans)
    query = queries.get(hit.theme_id)
    fired: list[Fired] = []
    if query is not None:
        item = MatchItem(
            title=report.title,
            summary=report.summary,
            source=link_host(report.link),
            feed=report.source,
        )
        fired = why.fired(query, item)
    terms = matched_words(report.title, report.summary, spans, MAX_TERMS)
    return ThemeMatch(hit.theme_id, tuple(terms), tuple(fired), tuple(spans))
