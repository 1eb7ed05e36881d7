"""Repository functions for digests: what a period's digest holds, and the durable
digest_runs rows that make each digest go out once per schedule."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.store.dialect import upsert
from service.store.models import DigestRunRow

# digest_runs: one row per (digest, period), claimed before anything is sent.


def create_run(session: Session, values: dict[str, Any]) -> None:
    """Insert the run of a (name, period) unless it exists."""
    session.execute(upsert(session, DigestRunRow).values(**values).on_conflict_do_nothing())


def claim_run(
    session: Session, name: str, period: str, worker: str, now: datetime, lease: timedelta
) -> int | None:
    """Take the run if it is due (or its sender's lease ran out); its id, else None."""
    claimable = ((DigestRunRow.status == "pending") & (DigestRunRow.next_attempt_at <= now)) | (
        (DigestRunRow.status == "sending") & (DigestRunRow.claimed_until < now)
    )
    result = session.execute(
        update(DigestRunRow)
        .where(DigestRunRow.name == name, DigestRunRow.period == period, claimable)
        .values(status="sending", claimed_by=worker, claimed_until=now + lease)
        .returning(DigestRunRow.id)
    )
    return result.scalar_one_or_none()


def renew_runs(
    session: Session, run_ids: list[int], worker: str, now: datetime, lease: timedelta
) -> None:
    """Extend this worker's claims on digest runs it is still sending."""
    if run_ids:
        session.execute(
            update(DigestRunRow)
            .where(
                DigestRunRow.id.in_(run_ids),
                DigestRunRow.claimed_by == worker,
                DigestRunRow.status == "sending",
            )
            .values(claimed_until=now + lease)
        )


def due_retries(
    session: Session, names: list[str], now: datetime
) -> list[tuple[str, str, datetime]]:
    """(name, period, period end) of runs that failed for a while and are due again."""
    rows = session.execute(
        select(DigestRunRow.name, DigestRunRow.period, DigestRunRow.period_end).where(
            DigestRunRow.status == "pending",
            DigestRunRow.next_attempt_at <= now,
            DigestRunRow.name.in_(names),
        )
    ).all()
    return [(name, period, end) for name, period, end in rows]


def get_run(session: Session, run_id: int) -> DigestRunRow | None:
    return session.get(DigestRunRow, run_id)


def update_run(session: Session, run_id: int, **values: Any) -> None:
    session.execute(update(DigestRunRow).where(DigestRunRow.id == run_id).values(**values))


def finish_run(
    session: Session, run_id: int, status: str, now: datetime, stories: int, error: str | None
) -> None:
    update_run(
        session,
        run_id,
        status=status,
        stories=stories,
        sent_at=now,
        last_error=error,
        claimed_by=None,
        claimed_until=None,
        attempts=DigestRunRow.attempts + 1,
    )
