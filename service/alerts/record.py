"""Turn the matches of a stored article into hits and outbox rows.

One alert per (story, theme), guarded by a unique key; later reports of an alerted story
become follow-ups in its thread. Only rows the database says are new become messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service import metrics
from service.alerts.themes import RuleSet, ThemeInfo, item_for
from service.alerts.why import Why, via_line
from service.domain import Article, Hit
from service.notify.base import AlertMessage
from service.store import hits as hit_repo
from service.store import outbox
from service.store.models import DeliveryRow


@dataclass(frozen=True)
class AlertSettings:
    rules: RuleSet
    default_channel: str
    timezone: str
    threads: bool  # the notifier can reply in threads (a webhook cannot)
    theme_added: dict[str, datetime] = field(default_factory=dict)
    public_url: str | None = None  # the desk page: alerts link to their story there
    why: Why | None = None  # says which of a theme's aliases fired


@dataclass(frozen=True)
class StoredArticle:
    article_id: int
    article: Article
    story_id: int
    story_first_seen: datetime
    is_new: bool  # a new report (not an edit of one already stored)
    silent: bool  # backfill: stored, never alerted
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A stored article to match, with the alerts of the story it joined (for a new
    report, each becomes a follow-up in that alert's thread)."""

    stored: StoredArticle
    earlier_alerts: Sequence[DeliveryRow] = ()


def record_matches(
    session: Session,
    settings: AlertSettings,
    reports: Sequence[Report],
    now: datetime,
    matched: Mapping[int, Sequence[Hit]],
) -> int:
    """Store the hits of a feed's new and edited articles and enqueue what they announce,
    in a few statements whatever the number of articles. Returns the alerts enqueued.
    `matched`: each article's hits (by article id), matched once before grouping.

    Rows are enqueued (and so delivered) in order of publication, oldest first: a feed
    lists its newest item first, a reader expects the story as it unfolded."""
    reports = sorted(reports, key=lambda r: r.stored.article.published)
    hits = [(r, matched[r.stored.article_id]) for r in reports]
    _store_hits(session, [(r.stored, h) for r, h in hits if h], now)
    rows: dict[str, dict[str, Any]] = {}
    for report, found in hits:
        if report.stored.silent:
            continue
        for hit in found:
            theme = settings.rules.themes[hit.theme_id]
            if theme.alert and _theme_live_for(settings, theme, report.stored):
                row = _alert_row(settings, theme, report.stored, hit)
                rows.setdefault(row["dedup_key"], row)
        if settings.threads and report.stored.is_new:
            for parent in report.earlier_alerts:
                followup = _followup_row(settings, parent, report.stored)
                if followup is not None:
                    rows.setdefault(followup["dedup_key"], followup)
    inserted = outbox.enqueue_many(session, now, list(rows.values()))
    alerted = [rows[key] for key in inserted if key.startswith("alert:")]
    for row in alerted:
        metrics.ALERTS.labels(row["channel"], "queued").inc()
    hit_repo.mark_alerted(session, [(r["article_id"], r["theme_id"]) for r in alerted])
    return len(alerted)


def _store_hits(
    session: Session, found: Sequence[tuple[StoredArticle, Sequence[Hit]]], now: datetime
) -> None:
    rows = [
        {
            "article_id": stored.article_id,
            "story_id": stored.story_id,
            "theme_id": hit.theme_id,
            "spans": [
                {"field": s.field, "start": s.start, "end": s.end, "text": s.text}
                for s in hit.spans
            ],
            "created_at": now,
            "alerted": False,
        }
        for stored, hits in found
        for hit in hits
    ]
    hit_repo.upsert_hits(session, rows)


def _theme_live_for(settings: AlertSettings, theme: ThemeInfo, stored: StoredArticle) -> bool:
    # A theme added by a config edit starts quietly: stories found before it went live
    # are for its backtest, not for Slack.
    added = settings.theme_added.get(theme.id)
    return added is None or stored.story_first_seen >= added


def _message(
    kind: str,
    settings: AlertSettings,
    theme: ThemeInfo,
    channel: str,
    stored: StoredArticle,
    hit: Hit | None,
) -> AlertMessage:
    a = stored.article
    return AlertMessage(
        kind=kind,  # type: ignore[arg-type]
        channel=channel,
        theme_id=theme.id,
        theme_name=theme.name,
        priority=theme.priority,  # type: ignore[arg-type]
        title=a.title,
        link=a.link,
        outlet=a.source,
        published=a.published,
        summary=a.summary,
        spans=hit.spans if hit else (),
        timezone=settings.timezone,
        story_url=story_url(settings.public_url, stored.story_id),
        via=via_line(settings.why.fired(theme.query, item_for(a, stored.tags)))
        if settings.why and hit
        else (),
    )


def story_url(public_url: str | None, story_id: int | None) -> str | None:
    """The story's page on the desk, where the analyst can look back and mark it."""
    if not public_url or story_id is None:
        return None
    return f"{public_url.rstrip('/')}/stories/{story_id}"


def _alert_row(
    settings: AlertSettings, theme: ThemeInfo, stored: StoredArticle, hit: Hit
) -> dict[str, Any]:
    channel = theme.channel or settings.default_channel
    return {
        "dedup_key": f"alert:{stored.story_id}:{theme.id}",
        "kind": "alert",
        "theme_id": theme.id,
        "story_id": stored.story_id,
        "article_id": stored.article_id,
        "parent_id": None,
        "channel": channel,
        "payload": _message("alert", settings, theme, channel, stored, hit).to_dict(),
    }


def _followup_row(
    settings: AlertSettings, parent: DeliveryRow, stored: StoredArticle
) -> dict[str, Any] | None:
    if parent.article_id == stored.article_id or parent.theme_id is None:
        return None
    theme = settings.rules.themes.get(parent.theme_id)
    if theme is None:  # the theme was removed from the config since
        return None
    return {
        "dedup_key": f"followup:{stored.article_id}:{parent.theme_id}",
        "kind": "followup",
        "theme_id": parent.theme_id,
        "story_id": stored.story_id,
        "article_id": stored.article_id,
        "parent_id": parent.id,
        "channel": parent.channel,
        "payload": replace(
            _message("followup", settings, theme, parent.channel, stored, None),
            first_published=_published(parent),
        ).to_dict(),
    }


def _published(alert: DeliveryRow) -> datetime | None:
    """When the alerted report was published, as its message says."""
    try:
        return datetime.fromisoformat(str(alert.payload["published"]))
    except (KeyError, TypeError, ValueError):
        return None
