"""Poll results written in batches.

Most polls of a healthy fleet are 304s that change a handful of columns of one source row.
A transaction each would cost more CPU than the poll itself, so those updates are buffered
and written together with one executemany. Losing a buffer (a crash) is harmless: the
lease on those sources runs out and they are polled again.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import bindparam, update

from service.store.db import Database
from service.store.models import SourceRow


class PollStateBuffer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, dict[str, Any]] = {}

    def add(self, source_id: int, values: dict[str, Any]) -> None:
        with self._lock:
            self._pending[source_id] = values

    def __len__(self) -> int:
        return len(self._pending)

    def flush(self, db: Database) -> int:
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for source_id, values in pending.items():
            groups.setdefault(tuple(sorted(values)), []).append({"_id": source_id, **values})
        with db.transaction() as session:
            connection = session.connection()
            for columns, rows in groups.items():
                statement = (
                    update(SourceRow)
                    .where(SourceRow.id == bindparam("_id"))
                    .values({c: bindparam(c) for c in columns})
                )
                connection.execute(statement, rows)
        return len(pending)
