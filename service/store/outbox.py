"""The outbox: durable delivery rows for alerts, follow-ups, summaries and notices.

Rows are created in the same transaction as the hits they announce, claimed with a
conditional UPDATE (plus FOR UPDATE SKIP LOCKED on PostgreSQL), and finished as sent,
retry-later or failed. A unique `dedup_key` makes enqueueing idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from service.store import plain
from service.store.dialect import upsert
from service.store.models import DeliveryRow

# A claim is short and renewed while its worker is alive (Deliverer.renew_claims): the rows
# of a worker that died are taken over within this time.
CLAIM_LEASE = timedelta(seconds=30)
# "sending": claimed, not yet handed to the notifier; "posting": the call has started, so the
# message may have reached Slack even if its worker died before it could record the answer.
CLAIMED = plain.CLAIMED


def enqueue(session: Session, now: datetime, **values: Any) -> int | None:
    """Insert a delivery unless its dedup_key exists; the new id, or None if it existed."""
    row = {"status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now} | values
    stmt = (
        upsert(session, DeliveryRow).values(row).on_conflict_do_nothing().returning(DeliveryRow.id)
    )
    return session.execute(stmt).scalar_one_or_none()


def enqueue_many(session: Session, now: datetime, rows: list[dict[str, Any]]) -> list[str]:
    """Insert deliveries whose dedup_key is new, in the given order (ids follow it);
    returns the dedup keys actually inserted. Every row must have the same keys."""
    if not rows:
        return []
    base = {"status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
    stmt = (
        upsert(session, DeliveryRow)
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
    return plain.count_queued(plain.on_session(session))


def find(session: Session, dedup_key: str) -> DeliveryRow | None:
    return session.scalar(select(DeliveryRow).where(DeliveryRow.dedup_key == dedup_key))


def due_condition(now: datetime) -> Any:
    return or_(
        and_(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= now),
        # a worker that died mid-send: its lease ran out
        and_(DeliveryRow.status.in_(CLAIMED), DeliveryRow.claimed_until < now),
    )


def claim(
    session: Session,
    worker: str,
    now: datetime,
    limit: int = 50,
    skip_channels: frozenset[str] = frozenset(),
) -> list[tuple[DeliveryRow, bool]]:
    """Claim due rows in the order they were created (the order stories were found), each
    with whether a worker that died had started posting it (it may be in Slack already).
    Rows for `skip_channels` (paused) stay where they are."""
    query = select(DeliveryRow).where(due_condition(now))
    if skip_channels:
        query = query.where(DeliveryRow.channel.not_in(sorted(skip_channels)))
    query = query.order_by(DeliveryRow.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    if not rows:
        return []
    was_posting = {r.id for r in rows if r.status == "posting"}
    ids = [r.id for r in rows]
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(ids), due_condition(now))
        .values(status="sending", claimed_by=worker, claimed_until=now + CLAIM_LEASE)
    )
    session.flush()
    for row in rows:
        session.refresh(row)
    return [
        (r, r.id in was_posting) for r in rows if r.claimed_by == worker and r.status == "sending"
    ]


def start_posting(session: Session, delivery_id: int, worker: str, now: datetime) -> bool:
    """Record, before the call, that this worker is handing the row to the notifier; False
    when the claim was lost meanwhile (then another worker has the row: do not send it)."""
    result = session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.id == delivery_id,
            DeliveryRow.claimed_by == worker,
            DeliveryRow.status == "sending",
        )
        .values(status="posting", claimed_until=now + CLAIM_LEASE)
    )
    return bool(getattr(result, "rowcount", 0))


def renew(session: Session, delivery_ids: list[int], worker: str, now: datetime) -> None:
    """Extend this worker's claims on rows it is still working on (rows being written right
    now are skipped, not waited for: that could deadlock with the worker's own updates)."""
    if not delivery_ids:
        return
    mine = select(DeliveryRow.id).where(
        DeliveryRow.id.in_(delivery_ids),
        DeliveryRow.claimed_by == worker,
        DeliveryRow.status.in_(CLAIMED),
    )
    if session.get_bind().dialect.name == "postgresql":
        mine = mine.with_for_update(skip_locked=True)
    session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(mine.scalar_subquery()))
        .values(claimed_until=now + CLAIM_LEASE)
    )


def release(session: Session, delivery_ids: list[int], worker: str) -> None:
    """Give back claimed rows this worker did not start posting (stopping, or an error):
    they are due again at once, for this or another worker."""
    if delivery_ids:
        session.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.id.in_(delivery_ids),
                DeliveryRow.claimed_by == worker,
                DeliveryRow.status == "sending",
            )
            .values(status="pending", claimed_by=None, claimed_until=None)
        )


def known_channel_id(session: Session, channel: str) -> str | None:
    """The id Slack gave `channel` when a message last went there (names like #desk are
    what the config says; Slack's history calls need the id)."""
    return session.scalar(
        select(DeliveryRow.sent_channel)
        .where(DeliveryRow.channel == channel, DeliveryRow.sent_channel.is_not(None))
        .order_by(DeliveryRow.id.desc())
        .limit(1)
    )


def _release(session: Session, delivery_id: int, attempt: bool, **values: Any) -> None:
    """Finish a claim: the row leaves "sending"/"posting" with the given values."""
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


def get(session: Session, delivery_id: int | None) -> DeliveryRow | None:
    return session.get(DeliveryRow, delivery_id) if delivery_id is not None else None


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


def alerts_sent_since(
    session: Session, theme_id: str | None, channel: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many alerts of this theme went to this channel since `since`, and the oldest."""
    count, oldest = session.execute(
        select(func.count(), func.min(DeliveryRow.sent_at)).where(
            DeliveryRow.kind == "alert",
            DeliveryRow.status == "sent",
            DeliveryRow.theme_id == theme_id,
            DeliveryRow.channel == channel,
            DeliveryRow.sent_at > since,
        )
    ).one()
    return int(count), oldest


def held_due(session: Session, now: datetime) -> list[DeliveryRow]:
    """Alerts held back by the hourly limit whose window has ended, oldest first."""
    return list(
        session.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.status == "held", DeliveryRow.next_attempt_at <= now)
            .order_by(DeliveryRow.id)
        )
    )


def mark_summarized(session: Session, delivery_ids: list[int]) -> None:
    session.execute(
        update(DeliveryRow).where(DeliveryRow.id.in_(delivery_ids)).values(status="summarized")
    )


def hold_stale_alerts(session: Session, before: datetime, now: datetime) -> int:
    """Alerts queued since before `before` (an outage, a pause) are held for one summary
    per theme and channel instead of a flood of old news; returns how many."""
    result = session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.kind == "alert",
            DeliveryRow.status == "pending",
            DeliveryRow.created_at < before,
        )
        .values(status="held", next_attempt_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)
