"""The one place that picks PostgreSQL's or SQLite's INSERT ... ON CONFLICT."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def upsert(session: Session, table: Any) -> Any:
    """`INSERT INTO table` with the dialect's `on_conflict_do_nothing()` and
    `on_conflict_do_update()` (both dialects spell them the same)."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(table)
    return sqlite_insert(table)


def insert_ignore(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert the rows whose unique keys are new; the others are left as they are.
    Core with a parameter list: one compiled statement, sent as an executemany."""
    if rows:
        session.connection().execute(upsert(session, table).on_conflict_do_nothing(), rows)
