"""APScheduler wiring only: triggers that call the one-iteration functions.

Durable state (next poll times, the outbox, digest runs) lives in our tables, so the
scheduler keeps nothing; coalesce/max_instances/misfire_grace_time are explicit because
APScheduler's ~1 s default misfire grace silently skips jobs on a busy loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from service import logs
from service.poll.poller import PollOutcome
from service.worker.wiring import Runtime

TICK_SECONDS = 1.0
RENEW_SECONDS = 10.0  # a third of the 30 s leases: two renewals may fail before one lapses
SUMMARY_SECONDS = 60.0  # one line on the sources' health a minute
PRUNE_SECONDS = 3600.0
MISFIRE_GRACE = 60


class Worker:
    """Polls due sources as independent tasks (a slow feed never holds up the others),
    delivers the outbox right after a poll finds something, and stops cleanly."""

    def __init__(
        self,
        runtime: Runtime,
        extra_jobs: dict[str, tuple[float, Callable[[], Awaitable[object]]]] | None = None,
    ) -> None:
        self.runtime = runtime
        self.in_flight: set[asyncio.Task[PollOutcome]] = set()
        self.wake_delivery = asyncio.Event()
        self.stopping = False
        self.extra_jobs = extra_jobs or {}
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        opts = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE}
        jobs: dict[str, tuple[float, Callable[[], Awaitable[object]]]] = {
            "poll": (TICK_SECONDS, self.poll_tick),
            "deliver": (TICK_SECONDS, self.deliver_tick),
            "flush": (TICK_SECONDS, self.flush_tick),
            "renew": (RENEW_SECONDS, self.renew_tick),
            "summary": (SUMMARY_SECONDS, self.summary_tick),
            "prune": (PRUNE_SECONDS, self.prune_tick),
            **self.extra_jobs,
        }
        for name, (seconds, job) in jobs.items():
            self.scheduler.add_job(
                _guarded(name, job), "interval", seconds=seconds, id=name, **opts
            )
        self.scheduler.start()

    async def poll_tick(self) -> None:
        if self.stopping:
            return
        # Claim no more than can be in flight soon: a slow fleet must not pile up leases
        # (and memory) on one worker while another could take them.
        room = self.runtime.app.config.polling.concurrency * 4 - len(self.in_flight)
        if room <= 0:
            return
        try:
            states = await self.runtime.poller.claim(limit=room)
        except Exception as exc:
            logs.error("poll.claim_failed", error=repr(exc))
            return
        for state in states:
            task = asyncio.create_task(self.runtime.poller.poll_source(state))
            self.in_flight.add(task)
            task.add_done_callback(self._poll_done)

    def _poll_done(self, task: asyncio.Task[PollOutcome]) -> None:
        self.in_flight.discard(task)
        if not task.cancelled() and task.exception() is None and task.result().alerts:
            self.wake_delivery.set()

    async def flush_tick(self) -> None:
        try:
            poller = self.runtime.poller
            await poller.writer.run(poller.flush)
        except Exception as exc:
            logs.error("poll.flush_failed", error=repr(exc))

    async def renew_tick(self) -> None:
        """Renew the leases of sources being polled and the claims of messages being sent."""
        poller = self.runtime.poller

        async def sources() -> None:
            # Not on the writer thread: behind a queue of stores a renewal could come too
            # late. The renewal skips rows the writer holds (store/sources.renew_leases).
            await asyncio.to_thread(poller.renew_leases)

        async def messages() -> None:
            await asyncio.to_thread(self.runtime.deliverer.renew_claims)

        for renew in (sources, messages):
            try:
                await renew()
            except asyncio.CancelledError:
                return  # the worker is stopping
            except Exception as exc:
                logs.error("lease.renew_failed", error=repr(exc))

    async def summary_tick(self) -> None:
        """One line a minute on how the sources fare: WARNING while any fails, so that a
        WARNING filter shows an outage without the noise of every single poll."""
        try:
            counts = await asyncio.to_thread(self.runtime.source_counts)
        except asyncio.CancelledError:
            return  # the worker is stopping
        except Exception as exc:
            logs.error("sources.summary_failed", error=repr(exc))
            return
        failing = counts.get("error", 0)
        logs.event(
            "sources.summary",
            logging.WARNING if failing else logging.INFO,
            ok=counts.get("ok", 0),
            failing=failing,
            disabled=counts.get("disabled", 0),
            pending=counts.get("pending", 0),
        )

    async def prune_tick(self) -> None:
        try:
            poller = self.runtime.poller
            pruned = await poller.writer.run(poller.prune)
            if pruned:
                logs.event("stories.pruned", articles=pruned)
        except Exception as exc:
            logs.error("stories.prune_failed", error=repr(exc))

    async def deliver_tick(self) -> None:
        try:
            await self.runtime.deliverer.deliver_pending_once()
        except Exception as exc:
            logs.error("deliver.tick_failed", error=repr(exc))

    async def delivery_loop(self) -> None:
        """Deliver as soon as a poll stored new alerts, not only on the next tick."""
        while not self.stopping:
            await self.wake_delivery.wait()
            self.wake_delivery.clear()
            await self.deliver_tick()

    async def stop(self, grace: float = 30.0) -> None:
        """Stop claiming, let in-flight polls finish (bounded), then stop the scheduler."""
        self.stopping = True
        self.scheduler.shutdown(wait=False)
        if self.in_flight:
            logs.event("worker.draining", polls=len(self.in_flight))
            _, pending = await asyncio.wait(self.in_flight, timeout=grace)
            for task in pending:
                task.cancel()
        await self.flush_tick()
        self.wake_delivery.set()
        await self.deliver_tick()
        self.release()

    def release(self) -> None:
        """Give back every lease and claim at once, so another worker need not wait for
        them to run out."""
        for release in (self.runtime.poller.release_leases, self.runtime.deliverer.release_claims):
            try:
                release()
            except Exception as exc:
                logs.error("lease.release_failed", error=repr(exc))


def _guarded(name: str, job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await job()
        except asyncio.CancelledError:
            return  # the worker is stopping: a job cut short is no error
        except Exception as exc:
            logs.error("job.failed", job=name, error=repr(exc))

    return run
