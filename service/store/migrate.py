"""Apply the Alembic migrations from code (`wirewatch db upgrade`, `run`, `poll`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from alembic import command
from service.store.db import Database


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
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["url"] = db.url
    return cfg


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the schema to head; harmless when it is there already. Returns (before, after)."""
    before = current_revision(db)
    cfg = _alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, head_revision(db)


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str:
    head = ScriptDirectory.from_config(_alembic_config(db)).get_current_head()
    assert head is not None
    return head
