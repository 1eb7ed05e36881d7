"""The poller's one writer thread: feeds to store queue up, and each run of the thread stores
what has queued (up to STORE_BATCH feeds) in one transaction, a savepoint per feed.

SQLite takes one writer at a time anyway, and threads queuing on its lock while holding the
GIL would only slow the fetches down; when many feeds change at once they share one commit,
and the pages their LSH bands touch are written once. A feed that fails rolls back alone.
"""

from __future__ import annotations

import asyncio
import queue
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from service.poll.state import PollOutcome
from service.poll.store_feed import StoreJob, store_feed
from service.store import Database
from service.store.failures import is_transient

T = TypeVar("T")
TRANSIENT_TRIES = 4
STORE_BATCH = 32  # feeds a store transaction takes at most: bounded write-lock time


class FeedWriter:
    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        self.db, self.now = db, now
        # Batching helps SQLite's one writer. On PostgreSQL, workers store side by side: a
        # feed a transaction keeps every transaction's locks in one order (keys, bands, hits,
        # outbox rows, each sorted), so two workers can never deadlock on a shared story.
        self.batch = 1 if db.dialect == "postgresql" else STORE_BATCH
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="wirewatch-writer")
        self.jobs: queue.SimpleQueue[tuple[StoreJob, Future[PollOutcome]]] = queue.SimpleQueue()

    async def store(self, job: StoreJob) -> PollOutcome:
        """Queue a feed for the writer and wait for its outcome."""
        done: Future[PollOutcome] = Future()
        self.jobs.put((job, done))
        self.executor.submit(self.store_queued)
        return await asyncio.wrap_future(done)

    async def run(self, work: Callable[[], T]) -> T:
        """Run other database work (flushes, pruning) on the writer thread, in turn."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)

    def store_queued(self) -> None:
        """Store every feed waiting (at most STORE_BATCH) in one transaction."""
        jobs: list[tuple[StoreJob, Future[PollOutcome]]] = []
        while len(jobs) < self.batch:
            try:
                jobs.append(self.jobs.get_nowait())
            except queue.Empty:
                break
        if not jobs:
            return  # an earlier call took this job along with its own
        outcomes: list[tuple[Future[PollOutcome], PollOutcome | BaseException]] = []
        try:
            with self.db.transaction() as session:
                for job, done in jobs:
                    outcomes.append((done, self._store_one(session, job)))
        except Exception as exc:  # the commit itself failed: nothing of the batch is stored
            outcomes = [(done, exc) for _, done in jobs]
        for done, outcome in outcomes:
            if isinstance(outcome, BaseException):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)

    def _store_one(self, session: Session, job: StoreJob) -> PollOutcome | BaseException:
        """One feed in its savepoint. Workers storing reports of one story at once may
        deadlock on its index rows; PostgreSQL then fails one of them, which tries again."""
        for attempt in range(TRANSIENT_TRIES):
            try:
                with session.begin_nested():
                    return store_feed(session, job, self.now())
            except Exception as exc:
                if not is_transient(exc) or attempt == TRANSIENT_TRIES - 1:
                    return exc
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.executor.shutdown(wait=True)
