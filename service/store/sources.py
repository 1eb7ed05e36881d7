"""Repository functions for sources and their durable poll state."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.store.db import Database, in_chunks
from service.store.models import SourceRow
from service.store.source_specs import DISABLED_IN_CONFIG, SourceSpec, SyncReport, following

__all__ = ["SourceSpec", "SyncReport"]  # their home is source_specs; most callers look here


def sync_sources(session: Session, specs: list[SourceSpec], now: datetime) -> SyncReport:
    """Make the sources table follow the config: add new, update changed, disable removed.

    Removed sources keep their articles and hits; they only stop being polled.
    """
    rows = {row.name: row for row in session.scalars(select(SourceRow))}
    added, changed = [], []
    for spec in specs:
        row = rows.pop(spec.name, None)
        if row is None:
            session.add(_new_row(spec, now))
            added.append(spec.name)
        elif _apply_spec(row, spec, now):
            changed.append(spec.name)
    removed = [row.name for row in rows.values() if row.in_config]
    for row in rows.values():
        row.in_config = False
    return SyncReport(tuple(added), tuple(changed), tuple(removed))


SYNC_ATTEMPTS = 3


def sync_sources_in(db: Database, specs: list[SourceSpec], now: datetime) -> SyncReport:
    """sync_sources in a transaction of its own. Workers started together race to add the
    same new sources: the one that loses finds them added, and goes again (bounded)."""
    for attempt in range(SYNC_ATTEMPTS):
        try:
            with db.transaction() as session:
                return sync_sources(session, specs, now)
        except IntegrityError:
            if attempt == SYNC_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _new_row(spec: SourceSpec, now: datetime) -> SourceRow:
    return SourceRow(
        name=spec.name,
        config_url=spec.url,
        url=spec.url,
        tags=list(spec.tags),
        lang=spec.lang,
        interval_seconds=int(spec.interval.total_seconds()),
        in_config=True,
        status="pending" if spec.enabled else "disabled",
        disabled_reason=None if spec.enabled else DISABLED_IN_CONFIG,
        next_poll_at=now,
        error_count=0,
        created_at=now,
    )


def _apply_spec(row: SourceRow, spec: SourceSpec, now: datetime) -> bool:
    before = (row.config_url, row.tags, row.lang, row.interval_seconds, row.in_config, row.status)
    if row.config_url != spec.url:
        # A new URL in the config wins over a remembered redirect, and starts afresh.
        row.config_url = row.url = spec.url
        row.etag = row.last_modified = row.body_hash = None
        row.next_poll_at = now
    wanted = following(spec, row.status, row.disabled_reason)
    row.tags = list(wanted.tags)
    row.lang = wanted.lang
    row.interval_seconds = wanted.interval_seconds
    row.in_config = True
    if row.status == "disabled" and wanted.status != "disabled":
        row.next_poll_at = now
    row.status, row.disabled_reason = wanted.status, wanted.disabled_reason
    after = (row.config_url, row.tags, row.lang, row.interval_seconds, row.in_config, row.status)
    return before != after


def _unleased(now: datetime) -> Any:
    return or_(SourceRow.lease_until.is_(None), SourceRow.lease_until < now)


def _due(now: datetime) -> Any:
    return or_(SourceRow.next_poll_at.is_(None), SourceRow.next_poll_at <= now)


@dataclass(frozen=True)
class ClaimedSource:
    """What a poll reads of a leased source row."""

    id: int
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    interval_seconds: int
    tags: list[str] | None
    lang: str | None
    error_count: int
    failing_since: datetime | None
    last_success_at: datetime | None


_CLAIMED = [getattr(SourceRow, f.name) for f in fields(ClaimedSource)]
LEASE_ROWS = 500  # source ids one lease UPDATE names


def claim_due(
    session: Session,
    worker: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    name: str | None = None,
    force: bool = False,
) -> list[ClaimedSource]:
    """Lease the due sources to this worker so that no other worker polls them meanwhile.

    `force` (the `poll` command) takes every enabled source, due or not; `name` just one,
    even a disabled one, since asking for it by name is how a user retries it. Only the
    columns a poll reads are loaded, and the leases are written a few hundred ids a
    statement: loading 10,000 whole rows as ORM objects and updating them one by one was
    the peak of a steady poll at 10,000 sources.
    """
    conditions = [SourceRow.in_config.is_(True), _unleased(now)]
    if name is not None:
        conditions.append(SourceRow.name == name)
    else:
        conditions.append(SourceRow.status != "disabled")
        if not force:
            conditions.append(_due(now))
    query = select(*_CLAIMED).where(*conditions).order_by(SourceRow.next_poll_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = [ClaimedSource(*row) for row in session.execute(query)]
    for chunk in in_chunks(claimed, LEASE_ROWS):
        ids = [source.id for source in chunk]
        session.execute(
            update(SourceRow)
            .where(SourceRow.id.in_(ids))
            .values(lease_owner=worker, lease_until=now + lease)
        )
    return claimed


def renew_leases(
    session: Session, source_ids: list[int], worker: str, now: datetime, lease: timedelta
) -> None:
    """Extend this worker's leases on sources it is still polling. Rows being written right
    now (a poll finishing, which releases the lease anyway) are skipped, not waited for:
    waiting there could deadlock with this worker's own writer."""
    if not source_ids:
        return
    mine = select(SourceRow.id).where(SourceRow.id.in_(source_ids), SourceRow.lease_owner == worker)
    if session.get_bind().dialect.name == "postgresql":
        mine = mine.with_for_update(skip_locked=True)
    session.execute(
        update(SourceRow)
        .where(SourceRow.id.in_(mine.scalar_subquery()))
        .values(lease_until=now + lease)
    )


def release_leases(session: Session, worker: str) -> None:
    """Give back every lease of this worker (it is stopping): its sources are free at once."""
    session.execute(
        update(SourceRow)
        .where(SourceRow.lease_owner == worker)
        .values(lease_owner=None, lease_until=None)
    )


def release(session: Session, source_id: int) -> None:
    session.execute(
        update(SourceRow)
        .where(SourceRow.id == source_id)
        .values(lease_owner=None, lease_until=None)
    )


def next_due(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(SourceRow.next_poll_at)).where(
            SourceRow.in_config.is_(True), SourceRow.status != "disabled"
        )
    )


def status_counts(session: Session) -> dict[str, int]:
    """Configured sources by status."""
    rows = session.execute(
        select(SourceRow.status, func.count())
        .where(SourceRow.in_config.is_(True))
        .group_by(SourceRow.status)
    )
    return {status: int(count) for status, count in rows}


def by_name(session: Session, names: list[str]) -> dict[str, SourceRow]:
    return {r.name: r for r in session.scalars(select(SourceRow).where(SourceRow.name.in_(names)))}
