"""A worker killed at any point neither delays nor duplicates an alert (issue 17): claims
are short and renewed while work runs, and a message whose worker died mid-call is looked up
in Slack (by its metadata) before it is posted again."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from service.clock import FakeClock
from service.store import outbox
from service.store.models import DeliveryRow
from service.worker.app import App
from service.worker.wiring import Runtime
from tests.e2e.test_slack_outbox import HEADLINES, deliver, setup
from tests.slackserver import SlackServer


def _statuses(app: App) -> list[str]:
    with app.db.transaction() as session:
        return list(session.scalars(select(DeliveryRow.status).order_by(DeliveryRow.id)))


def _killed_mid_call(app: App, slack: SlackServer) -> None:
    """A worker starts posting the first alert while Slack is slow, and dies (its task is
    cancelled: nothing after that point runs) before Slack answers."""
    slack.answer_late(2.0)

    async def run() -> None:
        runtime = Runtime(app, pace=0)
        task = asyncio.create_task(runtime.deliverer.deliver_pending_once())
        for _ in range(500):  # until Slack has the message, before it answers
            if slack.messages:
                break
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await runtime.aclose()

    asyncio.run(run())
    assert _statuses(app).count("posting") == 1
    assert len(slack.messages) == 1  # in the channel, though its worker never heard so
    slack.answer_late(0)


def test_a_worker_killed_while_slack_is_slow_does_not_post_twice(tmp_path: Path) -> None:
    with SlackServer() as slack:
        app, clock = setup(tmp_path, slack)
        try:
            _killed_mid_call(app, slack)
            clock.advance(outbox.CLAIM_LEASE + timedelta(seconds=1))  # its claim ran out
            deliver(app, clock, rounds=3, step=timedelta(seconds=1))
        finally:
            app.close()
        titles = [m.text for m in slack.messages]
    assert len(titles) == len(HEADLINES) and len(set(titles)) == len(HEADLINES)
    assert any(c.method == "conversations.history" for c in slack.calls)
    assert _statuses(app) == ["sent"] * len(HEADLINES)


def test_without_the_history_scope_it_warns_once_and_posts_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with SlackServer() as slack:
        slack.deny_history()
        app, clock = setup(tmp_path, slack)
        try:
            _killed_mid_call(app, slack)
            clock.advance(outbox.CLAIM_LEASE + timedelta(seconds=1))
            with caplog.at_level(logging.WARNING, logger="wirewatch"):
                deliver(app, clock, rounds=3, step=timedelta(seconds=1))
        finally:
            app.close()
        sent = len(slack.messages)
    warnings = [r for r in caplog.records if "deliver.history_unreadable" in r.getMessage()]
    assert len(warnings) == 1 and "channels:history" in warnings[0].getMessage()
    assert sent == len(HEADLINES) + 1  # nothing lost; the interrupted one posted again


def test_a_dead_workers_claims_on_messages_run_out_within_the_lease(tmp_path: Path) -> None:
    with SlackServer() as slack:
        app, clock = setup(tmp_path, slack)
        try:
            with app.db.transaction() as session:  # a worker claims, then dies
                assert len(outbox.claim(session, "dead-worker", clock.now(), 100)) == 6
            clock.advance(outbox.CLAIM_LEASE - timedelta(seconds=1))
            assert deliver(app, clock, rounds=1, step=timedelta(0)) == 0
            clock.advance(timedelta(seconds=2))
            assert deliver(app, clock, rounds=1, step=timedelta(0)) == 6
        finally:
            app.close()
        assert len(slack.messages) == 6


def _claim(app: App, clock: FakeClock) -> tuple[Runtime, int]:
    async def run() -> tuple[Runtime, int]:
        runtime = Runtime(app, pace=0)
        return runtime, len(await runtime.poller.claim(limit=100, force=True))

    return asyncio.run(run())


def test_a_dead_workers_sources_are_polled_by_another_within_the_lease(tmp_path: Path) -> None:
    from service.poll.poller import LEASE

    with SlackServer() as slack:
        app, clock = setup(tmp_path, slack)
        try:
            assert _claim(app, clock)[1] == 1  # a worker leases the source, then dies
            clock.advance(LEASE - timedelta(seconds=1))
            assert _claim(app, clock)[1] == 0
            clock.advance(timedelta(seconds=2))
            assert _claim(app, clock)[1] == 1
        finally:
            app.close()
    assert timedelta(seconds=30) >= LEASE


def test_a_worker_that_stops_gives_its_leases_back_at_once(tmp_path: Path) -> None:
    with SlackServer() as slack:
        app, clock = setup(tmp_path, slack)
        try:
            stopping, claimed = _claim(app, clock)
            assert claimed == 1
            with app.db.transaction() as session:
                assert len(outbox.claim(session, stopping.worker, clock.now(), 100)) == 6
            stopping.deliverer.held.update(range(1, 7))
            stopping.poller.release_leases()  # what SIGTERM does, through Worker.release
            stopping.deliverer.release_claims()
            assert _claim(app, clock)[1] == 1  # free at once, no lease to wait out
            assert deliver(app, clock, rounds=1, step=timedelta(0)) == 6
        finally:
            app.close()


def test_claims_are_renewed_while_the_work_goes_on(tmp_path: Path) -> None:
    with SlackServer() as slack:
        app, clock = setup(tmp_path, slack)
        try:
            worker, claimed = _claim(app, clock)
            assert claimed == 1
            for _ in range(4):  # two minutes of a slow poll, renewed every 30 s
                clock.advance(outbox.CLAIM_LEASE - timedelta(seconds=5))
                worker.poller.renew_leases()
            assert _claim(app, clock)[1] == 0  # still held by the live worker
        finally:
            app.close()
