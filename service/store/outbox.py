"""The outbox: durable delivery rows for alerts, follow-ups, summaries and notices.

Rows are created in the same transaction as the hits they announce, claimed with a
conditional UPDATE (plus FOR UPDATE SKIP LOCKED on PostgreSQL), and finished as sent,
retry-later or failed. A unique `dedup_key` makes enqueueing idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.store.models import DeliveryRow

CLAIM_LEASE = timedelta(minutes=2)


def enqueue(session: Session, now: datetime, **values: Any) -> int | None:
    """Insert a delivery unless its dedup_key exists; the new id, or None if it existed."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    row = {"status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now} | values
    stmt = insert(DeliveryRow).values(row).on_conflict_do_nothing().returning(DeliveryRow.id)
    return session.execute(stmt).scalar_one_or_none()


def enqueue_many(session: Session, now: datetime, rows: list[dict[str, Any]]) -> list[str]:
    """Insert deliveries whose dedup_key is new, in the given order (ids follow it);
    returns the dedup keys actually inserted. Every row must have the same keys."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    base = {"status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
    stmt = (
        insert(DeliveryRow)
        .on_conflict_do_nothing()
        .returning(DeliveryRow.id, DeliveryRow.dedup_key)
    )
    # A parameter list, not .values(rows): one cached statement that SQLAlchemy sends in
    # multi-row pages ("insertmanyvalues"); building a VALUES clause per call cost more
    # than the insert itself.
    done = dict(session.connection().execute(stmt, [base | row for row in rows]).all())
    return [done[i] for i in sorted(done)]


def count_waiting(session: Session) -> int:
    """Deliveries not yet sent nor given up: pending, or being sent right now."""
    count = session.scalar(
        select(func.count()).where(DeliveryRow.status.in_(["pending", "sending"]))
    )
    return int(count or 0)


def find(session: Session, dedup_key: str) -> DeliveryRow | None:
    return session.scalar(select(DeliveryRow).where(DeliveryRow.dedup_key == dedup_key))


def due_condition(now: datetime) -> Any:
    return or_(
        and_(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= now),
        # a worker that died mid-send: its lease ran out
        and_(DeliveryRow.status == "sending", DeliveryRow.claimed_until < now),
    )


def claim(session: Session, worker: str, now: datetime, limit: int = 50) -> list[DeliveryRow]:
    """Claim due rows in the order they were created (the order stories were found)."""
    query = select(DeliveryRow).where(due_condition(now)).order_by(DeliveryRow.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    if not rows:
        return []
    ids = [r.id for r in rows]
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(ids), due_condition(now))
        .values(status="sending", claimed_by=worker, claimed_until=now + CLAIM_LEASE)
    )
    session.flush()
    for row in rows:
        session.refresh(row)
    return [r for r in rows if r.claimed_by == worker and r.status == "sending"]


def _release(session: Session, delivery_id: int, attempt: bool, **values: Any) -> None:
    """Finish a claim: the row leaves "sending" with the given values."""
    if attempt:
        values["attempts"] = DeliveryRow.attempts + 1
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id == delivery_id)
        .values(claimed_by=None, claimed_until=None, **values)
    )


def mark_sent(
    session: Session, delivery_id: int, now: datetime, channel: str | None, ts: str | None
) -> None:
    _release(
        session, delivery_id, True,
        status="sent", sent_at=now, sent_channel=channel, sent_ts=ts, last_error=None,
    )  # fmt: skip


def mark_retry(
    session: Session, delivery_id: int, when: datetime, error: str, count_attempt: bool = True
) -> None:
    _release(
        session,
        delivery_id,
        count_attempt,
        status="pending",
        next_attempt_at=when,
        last_error=error,
    )


def mark_failed(session: Session, delivery_id: int, error: str) -> None:
    _release(session, delivery_id, True, status="failed", last_error=error)


def mark_held(session: Session, delivery_id: int, until: datetime) -> None:
    _release(session, delivery_id, False, status="held", next_attempt_at=until)


def defer_channel(session: Session, channel: str, until: datetime, after_id: int) -> None:
    """Push later pending rows of a failing channel back with the failed one, so that
    after an outage they go out in the order they were created."""
    session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.channel == channel,
            DeliveryRow.status == "pending",
            DeliveryRow.id > after_id,
            DeliveryRow.next_attempt_at < until,
        )
        .values(next_attempt_at=until)
    )
