"""/healthz tells the truth: 200 only when the service does its job; 503 with reasons when
every source fails, Slack delivery is paused, the last config edit was rejected or a digest
is overdue (issue 16)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from service.clock import FakeClock
from service.store import configs, pauses
from service.store.models import SourceRow
from service.web.server import make_app
from service.worker.app import App, open_app
from tests.e2e.support import write_config

START = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def _app(tmp_path: Path, extra: str = "") -> tuple[App, FakeClock]:
    clock = FakeClock(START)
    sources = [("Kyodo", "https://kyodo.example/rss"), ("Yonhap", "https://yonhap.example/rss")]
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", sources, extra=extra)
    return open_app(str(config), clock=clock), clock


def _health(app: App, clock: FakeClock, started: datetime = START) -> tuple[int, dict[str, Any]]:
    async def ask() -> tuple[int, dict[str, Any]]:
        site = make_app(app.db, started, clock.now, lambda: app.config)
        async with TestClient(TestServer(site)) as client:
            response = await client.get("/healthz")
            return response.status, await response.json()

    return asyncio.run(ask())


def _sources(app: App, **values: Any) -> None:
    with app.db.transaction() as session:
        session.execute(update(SourceRow).values(**values))


def test_a_working_service_is_healthy(tmp_path: Path) -> None:
    app, clock = _app(tmp_path)
    try:
        clock.advance(timedelta(hours=2))
        _sources(app, status="ok", last_success_at=clock.now() - timedelta(minutes=5))
        status, body = _health(app, clock)
    finally:
        app.close()
    assert (status, body["status"], body["reasons"]) == (200, "ok", [])


def test_every_source_failing_for_three_intervals_is_unhealthy(tmp_path: Path) -> None:
    app, clock = _app(tmp_path)
    try:
        assert _health(app, clock)[0] == 200  # just started: not judged yet
        clock.advance(timedelta(minutes=31))  # interval 10m in the test config
        _sources(app, status="error", last_error="Could not resolve host kyodo.example")
        status, body = _health(app, clock)
    finally:
        app.close()
    assert status == 503 and body["status"] == "error"
    assert "no source fetched successfully" in body["reasons"][0]
    assert "Could not resolve host" in body["reasons"][0]


def test_a_paused_slack_destination_is_unhealthy_and_says_what_to_do(tmp_path: Path) -> None:
    app, clock = _app(tmp_path)
    try:
        with app.db.transaction() as session:
            fix = "invite the bot: /invite @app in #asia-desk"
            pauses.pause(session, "#asia-desk", "not_in_channel", fix, clock.now())
        status, body = _health(app, clock)
    finally:
        app.close()
    assert status == 503
    assert body["paused"][0]["channel"] == "#asia-desk"
    assert any("/invite @app in #asia-desk" in r for r in body["reasons"])


def test_a_rejected_config_edit_is_unhealthy_until_a_good_one(tmp_path: Path) -> None:
    app, clock = _app(tmp_path)
    try:
        clock.advance(timedelta(minutes=1))
        with app.db.transaction() as session:
            configs.record(session, "bad", "config.yaml", {}, clock.now(), "rejected", "E1 at 3")
        status, body = _health(app, clock)
        clock.advance(timedelta(minutes=1))
        with app.db.transaction() as session:
            configs.record(session, "good", "config.yaml", {}, clock.now())
        after, _ = _health(app, clock)
    finally:
        app.close()
    assert status == 503 and "rejected" in body["reasons"][0] and "E1 at 3" in body["reasons"][0]
    assert after == 200


def test_an_overdue_digest_is_unhealthy(tmp_path: Path) -> None:
    extra = 'digests:\n  - name: morning\n    at: "07:30"\n    timezone: UTC\n    to: [d@e.org]\n'
    app, clock = _app(tmp_path, extra)
    try:
        clock.set(datetime(2026, 12, 1, 8, 15, tzinfo=UTC))  # 45 min after 07:30, not sent
        _sources(app, status="ok", last_success_at=clock.now())
        status, body = _health(app, clock)
    finally:
        app.close()
    assert status == 503 and body["reasons"] == ["digest morning is 45 min overdue"]


def test_metrics_carry_what_an_operator_graphs(tmp_path: Path) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    from service.commands.poll import poll_once
    from tests.e2e.support import QUAD_HEADLINES, Item, rss
    from tests.feedserver import FeedServer

    items = [Item(t, f"https://kyodo.example/{n}") for n, t in enumerate(QUAD_HEADLINES[:2])]
    with FeedServer() as feeds:
        feeds.route("/kyodo", body=rss(items))
        sources = [("Kyodo", feeds.url("/kyodo")), ("Gone", feeds.url("/missing"))]
        config = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", sources)
        clock = FakeClock(START)
        app = open_app(str(config), clock=clock)
        try:
            asyncio.run(poll_once(app, None))

            async def scrape() -> str:
                site = make_app(app.db, START, clock.now, lambda: app.config)
                async with TestClient(TestServer(site)) as client:
                    response = await client.get("/metrics")
                    assert response.headers["Content-Type"].startswith("text/plain")
                    return await response.text()

            text = asyncio.run(scrape())
        finally:
            app.close()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    names = {name for name, _ in samples}
    assert samples[("wirewatch_source_consecutive_failures", (("source", "Gone"),))] == 1
    assert samples[("wirewatch_source_last_success_timestamp_seconds", (("source", "Kyodo"),))] > 0
    assert samples[("wirewatch_new_articles_total", (("source", "Kyodo"),))] >= 2
    assert samples[("wirewatch_alerts_total", (("channel", "console"), ("outcome", "queued")))] >= 2
    assert {
        "wirewatch_fetch_duration_seconds_bucket",
        "wirewatch_outbox_oldest_age_seconds",
        "wirewatch_sources",
        "wirewatch_uptime_seconds",
    } <= names
