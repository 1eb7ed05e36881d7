"""The outbox as operators and reports see it: counts, listings, and an operator's retry or
drop (`wirewatch outbox`, `wirewatch sources`, /metrics, the demo's summary)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.store.models import DeliveryRow
from service.store.outbox import CLAIMED


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status))
    return {status: int(count) for status, count in rows}


def sent_counts(session: Session) -> dict[tuple[str, str | None], int]:
    """Messages sent, by (kind, theme)."""
    rows = session.execute(
        select(DeliveryRow.kind, DeliveryRow.theme_id, func.count())
        .where(DeliveryRow.status == "sent")
        .group_by(DeliveryRow.kind, DeliveryRow.theme_id)
    )
    return {(kind, theme_id): int(count) for kind, theme_id, count in rows}


def recent_failures(session: Session, limit: int = 5) -> list[tuple[str, str, str | None]]:
    """(kind, channel, error) of the deliveries that failed for good, newest first."""
    rows = session.execute(
        select(DeliveryRow.kind, DeliveryRow.channel, DeliveryRow.last_error)
        .where(DeliveryRow.status == "failed")
        .order_by(DeliveryRow.id.desc())
        .limit(limit)
    ).all()
    return [(kind, channel, error) for kind, channel, error in rows]


def waiting_by_channel(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(DeliveryRow.channel, func.count())
        .where(DeliveryRow.status.in_(["pending", "held", *CLAIMED]))
        .group_by(DeliveryRow.channel)
    )
    return {channel: int(count) for channel, count in rows}


def oldest_waiting(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(DeliveryRow.created_at)).where(
            DeliveryRow.status.in_(["pending", "held", *CLAIMED])
        )
    )


def listing(session: Session, statuses: list[str], limit: int) -> list[DeliveryRow]:
    return list(
        session.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.status.in_(statuses))
            .order_by(DeliveryRow.id)
            .limit(limit)
        )
    )


def requeue(session: Session, ids: list[int] | None, now: datetime) -> int:
    """Failed (or given-up) deliveries go back to the queue, due now; `ids` None: all."""
    query = update(DeliveryRow).where(DeliveryRow.status == "failed")
    if ids is not None:
        query = query.where(DeliveryRow.id.in_(ids))
    result = session.execute(
        query.values(status="pending", next_attempt_at=now, attempts=0, last_error=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def drop(session: Session, ids: list[int]) -> int:
    """Give up on queued or failed deliveries: they are kept, as dropped, never sent."""
    result = session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(ids), DeliveryRow.status.in_(["pending", "held", "failed"]))
        .values(status="dropped", claimed_by=None, claimed_until=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def retarget(session: Session, theme_id: str, old: str, new: str) -> int:
    """Queued messages of a theme whose channel the config changed go to the new one."""
    rows = list(
        session.scalars(
            select(DeliveryRow).where(
                DeliveryRow.theme_id == theme_id,
                DeliveryRow.channel == old,
                DeliveryRow.status.in_(["pending", "held"]),
                DeliveryRow.kind != "followup",  # a reply stays in its alert's thread
            )
        )
    )
    for row in rows:
        row.channel = new
        row.payload = {**row.payload, "channel": new}
    return len(rows)


def due_now(session: Session, now: datetime) -> int:
    """Every queued message that waits for a later try is due now (the set-up changed)."""
    result = session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at > now)
        .values(next_attempt_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)
