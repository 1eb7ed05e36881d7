"""`wirewatch run`: the service. Polling, alerts, digests, live config reload, /healthz."""

from __future__ import annotations

import argparse
import asyncio
import signal

from service import logs
from service.commands.errors import CommandError
from service.web.server import make_app, start_server
from service.worker.app import App, digest_sender, open_app
from service.worker.reload import ConfigWatcher
from service.worker.scheduler import RENEW_SECONDS, Worker
from service.worker.wiring import Runtime

DIGEST_TICK_SECONDS = 15.0
CONFIG_TICK_SECONDS = 1.0  # an edit is live within ~1-2 s


async def serve(app: App, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    runtime = Runtime(app)
    watcher = ConfigWatcher(runtime)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(watcher.check_once(True)))
    digests = digest_sender(app, worker=runtime.worker)
    worker = Worker(
        runtime,
        {
            "digests": (DIGEST_TICK_SECONDS, digests.send_due_once),
            "digest-claims": (RENEW_SECONDS, lambda: asyncio.to_thread(digests.renew_claims)),
            "config": (CONFIG_TICK_SECONDS, watcher.check_once),
        },
    )
    listen = app.config.server.listen
    try:
        runner = await start_server(
            make_app(app.db, app.clock.now(), app.clock.now, lambda: app.config), listen
        )
    except OSError as exc:
        await runtime.aclose()
        raise CommandError(
            f"cannot listen on {listen}: {exc.strerror or exc}; another program (or another "
            "`wirewatch run`) has it: stop it, or set server.listen to a free address"
        ) from None
    logs.event(
        "service.started",
        sources=len(app.config.sources),
        themes=len(app.config.themes),
        listen=app.config.server.listen,
    )
    worker.start()
    delivery = asyncio.create_task(worker.delivery_loop())
    try:
        await stop.wait()
    finally:
        logs.event("service.stopping")
        await worker.stop()
        delivery.cancel()
        await runner.cleanup()
        await runtime.aclose()
        logs.event("service.stopped")


def run(args: argparse.Namespace) -> int:
    app = open_app(args.config)
    try:
        asyncio.run(serve(app))
    finally:
        app.close()
    return 0
