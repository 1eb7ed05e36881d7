"""Repository functions for delivery pauses (see models.DeliveryPauseRow)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from service.store import plain
from service.store.dialect import upsert
from service.store.models import DeliveryPauseRow

EVERY_CHANNEL = ""  # the channel key of a pause of the whole destination
FIRST_PROBE = timedelta(minutes=1)
MAX_PROBE_WAIT = timedelta(minutes=30)


def probe_wait(probes: int) -> timedelta:
    """How long a pause lasts before one queued message is tried again: doubling from a
    minute to half an hour (a config edit resumes at once)."""
    wait: timedelta = FIRST_PROBE * 2 ** min(probes, 10)
    return min(wait, MAX_PROBE_WAIT)


def pause(
    session: Session, channel: str, error: str, message: str, now: datetime
) -> tuple[bool, datetime]:
    """Pause a channel (or EVERY_CHANNEL): whether it was not paused before (report it),
    and when its next probe is due. A pause that exists already waits longer."""
    stmt = upsert(session, DeliveryPauseRow).values(
        channel=channel,
        error=error,
        message=message,
        paused_at=now,
        probe_at=now + probe_wait(0),
        probes=0,
    )
    inserted = session.execute(stmt.on_conflict_do_nothing().returning(DeliveryPauseRow.channel))
    if inserted.scalar_one_or_none() is not None:
        return True, now + probe_wait(0)
    row = session.get(DeliveryPauseRow, channel)
    if row is None:  # resumed by another worker in between: this one's probe is now
        return False, now
    row.probes += 1
    row.probe_at = now + probe_wait(row.probes)
    row.error, row.message = error, message
    return False, row.probe_at


def active(session: Session) -> list[plain.Pause]:
    return plain.pauses(plain.on_session(session))


def resume(session: Session, channel: str) -> bool:
    """End the pause of `channel` (or EVERY_CHANNEL); True when there was one."""
    result = session.execute(delete(DeliveryPauseRow).where(DeliveryPauseRow.channel == channel))
    return bool(getattr(result, "rowcount", 0))


def resume_all(session: Session) -> int:
    result = session.execute(delete(DeliveryPauseRow))
    return int(getattr(result, "rowcount", 0) or 0)
