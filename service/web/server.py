"""/healthz and /metrics (Prometheus text format) for the running service."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from service.store import Database, outbox
from service.store import sources as source_repo
from service.store.failures import describe
from service.store.migrate import current_revision, head_revision


def _counts(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    with db.transaction() as session:
        return source_repo.status_counts(session), outbox.status_counts(session)


def _health_counts(
    db: Database, head: str
) -> tuple[tuple[dict[str, int], dict[str, int]] | None, str | None]:
    """The counts /healthz shows, or why the database cannot be used (a missing or old
    schema counts: every part of the service would fail on it)."""
    try:
        revision = current_revision(db)
        if revision != head:
            state = "has no Wirewatch schema" if revision is None else "has an old schema"
            return None, f"the database {state}: run `wirewatch db upgrade`"
        return _counts(db), None
    except Exception as exc:  # whatever the database says, /healthz answers in JSON
        return None, describe(exc, db.url) or f"database: {type(exc).__name__}: {exc}"


def make_app(db: Database, started: datetime, now: Callable[[], datetime]) -> web.Application:
    head = head_revision()

    async def healthz(_: web.Request) -> web.Response:
        counts, problem = await asyncio.to_thread(_health_counts, db, head)
        if counts is None:
            failure = {"status": "error", "reasons": [problem], "error": problem}
            return web.json_response(failure, status=503)
        sources, deliveries = counts
        body: dict[str, object] = {
            "status": "ok",
            "started": started.isoformat(),
            "uptime_seconds": int((now() - started).total_seconds()),
            "sources": sources,
            "deliveries": deliveries,
        }
        return web.Response(text=json.dumps(body), content_type="application/json")

    async def metrics(_: web.Request) -> web.Response:
        sources, deliveries = _counts(db)
        lines = [
            "# HELP wirewatch_sources Configured sources by status.",
            "# TYPE wirewatch_sources gauge",
            *[f'wirewatch_sources{{status="{k}"}} {v}' for k, v in sorted(sources.items())],
            "# HELP wirewatch_deliveries Outbox rows by status.",
            "# TYPE wirewatch_deliveries gauge",
            *[f'wirewatch_deliveries{{status="{k}"}} {v}' for k, v in sorted(deliveries.items())],
            "# HELP wirewatch_uptime_seconds Seconds since the service started.",
            "# TYPE wirewatch_uptime_seconds gauge",
            f"wirewatch_uptime_seconds {int((now() - started).total_seconds())}",
        ]
        return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def start_server(app: web.Application, listen: str) -> web.AppRunner:
    host, _, port = listen.rpartition(":")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host.strip("[]") or "127.0.0.1", int(port)).start()
    return runner
