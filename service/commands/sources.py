"""`wirewatch sources [--json]`: the health of every configured source."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from service.clock import local_time, shown
from service.commands.reading import reading
from service.config import Config, ConfigError, database_of, load_config
from service.desk import sources as desk_sources
from service.store import plain
from service.store.plain import Reader
from service.store.source_specs import specs_of

Shown = tuple[list[dict[str, Any]], list[str]]


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _while_broken(args, exc)
    specs = specs_of(config)
    # Quick unless the sources table is behind the config: then open_app syncs it first.
    with reading(args, config, ready=lambda reader: plain.sources_follow(reader, specs)) as db:
        report, lines = _read(db, config)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print("\n".join([_table(report, config.timezone), *lines]))
    return 0


def _read(reader: Reader, config: Config) -> Shown:
    names = [s.name for s in config.sources]
    return desk_sources.reports(reader, names), status_lines(reader, config.timezone)


def _while_broken(args: argparse.Namespace, exc: ConfigError) -> int:
    """config.yaml has problems: say them, then show the sources the service runs with (the
    last config it applied), which is what matters while the edit is being fixed."""
    print(str(exc), file=sys.stderr)
    url = database_of(args.config)
    if url is None:
        return 1
    with _reading(url) as reader:
        if plain.revision(reader) is None:
            return 1
        report = desk_sources.reports(reader)
        # The broken file's time zone is not known: UTC, and said so in every time.
        lines = status_lines(reader, "UTC")
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(
            f"{exc.file if hasattr(exc, 'file') else 'config'}: not valid (problems above); "
            "the service keeps running with its last good config:"
        )
        print("\n".join([_table(report, "UTC"), *lines]))
    return 1


@contextmanager
def _reading(url: str) -> Iterator[Reader]:
    """`plain.opened(url)`, or where the driver alone cannot open it, a SQLAlchemy session's."""
    with plain.opened(url) as reader:
        if reader is not None:
            yield reader
            return
    from service.store.db import Database  # SQLAlchemy: only for what `opened` cannot open

    db = Database(url)
    try:
        with db.transaction() as session:
            yield plain.on_session(session)
    finally:
        db.dispose()


def status_lines(reader: Reader, zone: str) -> list[str]:
    """The live config, a rejected edit, paused or failed deliveries."""
    lines = []
    paused = plain.pauses(reader)
    waiting_at = plain.waiting_by_channel(reader)
    live = plain.latest_config(reader)
    rejected = plain.rejected_edit(reader)
    failed = plain.recent_failures(reader, limit=5)
    waiting = plain.count_queued(reader)
    if live is not None:
        lines.append(f"\nconfig: {live.path} live since {local_time(live.applied_at, zone)}")
    if rejected is not None:
        lines.append(
            f"config: an edit was rejected at {local_time(rejected.applied_at, zone)}; "
            "the service kept the previous config:"
        )
        lines += ["  " + line for line in (rejected.error or "").splitlines()]
    for pause in paused:
        where = pause.channel or "every channel"
        count = sum(waiting_at.values()) if not pause.channel else waiting_at.get(pause.channel, 0)
        lines.append(
            f"delivery paused for {where} since {local_time(pause.paused_at, zone)}, "
            f"{count} waiting: {pause.message}"
        )
    if waiting and not paused:
        lines.append(f"deliveries: {waiting} waiting (Slack/SMTP down or rate limited?)")
    for kind, channel, error in failed:
        lines.append(f"delivery failed for good: {kind} to {channel}: {error}")
    return lines


def _table(report: list[dict[str, Any]], zone: str) -> str:
    lines = [f"{'SOURCE':28} {'STATUS':9} {'ITEMS':>6}  {'LAST SUCCESS':22}  DETAIL"]
    for s in report:
        detail = s["last_error"] or ""
        if s["status"] == "error" and s["failing_since"]:
            detail = f"failing since {shown(s['failing_since'], zone)}: {detail}"
        elif s["status"] == "disabled":
            detail = s["disabled_reason"] or detail
        elif s["next_poll"]:
            detail = f"next poll {shown(s['next_poll'], zone)}"
        lines.append(
            f"{s['name'][:28]:28} {s['status']:9} {s['items']:>6}  "
            f"{shown(s['last_success'], zone):22}  {detail}"
        )
    return "\n".join(lines)
