"""The durable digest_runs rows that make each digest go out once per schedule.

One row per (digest, period), unique, claimed with a conditional UPDATE before anything is
sent. Written as plain SQL on a `Reader`, so the worker runs it inside its sessions and
`wirewatch digest --send` on the driver's own connection, without loading SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from service.store.plain import Reader, utc

# Due and pending, or being sent by a worker whose claim ran out (it died mid-send).
CLAIMABLE = (
    "((status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until < ?))"
)


@dataclass(frozen=True)
class DigestRun:
    id: int
    name: str
    period: str
    period_start: datetime
    period_end: datetime
    attempts: int
    message_id: str | None


def _param(reader: Reader, value: Any) -> Any:
    return reader.time(value) if isinstance(value, datetime) else value


def create_run(
    reader: Reader, name: str, period: str, start: datetime, end: datetime, now: datetime
) -> None:
    """Insert the pending run of a (name, period) unless it exists."""
    reader.change(
        "INSERT INTO digest_runs (name, period, period_start, period_end, status, attempts, "
        "next_attempt_at, created_at, stories) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, 0) "
        "ON CONFLICT (name, period) DO NOTHING",
        name, period, reader.time(start), reader.time(end), reader.time(now), reader.time(now),
    )  # fmt: skip


def claim_run(
    reader: Reader, name: str, period: str, worker: str, now: datetime, lease: timedelta
) -> int | None:
    """Take the run if it is due (or its sender's lease ran out); its id, else None."""
    found = reader.rows(
        "UPDATE digest_runs SET status = 'sending', claimed_by = ?, claimed_until = ? "
        f"WHERE name = ? AND period = ? AND {CLAIMABLE} RETURNING id",
        worker, reader.time(now + lease), name, period, reader.time(now), reader.time(now),
    )  # fmt: skip
    return int(found[0][0]) if found else None


def renew_runs(
    reader: Reader, run_ids: Sequence[int], worker: str, now: datetime, lease: timedelta
) -> None:
    """Extend this worker's claims on digest runs it is still sending."""
    if run_ids:
        marks = ", ".join("?" for _ in run_ids)
        reader.change(
            f"UPDATE digest_runs SET claimed_until = ? WHERE id IN ({marks}) "
            "AND claimed_by = ? AND status = 'sending'",
            reader.time(now + lease), *run_ids, worker,
        )  # fmt: skip


def due_retries(
    reader: Reader, names: Sequence[str], now: datetime
) -> list[tuple[str, str, datetime]]:
    """(name, period, period end) of runs that failed for a while and are due again."""
    if not names:
        return []
    marks = ", ".join("?" for _ in names)
    rows = reader.rows(
        "SELECT name, period, period_end FROM digest_runs WHERE status = 'pending' "
        f"AND next_attempt_at <= ? AND name IN ({marks}) ORDER BY id",
        reader.time(now), *names,
    )  # fmt: skip
    return [(name, period, _time(end)) for name, period, end in rows]


def get_run(reader: Reader, run_id: int) -> DigestRun | None:
    rows = reader.rows(
        "SELECT id, name, period, period_start, period_end, attempts, message_id "
        "FROM digest_runs WHERE id = ?",
        run_id,
    )
    if not rows:
        return None
    id_, name, period, start, end, attempts, message_id = rows[0]
    return DigestRun(int(id_), name, period, _time(start), _time(end), int(attempts), message_id)


def update_run(reader: Reader, run_id: int, **values: Any) -> None:
    """Set these columns (names from this package, never from input) of one run."""
    columns = ", ".join(f"{column} = ?" for column in values)
    params = [_param(reader, value) for value in values.values()]
    reader.change(f"UPDATE digest_runs SET {columns} WHERE id = ?", *params, run_id)


def finish_run(
    reader: Reader, run_id: int, status: str, now: datetime, stories: int, error: str | None
) -> None:
    reader.change(
        "UPDATE digest_runs SET status = ?, stories = ?, sent_at = ?, last_error = ?, "
        "claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1 WHERE id = ?",
        status, stories, reader.time(now), error, run_id,
    )  # fmt: skip


def first_created(reader: Reader) -> datetime | None:
    """When the first source was added: the install's first start."""
    return utc(reader.value("SELECT min(created_at) FROM sources"))


def _time(value: Any) -> datetime:
    when = utc(value)
    if when is None:
        raise ValueError("a digest run without its period")
    return when
