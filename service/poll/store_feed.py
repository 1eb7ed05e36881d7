"""The store step of a poll: a parsed feed becomes stored articles placed in stories, their
hits and the alerts they announce, and the source's new state, in the caller's transaction.

    normalize -> upsert (new and edited only) -> place in stories -> match themes ->
    enqueue alerts and follow-ups -> write the source row
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.alerts.record import AlertSettings, Report, StoredArticle, record_matches
from service.alerts.themes import item_for
from service.domain import ParsedFeed
from service.poll.fetch import Fetched
from service.poll.normalize import content_fingerprint, normalize_entry
from service.poll.state import PollOutcome, SourceState, success_values
from service.store import outbox
from service.store.articles import upsert_articles
from service.store.poll_state import write_source
from service.stories.decide import Grouping
from service.stories.place import place_in_stories


@dataclass(frozen=True)
class PollSettings:
    backfill: timedelta | None  # None: everything alerts on a first poll
    grouping: Grouping
    alerts: AlertSettings


@dataclass(frozen=True)
class StoreJob:
    state: SourceState
    result: Fetched
    feed: ParsedFeed
    settings: PollSettings


def store_feed(session: Session, job: StoreJob, now: datetime) -> PollOutcome:
    state, result, feed, settings = job.state, job.result, job.feed, job.settings
    articles = [
        normalize_entry(entry, state.name, feed.lang, state.lang, now, result.url)
        for entry in feed.entries
    ]
    cutoff = None if settings.backfill is None else now - settings.backfill
    triples = [
        (
            a,
            content_fingerprint(a),
            state.first_poll and cutoff is not None and a.published < cutoff,
        )
        for a in articles
    ]
    changed = upsert_articles(session, state.id, triples, now)
    matched = {
        u.row.id: settings.alerts.rules.match(item_for(u.article, state.tags)) for u in changed
    }
    placed = place_in_stories(session, [u.row for u in changed], state.id, settings.grouping)
    earlier = outbox.alerts_of_stories(
        session, {p.story_id for p in placed.values() if not p.new_story}
    )
    reports = []
    for up in changed:
        place = placed[up.row.id]
        stored = StoredArticle(
            article_id=up.row.id,
            article=up.article,
            story_id=place.story_id,
            story_first_seen=place.first_seen,
            is_new=up.is_new,
            silent=up.row.silent,
            tags=state.tags,
        )
        parents = earlier.get(place.story_id, []) if up.is_new else []
        reports.append(Report(stored, parents))
    alerts = record_matches(session, settings.alerts, reports, now, matched)
    write_source(session, state.id, success_values(state, result, feed.ttl_seconds, now))
    new = sum(u.is_new for u in changed)
    return PollOutcome(state.name, "ok", new=new, updated=len(changed) - new, alerts=alerts)
