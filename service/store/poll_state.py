"""Poll results written in batches.

Most polls of a healthy fleet are 304s that change a handful of columns of one source row.
A transaction each would cost more CPU than the poll itself, so those updates are buffered
and written together with one executemany. Losing a buffer (a crash) is harmless: the
lease on those sources runs out and they are polled again.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from sqlalchemy import Update, bindparam, update
from sqlalchemy.orm import Session

from service.store.db import Database, in_chunks
from service.store.models import SourceRow

FLUSH_ROWS = 500  # rows an UPDATE executemany takes at once: its parameters are copied


class PollStateBuffer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, dict[str, Any]] = {}

    def add(self, source_id: int, values: dict[str, Any]) -> None:
        with self._lock:
            self._pending[source_id] = {"_id": source_id, **values}

    def __len__(self) -> int:
        return len(self._pending)

    def flush(self, db: Database) -> int:
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in pending.values():
            groups.setdefault(tuple(sorted(k for k in row if k != "_id")), []).append(row)
        with db.transaction() as session:
            connection = session.connection()
            for columns, rows in groups.items():
                for chunk in in_chunks(rows, FLUSH_ROWS):
                    connection.execute(source_update(columns), list(chunk))
        return len(pending)


@functools.cache
def source_update(columns: tuple[str, ...]) -> Update:
    """UPDATE sources SET <columns> WHERE id = :_id, built once per set of columns: a poll
    writes one of a handful of shapes, and building the statement costs more than running it."""
    return (
        update(SourceRow)
        .where(SourceRow.id == bindparam("_id"))
        .values({c: bindparam(c) for c in columns})
    )


def write_source(session: Session, source_id: int, values: dict[str, Any]) -> None:
    """One source row's poll result, in the caller's transaction."""
    session.connection().execute(source_update(tuple(sorted(values))), {"_id": source_id, **values})
