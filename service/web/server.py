"""The service's HTTP server: the desk page and its API (service.web.desk), /healthz and
/metrics (Prometheus text format)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from service.config import Config
from service.metrics import REGISTRY
from service.store import Database
from service.store.migrate import head_revision
from service.web import health
from service.web.desk import Desk
from service.web.gauges import DatabaseGauges


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

    scraped = CollectorRegistry()  # no describe at register: that would query the database now
    scraped.register(DatabaseGauges(db, now, started))

    async def metrics(_: web.Request) -> web.Response:
        own = await asyncio.to_thread(generate_latest, scraped)  # reads the database
        body = generate_latest(REGISTRY) + own
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application(client_max_size=64 * 1024)  # forms and marks are small
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    Desk(db, now, config).add_routes(app)
    return app


async def start_server(app: web.Application, listen: str) -> web.AppRunner:
    host, _, port = listen.rpartition(":")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host.strip("[]") or "127.0.0.1", int(port)).start()
    return runner
