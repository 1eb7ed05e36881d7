"""Apply the Alembic migrations from code (`wirewatch db upgrade`, `run`, `poll`).

Every command makes sure the schema is at head before it works. Alembic itself costs a
tenth of a second or more to import, so the check reads the revision table and the
migration files' own `revision = ...` lines, and Alembic runs only when an upgrade is due.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from service.store.db import Database
from service.store.revisions import head_revision, migrations_dir

__all__ = ["current_revision", "head_revision", "migrations_dir", "upgrade"]

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATION_LOCK = 0x77697265  # "wire": the advisory lock key of schema upgrades


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
