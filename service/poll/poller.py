"""poll_source(): fetch -> parse -> normalize -> store -> group -> match -> enqueue.

The one orchestrator; the scheduler and the CLI call only poll_due_once()/poll_source().
Expected failures (a FetchError) are recorded on the source and the loop moves on;
anything else is a bug, logged with its traceback, and still fails only that source.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import time
import traceback
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service import logs
from service.alerts.record import (
    AlertSettings,
    Report,
    StoredArticle,
    record_matches,
)
from service.domain import NoProgress, ParsedFeed, Progress
from service.poll import cadence as schedule
from service.poll.fetch import Fetched, Fetcher, FetchError, NotModified, Validators, body_unchanged
from service.poll.normalize import content_fingerprint, normalize_entry
from service.poll.parse import parse_feed
from service.store import Database, outbox
from service.store import sources as source_repo
from service.store.articles import upsert_articles
from service.store.models import SourceRow
from service.store.poll_state import PollStateBuffer, write_source
from service.store.stories import PRUNE_BATCH, prune_bands
from service.stories.decide import Grouping
from service.stories.place import place_in_stories

LEASE = timedelta(minutes=5)
STORE_BATCH = 32  # feeds a store transaction takes at most: bounded write-lock time
Parser = Callable[[bytes, Mapping[str, str], str], ParsedFeed]


@dataclass(frozen=True)
class SourceState:
    """A detached snapshot of a source row, taken when it was claimed."""

    id: int
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    interval: timedelta
    tags: tuple[str, ...]
    lang: str | None
    error_count: int
    failing_since: datetime | None
    first_poll: bool

    @classmethod
    def of(cls, row: SourceRow) -> SourceState:
        return cls(
            id=row.id,
            name=row.name,
            url=row.url,
            etag=row.etag,
            last_modified=row.last_modified,
            body_hash=row.body_hash,
            interval=timedelta(seconds=row.interval_seconds),
            tags=tuple(row.tags or ()),
            lang=row.lang,
            error_count=row.error_count,
            failing_since=row.failing_since,
            first_poll=row.last_success_at is None,
        )


@dataclass(frozen=True)
class PollOutcome:
    source: str
    status: str  # ok | not_modified | unchanged | error | disabled
    new: int = 0
    updated: int = 0
    alerts: int = 0
    ms: int = 0
    error: str | None = None


@dataclass(frozen=True)
class _StoreJob:
    state: SourceState
    result: Fetched
    feed: ParsedFeed
    settings: PollSettings


@dataclass(frozen=True)
class PollSettings:
    backfill: timedelta | None  # None: everything alerts on a first poll
    grouping: Grouping
    alerts: AlertSettings


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
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="wirewatch-writer")
        self.stores: queue.SimpleQueue[tuple[_StoreJob, Future[PollOutcome]]] = queue.SimpleQueue()

    def close(self) -> None:
        self.writer.shutdown(wait=True)

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
            return [SourceState.of(r) for r in rows]

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
        ms = int((time.monotonic() - started) * 1000)
        quiet = outcome.status in ("not_modified", "unchanged")
        logs.event(
            "poll.done",
            logging.DEBUG if quiet else logging.INFO,
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
        # never stalls the fetches (and their timeouts) of the others. Stores go through
        # one writer thread: SQLite takes one writer at a time anyway, and threads queuing
        # on its lock while holding the GIL would only slow everything down.
        feed = await asyncio.to_thread(self.parse, result.body, result.headers, result.url)
        done: Future[PollOutcome] = Future()
        self.stores.put((_StoreJob(state, result, feed, settings), done))
        self.writer.submit(self._store_queued)
        return await asyncio.wrap_future(done)

    def _store_queued(self) -> None:
        """Store every feed waiting for the writer in one transaction, each in its own
        savepoint: a feed that fails rolls back alone. When many feeds change at once,
        they share one commit, and the pages their LSH bands touch are written once."""
        jobs: list[tuple[_StoreJob, Future[PollOutcome]]] = []
        while len(jobs) < STORE_BATCH:
            try:
                jobs.append(self.stores.get_nowait())
            except queue.Empty:
                break
        if not jobs:
            return  # an earlier call took this job along with its own
        outcomes: list[tuple[Future[PollOutcome], PollOutcome | BaseException]] = []
        try:
            with self.db.transaction() as session:
                for job, done in jobs:
                    try:
                        with session.begin_nested():
                            outcomes.append((done, self._store(session, job)))
                    except Exception as exc:
                        outcomes.append((done, exc))
        except Exception as exc:  # the commit itself failed: nothing of the batch is stored
            outcomes = [(done, exc) for _, done in jobs]
        for done, outcome in outcomes:
            if isinstance(outcome, BaseException):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)

    def _store(self, session: Session, job: _StoreJob) -> PollOutcome:
        state, result, feed, settings = job.state, job.result, job.feed, job.settings
        now = self.now()
        articles = [
            normalize_entry(entry, state.name, feed.lang, state.lang, now, result.url)
            for entry in feed.entries
        ]
        cutoff = None if settings.backfill is None else now - settings.backfill
        triples = [
            (
                a,
                content_fingerprint(a),
                state.first_poll and cutoff is not None and a.published < cutoff,
            )
            for a in articles
        ]
        changed = upsert_articles(session, state.id, triples, now)
        placed = place_in_stories(session, [u.row for u in changed], state.id, settings.grouping)
        earlier = outbox.alerts_of_stories(
            session, {p.story_id for p in placed.values() if not p.new_story}
        )
        reports = []
        for up in changed:
            place = placed[up.row.id]
            stored = StoredArticle(
                article_id=up.row.id,
                article=up.article,
                story_id=place.story_id,
                story_first_seen=place.first_seen,
                is_new=up.is_new,
                silent=up.row.silent,
                tags=state.tags,
            )
            parents = earlier.get(place.story_id, []) if up.is_new else []
            reports.append(Report(stored, parents))
        alerts = record_matches(session, settings.alerts, reports, now)
        write_source(session, state.id, success_values(state, result, feed.ttl_seconds, now))
        new = sum(u.is_new for u in changed)
        return PollOutcome(state.name, "ok", new=new, updated=len(changed) - new, alerts=alerts)

    def _record_error(
        self,
        state: SourceState,
        kind: str,
        message: str,
        permanent: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> PollOutcome:
        now = self.now()
        count = state.error_count + 1
        values: dict[str, object] = {
            "error_count": count,
            "error_kind": kind,
            "last_error": message,
            "last_http_status": status,
            "failing_since": state.failing_since or now,
            "last_polled_at": now,
            "lease_owner": None,
            "lease_until": None,
        }
        if permanent:  # 410 Gone: stop polling, and say so in `wirewatch sources`
            self.state.add(state.id, {**values, "status": "disabled", "disabled_reason": message})
            return PollOutcome(state.name, "disabled", error=message)
        next_poll = schedule.after_error(now, state.interval, count, retry_after)
        self.state.add(state.id, {**values, "status": "error", "next_poll_at": next_poll})
        return PollOutcome(state.name, "error", error=message)


def success_values(
    state: SourceState, result: Fetched | NotModified, ttl: int | None, now: datetime
) -> dict[str, object]:
    """The source row after a successful poll (changed feed, 304 or unchanged body)."""
    values: dict[str, object] = {
        "etag": result.validators.etag,
        "last_modified": result.validators.last_modified,
        "last_http_status": result.status if isinstance(result, Fetched) else 304,
        "status": "ok",
        "error_count": 0,
        "error_kind": None,
        "last_error": None,
        "failing_since": None,
        "last_polled_at": now,
        "last_success_at": now,
        "next_poll_at": schedule.after_success(now, state.interval, result.cache_seconds, ttl),
        "lease_owner": None,
        "lease_until": None,
    }
    if isinstance(result, Fetched):
        values["body_hash"] = result.body_hash
    if result.permanent_url and result.permanent_url != state.url:
        logs.event("source.moved", source=state.name, url=result.permanent_url)
        values["url"] = result.permanent_url
    return values
