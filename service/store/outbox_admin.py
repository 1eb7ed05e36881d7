"""The outbox as operators and reports see it: counts, listings, and an operator's retry or
drop (`wirewatch outbox`, `wirewatch sources`, /metrics, the demo's summary)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.store.models import DeliveryRow


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
