"""The outbox against Slack misbehaving: 429 storms, revoked tokens, throttling."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from service.clock import FakeClock
from service.worker.app import App, open_app
from service.worker.wiring import Runtime
from tests.e2e.support import QUAD_HEADLINES, Item, rss, write_config
from tests.feedserver import FeedServer
from tests.slackserver import SlackServer

HEADLINES = QUAD_HEADLINES[:6]


def setup(tmp_path: Path, slack: SlackServer, max_per_hour: int = 30) -> tuple[App, FakeClock]:
    items = [Item(t, f"https://example.com/{n}") for n, t in enumerate(HEADLINES)]
    clock = FakeClock(datetime(2026, 11, 28, 0, 0, tzinfo=UTC))
    with FeedServer() as feeds:
        feeds.route("/f", body=rss(items))
        config = write_config(
            tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [("Feed", feeds.url("/f"))],
            slack_api=slack.api_url,
        )  # fmt: skip
        text = config.read_text().replace("slack:\n", f"slack:\n  max_per_hour: {max_per_hour}\n")
        config.write_text(text)
        app = open_app(str(config), clock=clock)

        async def poll() -> None:
            runtime = Runtime(app, pace=0)
            try:
                await runtime.poller.poll_due_once(force=True)
            finally:
                await runtime.aclose()

        asyncio.run(poll())
    return app, clock


def deliver(app: App, clock: FakeClock, rounds: int, step: timedelta) -> int:
    async def run() -> int:
        runtime = Runtime(app, pace=0)
        total = 0
        try:
            for _ in range(rounds):
                total += await runtime.deliverer.deliver_pending_once()
                clock.advance(step)
        finally:
            await runtime.aclose()
        return total

    return asyncio.run(run())


def test_a_429_storm_is_absorbed_with_no_loss_and_no_duplicate(
    tmp_path: Path, slack: SlackServer
) -> None:
    app, clock = setup(tmp_path, slack)
    slack.rate_limit_next(20, retry_after=30)
    delivered = deliver(app, clock, rounds=30, step=timedelta(seconds=31))
    app.close()
    assert delivered == len(HEADLINES)
    texts = [m.text for m in slack.messages]
    assert len(texts) == len(set(texts)) == len(HEADLINES)


def test_alerts_over_max_per_hour_are_held_and_sent_as_one_summary(
    tmp_path: Path, slack: SlackServer
) -> None:
    app, clock = setup(tmp_path, slack, max_per_hour=2)
    deliver(app, clock, rounds=3, step=timedelta(minutes=1))
    assert len(slack.messages) == 2
    deliver(app, clock, rounds=3, step=timedelta(minutes=30))
    app.close()
    assert len(slack.messages) == 3
    summary = slack.messages[-1].text
    assert "4 more stories" in summary and "Quad" in summary


def test_follow_ups_found_during_an_outage_reply_in_the_thread_once_slack_is_back(
    tmp_path: Path, slack: SlackServer, feeds: FeedServer
) -> None:
    title = "Quad foreign ministers agree maritime security plan in Tokyo"
    feeds.route("/a", body=rss([Item(title, "https://a.example/story")]))
    feeds.route("/b", body=rss([Item(title, "https://b.example/other-url")]))
    config = write_config(
        tmp_path, f"sqlite:///{tmp_path / 'w.db'}",
        [("A", feeds.url("/a")), ("B", feeds.url("/b"))], slack_api=slack.api_url,
    )  # fmt: skip
    clock = FakeClock(datetime(2026, 11, 28, 0, 0, tzinfo=UTC))
    app = open_app(str(config), clock=clock)
    slack.unavailable_for(3600)

    async def run() -> None:
        runtime = Runtime(app, pace=0)
        try:
            await runtime.poller.poll_due_once(name="A")
            await runtime.deliverer.deliver_pending_once()
            await runtime.poller.poll_due_once(name="B")
            for _ in range(3):
                await runtime.deliverer.deliver_pending_once()
            slack.recover()
            for _ in range(4):
                clock.advance(timedelta(minutes=15))
                await runtime.deliverer.deliver_pending_once()
        finally:
            await runtime.aclose()

    asyncio.run(run())
    app.close()
    top = [m for m in slack.messages if m.thread_ts is None]
    replies = [m for m in slack.messages if m.thread_ts is not None]
    assert len(top) == 1 and len(replies) == 1
    assert replies[0].thread_ts == top[0].ts
