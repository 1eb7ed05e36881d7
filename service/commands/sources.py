"""`wirewatch sources [--json]`: the health of every configured source."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from service.clock import local_time, shown
from service.config import ConfigError, database_of, load_config
from service.desk import sources as desk_sources
from service.store import Database, configs, outbox, outbox_admin, pauses
from service.store.migrate import current_revision
from service.worker.app import open_app


def collect(app: Any) -> list[dict[str, Any]]:
    with app.db.transaction() as session:
        return desk_sources.reports(session, [s.name for s in app.config.sources])


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _while_broken(args, exc)
    app = open_app(args.config, config=config)
    try:
        report = collect(app)
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            zone = app.config.timezone
            print("\n".join([_table(report, zone), *status_lines(app.db, zone)]))
    finally:
        app.close()
    return 0


def _while_broken(args: argparse.Namespace, exc: ConfigError) -> int:
    """config.yaml has problems: say them, then show the sources the service runs with (the
    last config it applied), which is what matters while the edit is being fixed."""
    print(str(exc), file=sys.stderr)
    url = database_of(args.config)
    if url is None:
        return 1
    db = Database(url)
    try:
        if current_revision(db) is None:
            return 1
        with db.transaction() as session:
            report = desk_sources.reports(session)
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            print(
                f"{exc.file if hasattr(exc, 'file') else 'config'}: not valid (problems above); "
                "the service keeps running with its last good config:"
            )
            # The broken file's time zone is not known: UTC, and said so in every time.
            print("\n".join([_table(report, "UTC"), *status_lines(db, "UTC")]))
    finally:
        db.dispose()
    return 1


def status_lines(db: Database, zone: str) -> list[str]:
    """The live config, a rejected edit, paused or failed deliveries."""
    lines = []
    with db.transaction() as session:
        paused = pauses.active(session)
        waiting_at = outbox_admin.waiting_by_channel(session)
        live = configs.latest(session)
        rejected = configs.rejected_edit(session)
        failed = outbox_admin.recent_failures(session, limit=5)
        waiting = outbox.count_waiting(session)
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
