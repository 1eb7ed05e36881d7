"""The one place that picks PostgreSQL's or SQLite's INSERT ... ON CONFLICT."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def upsert(session: Session, table: Any) -> Any:
    """`INSERT INTO table` with the dialect's `on_conflict_do_nothing()` and
    `on_conflict_do_update()` (both dialects spell them the same)."""
    # Imported here: a command on SQLite need not load the PostgreSQL dialect, and back.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def insert_ignore(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert the rows whose unique keys are new; the others are left as they are.
    Core with a parameter list: one compiled statement, sent as an executemany."""
    if rows:
        session.connection().execute(upsert(session, table).on_conflict_do_nothing(), rows)
