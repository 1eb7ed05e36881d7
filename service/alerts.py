"""Turn the matches of a stored article into hits and outbox rows.

One alert per (story, theme), guarded by a unique key; later reports of an alerted story
become follow-ups in its thread. Only rows the database says are new become messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.domain import Article, Hit
from service.notify.base import AlertMessage
from service.store import outbox
from service.store.models import DeliveryRow, HitRow
from service.themes import RuleSet, ThemeInfo, item_for


@dataclass(frozen=True)
class AlertSettings:
    rules: RuleSet
    default_channel: str
    timezone: str
    threads: bool  # the notifier can reply in threads (a webhook cannot)
    theme_added: dict[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredArticle:
    article_id: int
    article: Article
    story_id: int
    story_first_seen: datetime
    is_new: bool  # a new report (not an edit of one already stored)
    silent: bool  # backfill: stored, never alerted
    tags: tuple[str, ...] = ()


def record_matches(
    session: Session,
    settings: AlertSettings,
    stored: StoredArticle,
    now: datetime,
    earlier_alerts: Sequence[DeliveryRow] = (),
) -> int:
    """Store the article's hits and enqueue what they announce. Returns alerts enqueued.

    `earlier_alerts` are the alerts of the story this new report joined: it becomes a
    follow-up in each of their threads.
    """
    hits = settings.rules.match(item_for(stored.article, stored.tags))
    _store_hits(session, stored, hits, now)
    if stored.silent:
        return 0
    alerts = 0
    for hit in hits:
        theme = settings.rules.themes[hit.theme_id]
        if theme.alert and _theme_live_for(settings, theme, stored):
            alerts += _enqueue_alert(session, settings, theme, stored, hit, now) is not None
    if settings.threads:
        for parent in earlier_alerts:
            _enqueue_followup(session, settings, parent, stored, now)
    return alerts


def _store_hits(
    session: Session, stored: StoredArticle, hits: Sequence[Hit], now: datetime
) -> None:
    if not hits:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = [
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
        for hit in hits
    ]
    stmt = insert(HitRow).values(values)
    # An edit may move the matched terms; the hit itself stays the same row.
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["article_id", "theme_id"], set_={"spans": stmt.excluded.spans}
        )
    )


def _theme_live_for(settings: AlertSettings, theme: ThemeInfo, stored: StoredArticle) -> bool:
    # A theme added by a config edit starts quietly: stories found before it went live
    # are for its backtest, not for Slack.
    added = settings.theme_added.get(theme.id)
    return added is None or stored.story_first_seen >= added


def alerts_of_stories(session: Session, story_ids: set[int]) -> dict[int, list[DeliveryRow]]:
    """The alerts already enqueued for these stories, by story (one query for a feed)."""
    out: dict[int, list[DeliveryRow]] = {}
    if not story_ids:
        return out
    rows = session.scalars(
        select(DeliveryRow)
        .where(DeliveryRow.story_id.in_(story_ids), DeliveryRow.kind == "alert")
        .order_by(DeliveryRow.id)
    )
    for row in rows:
        if row.story_id is not None:
            out.setdefault(row.story_id, []).append(row)
    return out


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
    )


def _enqueue_alert(
    session: Session,
    settings: AlertSettings,
    theme: ThemeInfo,
    stored: StoredArticle,
    hit: Hit,
    now: datetime,
) -> int | None:
    channel = theme.channel or settings.default_channel
    msg = _message("alert", settings, theme, channel, stored, hit)
    new_id = outbox.enqueue(
        session,
        now,
        dedup_key=f"alert:{stored.story_id}:{theme.id}",
        kind="alert",
        theme_id=theme.id,
        story_id=stored.story_id,
        article_id=stored.article_id,
        channel=channel,
        payload=msg.to_dict(),
    )
    if new_id is not None:
        session.execute(
            update(HitRow)
            .where(HitRow.article_id == stored.article_id, HitRow.theme_id == theme.id)
            .values(alerted=True)
        )
    return new_id


def _enqueue_followup(
    session: Session,
    settings: AlertSettings,
    parent: DeliveryRow,
    stored: StoredArticle,
    now: datetime,
) -> None:
    if parent.article_id == stored.article_id or parent.theme_id is None:
        return
    theme = settings.rules.themes.get(parent.theme_id)
    if theme is None:  # the theme was removed from the config since
        return
    msg = _message("followup", settings, theme, parent.channel, stored, None)
    outbox.enqueue(
        session,
        now,
        dedup_key=f"followup:{stored.article_id}:{parent.theme_id}",
        kind="followup",
        theme_id=parent.theme_id,
        story_id=stored.story_id,
        article_id=stored.article_id,
        parent_id=parent.id,
        channel=parent.channel,
        payload=msg.to_dict(),
    )
