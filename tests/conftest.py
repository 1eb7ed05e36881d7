"""Shared fixtures: a migrated database on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from service.store import Database
from service.store.migrate import upgrade

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str | None:
    """The PostgreSQL to test against, or None (skip) when there is none on a laptop.

    Under CI=true a missing PostgreSQL fails the run instead: CI must exercise it.
    """
    url = os.environ.get("WIREWATCH_TEST_POSTGRES_URL", DEFAULT_PG)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return url
    except Exception as exc:  # any failure to connect means "not here"
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unreachable at {url} under CI=true: {exc}", pytrace=False)
        return None


_PG_URL: str | None | bool = False


def postgres_url() -> str | None:
    global _PG_URL
    if _PG_URL is False:
        _PG_URL = _postgres_url()
    return _PG_URL or None


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for one test, dropped afterwards."""
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL not reachable (set WIREWATCH_TEST_POSTGRES_URL)")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wirewatch.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """A migrated database, once per backend."""
    db = Database(db_url)
    upgrade(db)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'wirewatch.db'}")
    upgrade(db)
    try:
        yield db
    finally:
        db.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly whether the PostgreSQL half of the suite ran (CI must show it)."""
    passed = terminalreporter.stats.get("passed", [])
    on_postgres = [r for r in passed if "postgresql" in r.nodeid or "pg_schema" in r.nodeid]
    if _PG_URL is False:
        where = "(no selected test needed it)"
    else:
        where = postgres_url() or "(none reachable: those tests were skipped)"
    terminalreporter.write_line(f"PostgreSQL: {len(on_postgres)} tests passed against {where}")
