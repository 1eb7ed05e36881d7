"""`wirewatch db upgrade`: apply migrations (harmless when already at head)."""

from __future__ import annotations

import argparse

from service.config import load_or_exit, redact_url
from service.store import plain
from service.store.revisions import head_revision


def run(args: argparse.Namespace) -> int:
    config = load_or_exit(args.config)
    if "?" not in config.database:  # options in the URL: SQLAlchemy says how it reads them
        with plain.opened(config.database) as reader:
            head = plain.revision(reader) if reader is not None else None
        if head is not None and head == head_revision():
            # Nothing to do, said without importing SQLAlchemy and Alembic (0.4 s).
            print(f"{redact_url(plain.normalize_url(config.database))}: already at revision {head}")
            return 0
    from service.store import Database
    from service.store import redact_url as redact_database_url
    from service.store.migrate import upgrade

    db = Database(config.database)
    try:
        before, after = upgrade(db)
    finally:
        db.dispose()
    where = redact_database_url(config.database)
    if before == after:
        print(f"{where}: already at revision {after}")
    else:
        print(f"{where}: upgraded {before or 'empty database'} -> {after}")
    return 0
