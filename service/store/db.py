"""Engines and transactions for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.store import plain
from service.store.plain import normalize_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")


def in_chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """`items` in slices of at most `size`: one statement's parameters stay under the
    databases' limits, and a statement's copies of them stay small."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


class Unusable(Exception):
    """The database cannot be opened at all; the message says why and what to do."""


def _sqlite_engine(url: str, database: str | None, **kwargs: Any) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Unusable(
                f"cannot create the folder {folder} for the database {redact_url(url)}: "
                f"{exc.strerror or exc}; fix database: in the config"
            ) from None
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit
        # BEGIN is DEFERRED, which lets two writers deadlock on lock upgrade).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self.url = normalize_url(url)
        plain.remember(self.url)
        self.engine = make_engine(self.url, **kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reader(self) -> Iterator[plain.Reader]:
        """A transaction as store/plain.py's functions take it, on a session's connection."""
        with self.transaction() as session:
            yield plain.on_session(session)

    def ping(self) -> None:
        """Raise unless the database answers a trivial query."""
        with self.transaction() as session:
            session.execute(text("select 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def redact_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    try:
        return make_url(normalize_url(url)).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"
