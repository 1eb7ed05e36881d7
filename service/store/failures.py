"""What a database failure means to the person who runs Wirewatch, in one line.

SQLAlchemy wraps the driver's error; the driver's class and words tell an unreachable server
from a read-only file or a missing schema. Anything not recognised here is left alone (a bug
keeps its traceback)."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

from service.store.db import Unusable, redact_url
from service.store.plain import is_driver_error

_UPGRADE = "run `wirewatch db upgrade` (or start `wirewatch run`, which upgrades itself)"


def describe(exc: BaseException, url: str | None) -> str | None:
    """A one-line explanation with what to do, or None for an error that is not about
    reaching or using the database."""
    if isinstance(exc, Unusable):
        return str(exc)
    orig: BaseException | None
    if isinstance(exc, DBAPIError):
        orig, invalidated = exc.orig, exc.connection_invalidated
    elif is_driver_error(exc):  # a quick command's read on the driver's own connection
        orig, invalidated = exc, False
    else:
        return None
    where = f"the database {redact_url(url)}" if url else "the database"
    text = str(orig).strip().splitlines()[0] if orig else str(exc)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return f"{where} is read-only ({text}): give Wirewatch's user write access to it"
    if "unable to open database file" in lowered:
        return f"cannot open {where} ({text}): check the folder exists and is writable"
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return f"{where} has no Wirewatch schema, or an old one ({text}): {_UPGRADE}"
    if "permission denied" in lowered:
        return f"{where} refused access ({text}): check the database user's rights"
    if "database is locked" in lowered:
        return f"{where} stayed locked by another process ({text}): try again"
    if isinstance(orig, sqlite3.DatabaseError):
        return f"{where} cannot be used ({text})"
    if "database" in lowered and "does not exist" in lowered:
        return f"{where} does not exist ({text}): create it (createdb) or fix database:"
    if invalidated or _connection_failure(lowered):
        return f"cannot reach {where} ({text}): is the server running and the address right?"
    return None


def _connection_failure(text: str) -> bool:
    return any(
        words in text
        for words in (
            "connection refused",
            "could not connect",
            "connection failed",
            "could not translate host name",
            "name or service not known",
            "timeout expired",
            "server closed the connection",
            "no route to host",
            "password authentication failed",
        )
    )


def is_transient(exc: BaseException) -> bool:
    """A conflict between concurrent transactions that trying again resolves: PostgreSQL's
    deadlock (40P01) or serialization failure (40001), SQLite's busy lock."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in ("40P01", "40001"):
        return True
    text = str(exc.orig).lower()
    return "deadlock detected" in text or "database is locked" in text
