"""Feeds that change at the same moment share one store transaction; each still succeeds or
fails on its own (a savepoint each), so a broken store never costs another feed its items."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import event, select

from service.poll.fetch import Fetched, Validators
from service.poll.parse import parse_feed
from service.poll.poller import PollOutcome, SourceState
from service.poll.store_feed import StoreJob
from service.store.models import ArticleRow, SourceRow
from service.worker.app import open_app
from service.worker.wiring import Runtime, make_notifier
from tests.e2e.support import Item, rss, write_config


def _fetched(url: str, body: bytes) -> Fetched:
    return Fetched(
        url=url, permanent_url=None, status=200, headers={}, body=body, body_hash=str(hash(body)),
        validators=Validators(etag='"v1"'), cache_seconds=None, elapsed_ms=1,
    )  # fmt: skip


def test_a_feed_that_fails_to_store_does_not_undo_the_others_in_its_batch(
    tmp_path: Path,
) -> None:
    sources = [(f"Outlet {n}", f"https://outlet{n}.example/feed") for n in range(3)]
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", sources)
    app = open_app(str(config))
    runtime = Runtime(app, notifier=make_notifier(app.config, stream=io.StringIO()))
    poller = runtime.poller
    try:
        states = asyncio.run(poller.claim(10))
        # The second source was removed from the database meanwhile: its articles break a
        # foreign key, inside the batch the other two feeds are stored in.
        states[1] = replace(states[1], id=10_000)
        jobs: list[Future[PollOutcome]] = []
        for n, state in enumerate(states):
            body = rss([Item(f"Port strike enters day {n + 2}", f"https://outlet{n}.example/a")])
            feed = parse_feed(body, {}, state.url)
            done: Future[PollOutcome] = Future()
            poller.writer.jobs.put(
                (StoreJob(state, _fetched(state.url, body), feed, poller.settings()), done)
            )
            jobs.append(done)
        poller.writer.store_queued()  # the writer thread's step, run here: one batch of three
        assert [jobs[n].result().new for n in (0, 2)] == [1, 1]
        with pytest.raises(Exception, match="FOREIGN KEY"):
            jobs[1].result()
        with app.db.transaction() as session:
            links = set(session.scalars(select(ArticleRow.link)))
            etags = dict(session.execute(select(SourceRow.name, SourceRow.etag)).all())
        assert links == {"https://outlet0.example/a", "https://outlet2.example/a"}
        assert etags == {"Outlet 0": '"v1"', "Outlet 1": None, "Outlet 2": '"v1"'}
    finally:
        asyncio.run(runtime.aclose())
        app.close()


def test_stores_queued_while_the_writer_is_busy_share_one_transaction(tmp_path: Path) -> None:
    sources = [(f"Outlet {n}", f"https://outlet{n}.example/feed") for n in range(4)]
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", sources)
    app = open_app(str(config))
    runtime = Runtime(app, notifier=make_notifier(app.config, stream=io.StringIO()))
    poller = runtime.poller
    commits: list[int] = []
    try:
        states: list[SourceState] = asyncio.run(poller.claim(10))
        event.listen(app.db.engine, "commit", lambda conn: commits.append(1))
        jobs = []
        for n, state in enumerate(states):
            body = rss([Item(f"Harvest festival number {n}", f"https://outlet{n}.example/h")])
            done: Future[PollOutcome] = Future()
            job = StoreJob(
                state, _fetched(state.url, body), parse_feed(body, {}, state.url), poller.settings()
            )
            poller.writer.jobs.put((job, done))
            jobs.append(done)
        poller.writer.store_queued()
        poller.writer.store_queued()  # nothing left: a no-op, as when the writer runs a spare call
        assert [j.result().new for j in jobs] == [1, 1, 1, 1]
        assert len(commits) == 1
    finally:
        asyncio.run(runtime.aclose())
        app.close()
