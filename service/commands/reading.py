"""The database as the quick commands see it (`sources`, `outbox`, `backtest`, `digest
--preview`).

They read on the driver's own connection, without importing SQLAlchemy and the ORM (about
0.3 s, most of such a command's time), when the database needs nothing done first. A
database to create or migrate, or (for `sources`) a config edit to sync, goes the full way
through `open_app`, as every command did before.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from service.config import Config
from service.store import plain
from service.store.plain import Reader


@contextmanager
def reading(
    args: argparse.Namespace,
    config: Config,
    ready: Callable[[Reader], bool] = lambda _: True,
    write: bool = False,
) -> Iterator[Reader]:
    """A reader on a database that is set up: quickly when its schema is at head and
    `ready` says nothing else is to do, else after `open_app` has done it. With `write`, what
    the block changes is committed when it ends without an error."""
    with plain.opened(config.database, write=write) as reader:
        if reader is not None and plain.at_head(reader) and ready(reader):
            yield reader
            return
    from service.worker.app import open_app  # SQLAlchemy and Alembic: only when there is work

    app = open_app(args.config, config=config)
    try:
        with app.db.transaction() as session:
            yield plain.on_session(session)
    finally:
        app.close()
