"""`wirewatch digest [--name N] (--send | --preview FILE)`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from service.commands.errors import CommandError
from service.config import Config, load_or_exit
from service.store import plain


def run(args: argparse.Namespace) -> int:
    config = load_or_exit(args.config)
    if not config.digests:
        print(f"{config.path}: no digests configured (see `digests:`)", file=sys.stderr)
        return 2
    try:
        return _preview(args, config) if args.preview else _send(args, config)
    except LookupError as exc:
        print(str(exc.args[0]), file=sys.stderr)
        return 2


def _preview(args: argparse.Namespace, config: Config) -> int:
    """Read only: on the driver's own connection when the database is set up."""
    from service.alerts.themes import compile_rules
    from service.clock import SystemClock
    from service.commands.reading import reading
    from service.digest.build import subject
    from service.digest.collect import preview_digest
    from service.digest.render import render_html

    themes = compile_rules(config).themes
    with reading(args, config) as reader:
        digest = preview_digest(reader, config, themes, args.name, SystemClock().now())
    Path(args.preview).write_text(render_html(digest), encoding="utf-8")
    print(f"wrote {args.preview}: {subject(digest)}")
    return 0


def _send(args: argparse.Namespace, config: Config) -> int:
    """On the driver's own connection, a transaction per step, when the database is set up;
    else after `open_app` has created or migrated it."""
    from service.alerts.themes import compile_rules
    from service.clock import SystemClock
    from service.digest.sender import DigestSender  # Jinja2 and SMTP

    with plain.opened(config.database) as reader:
        ready = reader is not None and plain.at_head(reader)
    if ready:
        themes = compile_rules(config).themes
        sender = DigestSender(
            partial(_writing, config.database), SystemClock().now, lambda: config, lambda: themes
        )
        outcome = asyncio.run(sender.send_now(args.name))
    else:
        from service.worker.app import digest_sender, open_app  # SQLAlchemy and Alembic

        app = open_app(args.config, config=config)
        try:
            outcome = asyncio.run(digest_sender(app).send_now(args.name))
        finally:
            app.close()
    if outcome.status == "sent":
        print(f"sent digest {outcome.name} ({outcome.stories} stories) to {outcome.where}")
        return 0
    print(
        f"digest {outcome.name} not sent: {outcome.error} (it will be retried by `wirewatch run`)",
        file=sys.stderr,
    )
    return 1


@contextmanager
def _writing(url: str) -> Iterator[plain.Reader]:
    with plain.opened(url, write=True) as reader:
        if reader is None:  # it opened a moment ago: the file was removed meanwhile
            raise CommandError("the database file went away while the digest was being sent")
        yield reader
