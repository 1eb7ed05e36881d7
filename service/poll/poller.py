"""poll_source(): fetch -> parse -> store (normalize, group, match, enqueue); see store_feed.py.

The one orchestrator; the scheduler and the CLI call only poll_due_once()/poll_source().
Expected failures (a FetchError) are recorded on the source and the loop moves on;
anything else is a bug, logged with its traceback, and still fails only that source.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from service import logs, metrics
from service.domain import NoProgress, ParsedFeed, Progress
from service.poll.fetch import Fetched, Fetcher, FetchError, NotModified, Validators, body_unchanged
from service.poll.parse import parse_feed
from service.poll.state import PollOutcome, SourceState, error_values, success_values
from service.poll.store_feed import PollSettings, StoreJob
from service.poll.writer import FeedWriter
from service.store import Database
from service.store import sources as source_repo
from service.store.poll_state import PollStateBuffer
from service.store.stories import PRUNE_BATCH, prune_bands

__all__ = ["LEASE", "PollOutcome", "PollSettings", "Poller", "SourceState"]

# A source's lease is short and renewed while its poll runs (Poller.renew_leases): the
# sources of a worker that died are polled by another within this time.
LEASE = timedelta(seconds=30)
# Buffered poll results (304s, unchanged bodies, failures) written once this many wait, not
# only at the end of a cycle: a cycle of 9,500 304s held them all, and writing them at once
# copied them twice more (at 10,000 sources a peak 17 MB over the first poll's).
STATE_BATCH = 500
Parser = Callable[[bytes, Mapping[str, str], str], ParsedFeed]


class Poller:
    """Polls sources with one shared Fetcher; `settings` is re-read on every poll so a
    config reload takes effect at the next poll, while in-flight polls finish as they began."""

    def __init__(
        self,
        db: Database,
        fetcher: Fetcher,
        settings: Callable[[], PollSettings],
        now: Callable[[], datetime],
        worker: str,
        parse: Parser = parse_feed,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.settings = settings
        self.now = now
        self.worker = worker
        self.parse = parse
        self.state = PollStateBuffer()
        self.writer = FeedWriter(db, now)
        self.leased: set[int] = set()  # sources claimed and not yet polled to the end

    def close(self) -> None:
        self.writer.close()

    def flush(self) -> int:
        """Write the buffered poll results (304s, unchanged bodies, failures)."""
        return self.state.flush(self.db)

    def prune(self) -> int:
        """Drop LSH bands that no new article can use any more (published more than twice
        the grouping window ago), a batch per transaction; returns the articles pruned."""
        before = self.now() - 2 * self.settings().grouping.window
        total = 0
        while True:
            with self.db.transaction() as session:
                pruned = prune_bands(session, before)
            total += pruned
            if pruned < PRUNE_BATCH:
                return total

    async def claim(
        self, limit: int, name: str | None = None, force: bool = False
    ) -> list[SourceState]:
        with self.db.transaction() as session:
            rows = source_repo.claim_due(
                session, self.worker, self.now(), LEASE, limit, name=name, force=force
            )
            states = [SourceState.of(r) for r in rows]
        self.leased.update(state.id for state in states)
        return states

    def renew_leases(self) -> None:
        """Keep the leases of the sources this worker is polling alive."""
        if self.leased:
            with self.db.transaction() as session:
                source_repo.renew_leases(
                    session, sorted(self.leased), self.worker, self.now(), LEASE
                )

    def release_leases(self) -> None:
        """Give back every lease (the worker stops): its sources are free at once."""
        self.leased.clear()
        with self.db.transaction() as session:
            source_repo.release_leases(session, self.worker)

    async def poll_due_once(
        self,
        limit: int = 10_000,
        name: str | None = None,
        force: bool = False,
        progress: Progress | None = None,
    ) -> list[PollOutcome]:
        """Claim the due sources (`force`: every enabled one; `name`: just that one), poll
        them, write their state; the outcomes in claim order."""
        states = await self.claim(limit, name, force)
        bar = progress or NoProgress()
        bar.start(len(states))
        ended = {}
        try:
            async for state, outcome in self.poll_all(states):
                ended[id(state)] = outcome
                bar.advance()
        finally:
            bar.close()
        self.flush()
        return [ended[id(state)] for state in states]

    async def poll_all(
        self, states: list[SourceState]
    ) -> AsyncIterator[tuple[SourceState, PollOutcome]]:
        """(source, outcome) as each poll ends. A few more polls than can be in flight run
        at a time, not one task per source: 10,000 waiting coroutines, each holding its
        feed once fetched, would cost tens of MB for nothing."""
        todo = iter(states)
        ended: asyncio.Queue[tuple[SourceState, PollOutcome] | None] = asyncio.Queue()

        async def lane() -> None:
            try:
                for state in todo:
                    await ended.put((state, await self.poll_source(state)))
            finally:
                await ended.put(None)

        width = min(len(states), 2 * self.fetcher.limits.concurrency)
        lanes = [asyncio.create_task(lane()) for _ in range(width)]
        try:
            running = width
            while running:
                item = await ended.get()
                if item is None:
                    running -= 1
                else:
                    yield item
        finally:
            for task in lanes:
                task.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)

    async def poll_source(self, state: SourceState) -> PollOutcome:
        started = time.monotonic()
        settings = self.settings()
        try:
            result = await self.fetcher.fetch(
                state.url, Validators(state.etag, state.last_modified)
            )
            outcome = await self._handle(state, result, settings)
        except FetchError as exc:
            outcome = self._record_error(
                state, exc.kind, exc.message, exc.permanent, exc.retry_after, exc.status
            )
        except Exception as exc:  # a bug: fail this source loudly, keep the others going
            logs.error("poll.bug", source=state.name, error=repr(exc), tb=traceback.format_exc())
            outcome = self._record_error(state, "internal", f"internal error: {exc!r}")
        self.leased.discard(state.id)  # its state (lease released) goes out with the next flush
        if len(self.state) >= STATE_BATCH:
            await self.writer.run(self.flush)
        ms = int((time.monotonic() - started) * 1000)
        metrics.FETCH_SECONDS.labels(outcome.status).observe(ms / 1000)
        if outcome.new:
            metrics.NEW_ARTICLES.labels(state.name).inc(outcome.new)
        quiet = outcome.status in ("not_modified", "unchanged")
        failed = outcome.status in ("error", "disabled")
        logs.event(
            "poll.done",
            logging.WARNING if failed else logging.DEBUG if quiet else logging.INFO,
            source=state.name,
            status=outcome.status,
            new=outcome.new,
            updated=outcome.updated,
            alerts=outcome.alerts,
            ms=ms,
            error=outcome.error,
        )
        return replace(outcome, ms=ms)

    async def _handle(
        self, state: SourceState, result: Fetched | NotModified, settings: PollSettings
    ) -> PollOutcome:
        if isinstance(result, NotModified):
            self.state.add(state.id, success_values(state, result, None, self.now()))
            return PollOutcome(state.name, "not_modified")
        if body_unchanged(result, state.body_hash):
            self.state.add(state.id, success_values(state, result, None, self.now()))
            return PollOutcome(state.name, "unchanged")
        # Parsing and storing are blocking work: off the event loop, so that a big feed
        # never stalls the fetches (and their timeouts) of the others.
        feed = await asyncio.to_thread(self.parse, result.body, result.headers, result.url)
        return await self.writer.store(StoreJob(state, result, feed, settings))

    def _record_error(
        self,
        state: SourceState,
        kind: str,
        message: str,
        permanent: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> PollOutcome:
        values = error_values(state, self.now(), kind, message, permanent, retry_after, status)
        self.state.add(state.id, values)
        # 410 Gone disables the source, and `wirewatch sources` says so
        return PollOutcome(state.name, "disabled" if permanent else "error", error=message)
