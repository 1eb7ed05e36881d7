"""/healthz and /metrics (Prometheus text format) for the running service."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from service.config import Config
from service.store import Database, outbox
from service.store import sources as source_repo
from service.store.migrate import head_revision
from service.web import health


def _counts(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    with db.transaction() as session:
        return source_repo.status_counts(session), outbox.status_counts(session)


def make_app(
    db: Database, started: datetime, now: Callable[[], datetime], config: Callable[[], Config]
) -> web.Application:
    """`config` is asked at every request: a live reload changes what health means."""
    head = head_revision()

    async def healthz(_: web.Request) -> web.Response:
        # Off the event loop: the checks read the database.
        found = await asyncio.to_thread(health.check, db, config(), head, now(), started)
        body: dict[str, object] = {
            "status": "ok" if found.ok else "error",
            "reasons": found.reasons,
            "started": started.isoformat(),
            "uptime_seconds": int((now() - started).total_seconds()),
            "sources": found.sources,
            "deliveries": found.deliveries,
            "paused": found.paused,
        }
        return web.json_response(body, status=200 if found.ok else 503)

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
