"""Digests through a real local SMTP server, on a stepped clock: once per day, on time."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from service.clock import FakeClock
from service.worker.app import App, digest_sender, open_app
from service.worker.wiring import Runtime
from tests.e2e.support import Item, rss, write_config
from tests.feedserver import FeedServer
from tests.smtpserver import Inbox, run_server

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def smtp_port(inbox: Inbox) -> Iterator[int]:
    yield from run_server(inbox)


def digest_config(tmp_path: Path, db_url: str, feed_url: str, port: int, send_empty: bool) -> Path:
    extra = f"""
email:
  host: 127.0.0.1
  port: {port}
  security: none
  from: "Wirewatch <wirewatch@example.org>"
digests:
  - name: morning
    at: "07:30"
    timezone: America/New_York
    to: [desk@example.org]
    send_empty: {str(send_empty).lower()}
"""
    return write_config(tmp_path, db_url, [("Kyodo News", feed_url)], extra=extra)


def start(config: Path, clock: FakeClock) -> App:
    app = open_app(str(config), clock=clock)

    async def poll() -> None:
        runtime = Runtime(app)
        try:
            await runtime.poller.poll_due_once(force=True)
        finally:
            await runtime.aclose()

    asyncio.run(poll())
    return app


def test_a_week_across_the_dst_change_gets_one_digest_per_day_at_local_time(
    tmp_path: Path, db_url: str, inbox: Inbox, smtp_port: int
) -> None:
    clock = FakeClock(datetime(2026, 10, 28, 4, 0, tzinfo=UTC))  # US clocks fall back Nov 1
    with FeedServer() as feeds:
        feeds.route("/f", body=rss([Item("Quad leaders meet", "https://example.com/q")]))
        config = digest_config(tmp_path, db_url, feeds.url("/f"), smtp_port, send_empty=True)
        app = start(config, clock)
    sender = digest_sender(app)
    sent_at: list[datetime] = []
    while clock.now() < datetime(2026, 11, 4, 13, 0, tzinfo=UTC):
        clock.advance(timedelta(minutes=30))
        for outcome in asyncio.run(sender.send_due_once()):
            assert outcome.status == "sent", outcome
            sent_at.append(clock.now())
    app.close()
    local = [t.astimezone(NEW_YORK) for t in sent_at]
    assert [t.date().day for t in local] == [28, 29, 30, 31, 1, 2, 3, 4]
    assert all((t.hour, t.minute) == (7, 30) for t in local), local
    assert len(inbox.received) == 8
    assert len({(t.date()) for t in local}) == 8


def test_a_restart_or_a_second_scheduler_at_send_time_still_sends_one(
    tmp_path: Path, db_url: str, inbox: Inbox, smtp_port: int
) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))
    with FeedServer() as feeds:
        feeds.route("/f", body=rss([Item("Quad leaders meet in Delhi", "https://example.com/q")]))
        config = digest_config(tmp_path, db_url, feeds.url("/f"), smtp_port, send_empty=False)
        app = start(config, clock)
    clock.set(datetime(2026, 11, 28, 12, 31, tzinfo=UTC))  # 07:31 in New York
    second = open_app(str(config), clock=clock)  # another worker on the same database

    async def both() -> list[object]:
        a, b = await asyncio.gather(
            digest_sender(app, worker="a").send_due_once(),
            digest_sender(second, worker="b").send_due_once(),
        )
        return [*a, *b]

    outcomes = asyncio.run(both())
    restarted = open_app(str(config), clock=clock)
    again = asyncio.run(digest_sender(restarted).send_due_once())
    for each in (app, second, restarted):
        each.close()
    assert len(outcomes) == 1 and again == []
    assert len(inbox.received) == 1
    envelope = inbox.received[0][0]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    plain = message.get_body(("plain",)).get_content().replace("*", "")  # *matched* terms
    assert "Quad leaders meet in Delhi" in plain
    assert "Quad leaders meet in Delhi" in message.get_body(("html",)).get_content()


def test_a_digest_missed_while_the_service_was_down_is_sent_once_when_it_is_back(
    tmp_path: Path, db_url: str, inbox: Inbox, smtp_port: int
) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))
    with FeedServer() as feeds:
        feeds.route("/f", body=rss([Item("Quad navies drill off Guam", "https://example.com/q")]))
        config = digest_config(tmp_path, db_url, feeds.url("/f"), smtp_port, send_empty=False)
        app = start(config, clock)
    app.close()
    clock.set(datetime(2026, 11, 28, 15, 0, tzinfo=UTC))  # back at 10:00, the 07:30 was missed
    app = open_app(str(config), clock=clock)
    first = asyncio.run(digest_sender(app).send_due_once())
    second = asyncio.run(digest_sender(app).send_due_once())
    app.close()
    assert [o.period for o in first] == ["2026-11-28"] and second == []
    assert len(inbox.received) == 1


def test_an_smtp_outage_delays_the_digest_and_it_goes_out_once_after(
    tmp_path: Path, db_url: str, inbox: Inbox
) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))
    dead_port = next(run_server(Inbox()))  # a port with nothing listening after this line
    with FeedServer() as feeds:
        feeds.route("/f", body=rss([Item("Quad summit in Tokyo", "https://example.com/q")]))
        config = digest_config(tmp_path, db_url, feeds.url("/f"), dead_port, send_empty=False)
        app = start(config, clock)
    clock.set(datetime(2026, 11, 28, 12, 31, tzinfo=UTC))
    assert [o.status for o in asyncio.run(digest_sender(app).send_due_once())] == ["retry"]
    app.close()
    servers = run_server(inbox)
    port = next(servers)
    config.write_text(config.read_text().replace(f"port: {dead_port}", f"port: {port}"))
    app = open_app(str(config), clock=clock)
    clock.advance(timedelta(minutes=5))
    outcomes = asyncio.run(digest_sender(app).send_due_once())
    more = asyncio.run(digest_sender(app).send_due_once())
    app.close()
    servers.close()
    assert [o.status for o in outcomes] == ["sent"] and more == []
    assert len(inbox.received) == 1
