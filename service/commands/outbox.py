"""`wirewatch outbox [list|retry|drop] [ID ...] [--json]`: the messages that wait or failed.

list (the default) shows what waits (queued, held by the hourly limit, being sent) and what
failed, with the pauses Slack caused and what to do about them; `retry` queues failed
messages again (all of them without IDs) and makes paused channels try again at once;
`drop` gives up on messages for good (they are kept, marked dropped, never sent).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from service.clock import SystemClock, iso, shown
from service.commands.reading import reading
from service.config import load_or_exit
from service.store import plain
from service.store.plain import Delivery, Reader

SHOWN = ["pending", "held", "sending", "posting", "failed"]
LIMIT = 500


def run(args: argparse.Namespace) -> int:
    if args.action in ("retry", "drop"):
        return _change(args)
    config = load_or_exit(args.config)
    with reading(args, config) as reader:
        rows, paused = _listing(reader)
    if args.json:
        print(json.dumps({"paused": paused, "messages": rows}, indent=2, ensure_ascii=False))
    else:
        print("\n".join(_readable(rows, paused, config.timezone)))
    return 0


def _listing(reader: Reader) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = [_row(r) for r in plain.deliveries(reader, SHOWN, LIMIT)]
    paused = [
        {"channel": p.channel or "(every channel)", "error": p.error,
         "since": iso(p.paused_at), "what_to_do": p.message}
        for p in plain.pauses(reader)
    ]  # fmt: skip
    return rows, paused


def _change(args: argparse.Namespace) -> int:
    if args.action == "drop" and not args.ids:
        print("outbox drop: name the messages to drop (IDs from `outbox list`)", file=sys.stderr)
        return 2
    config = load_or_exit(args.config)
    now = SystemClock().now()
    with reading(args, config, write=True) as db:
        if args.action == "drop":
            count = plain.drop(db, args.ids)
        else:
            count = plain.requeue(db, args.ids or None, now)
            plain.probe_now(db, now)
    if args.action == "drop":
        print(f"{count} messages dropped (never to be sent)")
    else:
        print(f"{count} failed messages queued again; paused channels are tried at once")
    return 0


def _row(row: Delivery) -> dict[str, Any]:
    payload = row.payload or {}
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "channel": row.channel,
        "theme": row.theme_id,
        "title": str(payload.get("title") or payload.get("text") or "")[:120],
        "created": iso(row.created_at),
        "next_attempt": iso(row.next_attempt_at) if row.status == "pending" else None,
        "attempts": row.attempts,
        "last_error": row.last_error,
    }


def _readable(rows: list[dict[str, Any]], paused: list[dict[str, Any]], zone: str) -> list[str]:
    lines = [
        f"paused: {p['channel']} since {shown(p['since'], zone)}: {p['what_to_do']}" for p in paused
    ]
    if not rows:
        return [*lines, "nothing waits or failed"]
    lines.append(f"{'ID':>6} {'KIND':8} {'STATUS':8} {'CHANNEL':16} {'CREATED':22} TITLE / ERROR")
    for r in rows:
        lines.append(
            f"{r['id']:>6} {r['kind']:8} {r['status']:8} {r['channel'][:16]:16} "
            f"{shown(r['created'], zone, ''):22} {r['title']}"
        )
        if r["last_error"]:
            lines.append(f"{'':>6} {'':8} {'':8} {'':16} {'':22} ! {r['last_error']}")
    waiting = sum(r["status"] != "failed" for r in rows)
    lines.append(
        f"{waiting} waiting, {len(rows) - waiting} failed; `wirewatch outbox retry [ID ...]` "
        "queues failed ones again, `wirewatch outbox drop ID ...` gives up on them"
    )
    return lines
