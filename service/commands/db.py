"""`wirewatch db upgrade`: apply migrations (harmless when already at head)."""

from __future__ import annotations

import argparse

from service.config import load_or_exit
from service.store import Database, redact_url
from service.store.migrate import upgrade


def run(args: argparse.Namespace) -> int:
    config = load_or_exit(args.config)
    db = Database(config.database)
    try:
        before, after = upgrade(db)
    finally:
        db.dispose()
    where = redact_url(config.database)
    if before == after:
        print(f"{where}: already at revision {after}")
    else:
        print(f"{where}: upgraded {before or 'empty database'} -> {after}")
    return 0
