"""Apply the Alembic migrations from code (`wirewatch db upgrade`, `run`, `poll`).

Every command makes sure the schema is at head before it works. Alembic itself costs a
tenth of a second or more to import, so the check reads the revision table and the
migration files' own `revision = ...` lines, and Alembic runs only when an upgrade is due.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from service.store.db import Database

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATION_LOCK = 0x77697265  # "wire": the advisory lock key of schema upgrades
_REVISION = re.compile(r"""^revision(?:\s*:\s*str)?\s*=\s*["']([^"']+)["']""", re.M)
_DOWN = re.compile(r"""^down_revision(?:\s*:[^=]*)?=\s*(?:["']([^"']+)["']|None)""", re.M)


def migrations_dir() -> Path:
    """alembic/ beside the package (a checkout, the Docker image) or in the working dir."""
    candidates = [
        os.environ.get("WIREWATCH_MIGRATIONS"),
        Path(__file__).resolve().parents[2] / "alembic",
        Path(sys.prefix) / "share" / "wirewatch" / "alembic",  # an installed wheel
        Path.cwd() / "alembic",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "env.py").is_file():
            return Path(candidate)
    raise FileNotFoundError("alembic/ migrations not found; set WIREWATCH_MIGRATIONS")


def _alembic_config(db: Database) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["url"] = db.url
    return cfg


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the schema to head; harmless when it is there already. Returns (before, after)."""
    before, head = current_revision(db), head_revision()
    if before == head:
        return before, head
    from alembic import command

    cfg = _alembic_config(db)
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Workers started together (docker compose up) migrate one at a time; the
            # others then find the schema at head. Released with the transaction.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, head_revision()


def current_revision(db: Database) -> str | None:
    """The schema's revision as Alembic recorded it; None for an empty database."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision(directory: Path | None = None) -> str:
    """The newest revision among the migration files: the one no other revises."""
    revisions, parents = set(), set()
    for path in (directory or migrations_dir()).joinpath("versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found[1])
            down = _DOWN.search(source)
            if down and down[1]:
                parents.add(down[1])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads, not one: {sorted(heads)}")
    return heads.pop()
