"""Where the migrations are and which revision is their head, read from the files alone.

Kept apart from `migrate` so that a command can tell whether the schema is current
without importing SQLAlchemy or Alembic (`store.plain`).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

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
