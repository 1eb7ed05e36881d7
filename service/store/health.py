"""The facts /healthz and `wirewatch sources` judge the service's health by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.store.models import DeliveryRow, DigestRunRow, SourceRow


@dataclass(frozen=True)
class SourceHealth:
    name: str
    status: str
    interval_seconds: int
    last_success: datetime | None
    last_error: str | None
    failures: int  # consecutive


def sources(session: Session) -> list[SourceHealth]:
    """Every configured source, disabled ones too."""
    rows = session.execute(
        select(
            SourceRow.name,
            SourceRow.status,
            SourceRow.interval_seconds,
            SourceRow.last_success_at,
            SourceRow.last_error,
            SourceRow.error_count,
        ).where(SourceRow.in_config.is_(True))
    ).all()
    return [SourceHealth(*row) for row in rows]


def retried_deliveries(session: Session, attempts: int) -> tuple[int, str | None]:
    """Queued messages that failed at least `attempts` times, and the newest error."""
    count, error = session.execute(
        select(func.count(), func.max(DeliveryRow.last_error)).where(
            DeliveryRow.status == "pending", DeliveryRow.attempts >= attempts
        )
    ).one()
    return int(count), error


def digest_done(session: Session, name: str, period: str) -> bool:
    """Whether the digest of this (local-date) period was sent or skipped."""
    status = session.scalar(
        select(DigestRunRow.status).where(DigestRunRow.name == name, DigestRunRow.period == period)
    )
    return status in ("sent", "skipped")


def outbox_depth(session: Session) -> tuple[dict[tuple[str, str], int], datetime | None]:
    """Messages not yet sent nor given up, by (channel, status), and the oldest's creation."""
    waiting = ["pending", "held", "sending", "posting"]
    rows = session.execute(
        select(DeliveryRow.channel, DeliveryRow.status, func.count())
        .where(DeliveryRow.status.in_(waiting))
        .group_by(DeliveryRow.channel, DeliveryRow.status)
    ).all()
    oldest = session.scalar(
        select(func.min(DeliveryRow.created_at)).where(DeliveryRow.status.in_(waiting))
    )
    return {(channel, status): int(n) for channel, status, n in rows}, oldest


def digests_last_sent(session: Session) -> dict[str, datetime]:
    rows = session.execute(
        select(DigestRunRow.name, func.max(DigestRunRow.sent_at))
        .where(DigestRunRow.status == "sent")
        .group_by(DigestRunRow.name)
    ).all()
    return {name: when for name, when in rows if when is not None}
