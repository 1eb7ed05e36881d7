"""When Slack says no to the set-up (a revoked token, a channel the bot is not in), delivery
pauses after one call, nothing is lost, the pause is reported once with what to do, and
every queued alert goes out once, in order, when the set-up is fixed (issue 16)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from service.store import pauses
from service.store.models import DeliveryRow
from service.worker.app import App
from tests.e2e.test_slack_outbox import HEADLINES, deliver, setup
from tests.slackserver import SlackServer


def _posts(slack: SlackServer) -> int:
    return sum(c.method == "chat.postMessage" for c in slack.calls)


def _statuses(app: App) -> set[str]:
    with app.db.transaction() as session:
        return set(session.scalars(select(DeliveryRow.status)))


def test_a_revoked_token_pauses_after_one_call_and_loses_nothing(
    tmp_path: Path, slack: SlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    app, clock = setup(tmp_path, slack)
    slack.revoke_token()
    try:
        with caplog.at_level(logging.ERROR, logger="wirewatch"):
            assert deliver(app, clock, rounds=5, step=timedelta(seconds=10)) == 0
        assert _posts(slack) == 1  # one call, then the whole destination waits
        assert _statuses(app) == {"pending"}
        # An hour of waiting costs a handful of probes, not a call per alert.
        assert deliver(app, clock, rounds=60, step=timedelta(minutes=1)) == 0
        assert _posts(slack) <= 8
        slack.restore_token()  # the desk puts a new token in place
        clock.advance(pauses.MAX_PROBE_WAIT)
        assert deliver(app, clock, rounds=3, step=timedelta(seconds=1)) == len(HEADLINES)
        with app.db.transaction() as session:
            assert pauses.active(session) == []
    finally:
        app.close()
    texts = [m.text for m in slack.messages]
    assert [next(h for h in HEADLINES if h[:40] in t) for t in texts] == sorted(
        HEADLINES, key=HEADLINES.index
    )  # each once, in the order they were found
    reported = [r.getMessage() for r in caplog.records if "deliver.paused" in r.getMessage()]
    assert len(reported) == 1 and "token_revoked" in reported[0]
    assert "SLACK_BOT_TOKEN" in reported[0]


def test_a_channel_the_bot_is_not_in_pauses_that_channel_only_with_the_invite_to_do(
    tmp_path: Path, slack: SlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    slack.forbid_channel("#news-alerts", "not_in_channel")
    app, clock = setup(tmp_path, slack)
    try:
        with caplog.at_level(logging.ERROR, logger="wirewatch"):
            assert deliver(app, clock, rounds=3, step=timedelta(seconds=5)) == 0
        assert _posts(slack) == 1
        with app.db.transaction() as session:
            paused = pauses.active(session)
        assert [p.channel for p in paused] == ["#news-alerts"]
        assert "/invite" in paused[0].message and "#news-alerts" in paused[0].message
        slack.allow_channel("#news-alerts")  # the bot is invited
        clock.advance(pauses.MAX_PROBE_WAIT)
        assert deliver(app, clock, rounds=3, step=timedelta(seconds=1)) == len(HEADLINES)
    finally:
        app.close()
    assert len({m.text for m in slack.messages}) == len(HEADLINES)
    reported = [r.getMessage() for r in caplog.records if "deliver.paused" in r.getMessage()]
    assert len(reported) == 1 and "/invite" in reported[0]


def test_alerts_queued_longer_than_summarize_after_go_out_as_one_summary(
    tmp_path: Path, slack: SlackServer
) -> None:
    app, clock = setup(tmp_path, slack)
    slack.revoke_token()
    try:
        deliver(app, clock, rounds=1, step=timedelta(seconds=1))
        clock.advance(timedelta(hours=7))  # the token stays broken over a night
        slack.restore_token()
        deliver(app, clock, rounds=3, step=timedelta(seconds=1))
    finally:
        app.close()
    assert len(slack.messages) == 1
    assert f"{len(HEADLINES)} more stories" in slack.messages[0].text


def test_fixing_the_channel_in_the_config_resumes_and_moves_the_queue(
    tmp_path: Path, slack: SlackServer
) -> None:
    import asyncio

    from service.config import load_config
    from service.worker.wiring import Runtime

    slack.forbid_channel("#news-alerts", "channel_not_found")  # a typo in slack.channel
    app, clock = setup(tmp_path, slack)
    try:
        deliver(app, clock, rounds=2, step=timedelta(seconds=1))
        assert len(slack.messages) == 0
        path = app.config.path
        path.write_text(path.read_text().replace('"#news-alerts"', '"#asia-desk"'))

        async def edit_and_deliver() -> int:
            runtime = Runtime(app, pace=0)
            try:
                runtime.apply(load_config(str(path)))  # what a live reload does
                return await runtime.deliverer.deliver_pending_once()
            finally:
                await runtime.aclose()

        assert asyncio.run(edit_and_deliver()) == len(HEADLINES)  # at once, no probe wait
    finally:
        app.close()
    assert {m.channel for m in slack.messages} == {"#asia-desk"}


def test_poll_says_delivery_is_paused_and_outbox_lists_retries_and_drops(
    tmp_path: Path, slack: SlackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from tests.e2e.support import Item, cli, rss, write_config
    from tests.feedserver import FeedServer

    slack.forbid_channel("#news-alerts", "not_in_channel")
    items = [Item(t, f"https://example.com/{n}") for n, t in enumerate(HEADLINES[:3])]
    with FeedServer() as feeds:
        feeds.route("/f", body=rss(items))
        config = write_config(
            tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [("Feed", feeds.url("/f"))],
            slack_api=slack.api_url,
        )  # fmt: skip
        code, out, err = cli(capsys, "-c", str(config), "poll")
    assert code == 1
    assert "3 alerts" in out and "delivery paused for #news-alerts" in err and "/invite" in err
    code, out, _ = cli(capsys, "-c", str(config), "outbox", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["paused"][0]["channel"] == "#news-alerts"
    assert [m["status"] for m in listed["messages"]] == ["pending"] * 3
    first = listed["messages"][0]["id"]
    assert cli(capsys, "-c", str(config), "outbox", "drop", str(first))[1].startswith("1 ")
    code, out, _ = cli(capsys, "-c", str(config), "outbox")
    assert "paused: #news-alerts" in out and "2 waiting, 0 failed" in out
    assert cli(capsys, "-c", str(config), "outbox", "retry")[0] == 0
