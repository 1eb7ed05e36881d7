"""`wirewatch poll [--source NAME]`: one poll cycle now, deliver the alerts, summarize."""

from __future__ import annotations

import argparse
import asyncio
import sys

from service.commands.progress import Progress
from service.poll.poller import PollOutcome
from service.store import outbox, pauses
from service.worker.app import App, open_app
from service.worker.wiring import Runtime


async def poll_once(
    app: App, name: str | None, runtime: Runtime | None = None
) -> list[PollOutcome]:
    own = runtime is None
    runtime = runtime or Runtime(app)
    try:
        outcomes = await runtime.poller.poll_due_once(
            limit=100_000, name=name, force=True, progress=Progress("polling", minimum=2)
        )
        await runtime.deliverer.deliver_backlog()
        return outcomes
    finally:
        if own:
            await runtime.aclose()


def summary_lines(outcomes: list[PollOutcome]) -> list[str]:
    lines = [
        f"{'SOURCE':30} {'STATUS':13} {'NEW':>5} {'UPDATED':>8} {'ALERTS':>7} {'MS':>7}  ERROR"
    ]
    for o in sorted(outcomes, key=lambda o: o.source.lower()):
        lines.append(
            f"{o.source[:30]:30} {o.status:13} {o.new:>5} {o.updated:>8} {o.alerts:>7} "
            f"{o.ms:>7}  {o.error or ''}"
        )
    ok = sum(o.status in ("ok", "not_modified", "unchanged") for o in outcomes)
    lines.append(
        f"{len(outcomes)} sources polled: {ok} ok, {len(outcomes) - ok} failing; "
        f"{sum(o.new for o in outcomes)} new articles, {sum(o.alerts for o in outcomes)} alerts"
    )
    return lines


def run(args: argparse.Namespace) -> int:
    app = open_app(args.config)
    try:
        if args.source and args.source not in {s.name for s in app.config.sources}:
            print(f"no source named {args.source!r} in {app.config.path}", file=sys.stderr)
            return 2
        outcomes = asyncio.run(poll_once(app, args.source))
        with app.db.transaction() as session:
            paused = pauses.active(session)
            waiting = outbox.count_waiting(session)
    finally:
        app.close()
    print("\n".join(summary_lines(outcomes)))
    for pause in paused:  # the alerts are safe, but nobody sees them: say so, and fail
        where = pause.channel or "every channel"
        print(f"delivery paused for {where}: {pause.message}", file=sys.stderr)
    if paused:
        print(f"{waiting} alerts wait in the outbox (`wirewatch outbox`)", file=sys.stderr)
        return 1
    # Failing sources are normal in a cycle of many; asking for one that fails is not.
    failed = any(o.status in ("error", "disabled") for o in outcomes)
    return 1 if args.source and failed else 0
