"""SlackNotifier and WebhookNotifier through the real slack-sdk against the local Slack server."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from service.notify.base import AlertMessage, Delivered, NotifyError
from service.notify.slack import SlackNotifier, WebhookNotifier, retry_after_seconds
from tests.slackserver import WEBHOOK_CHANNEL, SlackServer
from tests.test_notify_samples import alert, followup, notice, summary

GOLDEN = Path(__file__).parent / "golden" / "slack"


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    with SlackServer() as server:
        yield server


def notifier(slack: SlackServer, **kwargs: object) -> SlackNotifier:
    options: dict[str, object] = {"timeout": 5, **kwargs}
    return SlackNotifier(slack.token, slack.api_url, "#news-alerts", **options)  # type: ignore[arg-type]


def golden(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


async def test_an_alert_arrives_as_the_golden_payload_and_returns_channel_and_ts(
    slack: SlackServer,
) -> None:
    delivered = await notifier(slack).send(alert())
    [posted] = slack.messages
    assert posted.payload == golden("alert")
    assert delivered == Delivered(channel=slack.channel_id("#asia-desk"), ts=posted.ts)


async def test_a_followup_is_posted_as_a_reply_in_the_alerts_thread(slack: SlackServer) -> None:
    first = await notifier(slack).send(alert())
    reply = followup(channel=first.channel, thread_ts=first.ts)
    await notifier(slack).send(reply)
    posted = slack.messages[-1]
    assert posted.thread_ts == first.ts
    masked = {**posted.payload, "thread_ts": "1700000000.000100", "channel": "#asia-desk"}
    assert masked == golden("followup")


async def test_a_summary_and_a_notice_arrive_as_their_golden_payloads(slack: SlackServer) -> None:
    await notifier(slack).send(summary())
    await notifier(slack).send(
        notice("config.yaml line 12: themes[2].query: unknown alias @koreaa")
    )
    assert [m.payload for m in slack.messages] == [golden("summary"), golden("notice")]


async def test_the_default_channel_is_used_when_the_message_names_none(slack: SlackServer) -> None:
    await notifier(slack).send(alert(channel=""))
    assert slack.messages[0].channel == "#news-alerts"


async def test_messages_are_recorded_exactly_once_and_in_order(slack: SlackServer) -> None:
    client = notifier(slack)
    titles = [f"Story {i}" for i in range(6)]
    for title in titles:
        await client.send(alert(title=title))
    assert [m.blocks[0]["text"]["text"].split("|")[1] for m in slack.messages if m.blocks] == [
        f"{t}>*" for t in titles
    ]
    stamps = [float(m.ts) for m in slack.messages]
    assert stamps == sorted(set(stamps))


async def test_a_short_rate_limit_is_absorbed_by_the_sdk_retry_handler(slack: SlackServer) -> None:
    slack.rate_limit_next(1, retry_after=0)
    await notifier(slack).send(alert())
    assert [c.status for c in slack.calls] == [429, 200]
    assert len(slack.messages) == 1


async def test_a_long_rate_limit_is_handed_back_with_retry_after(slack: SlackServer) -> None:
    slack.rate_limit_next(1, retry_after=30)
    with pytest.raises(NotifyError) as caught:
        await notifier(slack).send(alert())
    assert caught.value.retry_after == 30
    assert not caught.value.permanent
    assert slack.messages == []


async def test_a_429_storm_is_retried_once_then_handed_back(slack: SlackServer) -> None:
    slack.rate_limit_next(5, retry_after=0)
    with pytest.raises(NotifyError) as caught:
        await notifier(slack).send(alert())
    assert caught.value.retry_after == 0
    assert [c.status for c in slack.calls] == [429, 429]


async def test_an_outage_is_temporary_and_the_message_goes_through_after_it(
    slack: SlackServer,
) -> None:
    slack.unavailable_for(3600)
    client = notifier(slack)
    with pytest.raises(NotifyError) as caught:
        await client.send(alert())
    assert not caught.value.permanent and caught.value.retry_after is None
    assert "503" in caught.value.message
    slack.recover()
    await client.send(alert())
    assert len(slack.messages) == 1


@pytest.mark.parametrize(("status", "error"), [(500, "internal_error"), (502, "")])
async def test_server_errors_are_temporary(slack: SlackServer, status: int, error: str) -> None:
    slack.fail_next(1, status, error)
    with pytest.raises(NotifyError) as caught:
        await notifier(slack).send(alert())
    assert not caught.value.permanent


@pytest.mark.parametrize("error", ["fatal_error", "service_unavailable", "something_new"])
async def test_ok_false_with_a_transient_or_unknown_error_is_temporary(
    slack: SlackServer, error: str
) -> None:
    slack.error_next(1, error)
    with pytest.raises(NotifyError) as caught:
        await notifier(slack).send(alert())
    assert not caught.value.permanent
    assert error in caught.value.message


@pytest.mark.parametrize("error", ["invalid_auth", "account_inactive", "not_in_channel"])
async def test_errors_no_retry_can_fix_are_permanent(slack: SlackServer, error: str) -> None:
    slack.error_next(1, error)
    with pytest.raises(NotifyError) as caught:
        await notifier(slack).send(alert())
    assert caught.value.permanent


async def test_a_wrong_token_is_permanent_and_never_shown(slack: SlackServer) -> None:
    client = SlackNotifier("xoxb-wrong-secret", slack.api_url, "#news-alerts")
    with pytest.raises(NotifyError) as caught:
        await client.send(alert())
    assert caught.value.permanent
    assert "invalid_auth" in caught.value.message
    assert "xoxb-wrong-secret" not in caught.value.message


async def test_a_revoked_token_is_permanent(slack: SlackServer) -> None:
    slack.revoke_token()
    with pytest.raises(NotifyError) as caught:
        await notifier(slack).send(alert())
    assert caught.value.permanent and "token_revoked" in caught.value.message


async def test_an_unknown_channel_is_permanent(slack: SlackServer) -> None:
    slack.forbid_channel("#gone")
    with pytest.raises(NotifyError) as caught:
        await notifier(slack).send(alert(channel="#gone"))
    assert caught.value.permanent and "channel_not_found" in caught.value.message


async def test_a_message_with_no_channel_anywhere_is_permanent() -> None:
    client = SlackNotifier("xoxb-x", "http://127.0.0.1:9/api/", None)
    with pytest.raises(NotifyError) as caught:
        await client.send(alert(channel=""))
    assert caught.value.permanent


async def test_an_unreachable_slack_is_temporary() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = SlackNotifier("xoxb-x", f"http://127.0.0.1:{port}/api/", "#c", max_inline_wait=0)
    with pytest.raises(NotifyError) as caught:
        await client.send(alert())
    assert not caught.value.permanent


async def test_a_slow_slack_times_out_as_temporary(slack: SlackServer) -> None:
    slack.set_delay(3)
    with pytest.raises(NotifyError) as caught:
        await notifier(slack, timeout=1).send(alert())
    assert not caught.value.permanent


async def test_feed_text_attacks_arrive_escaped(slack: SlackServer) -> None:
    attack = "<!channel> <!here> <@U123|boss> & <https://evil.example|click>"
    await notifier(slack).send(alert(title=attack, summary=attack, outlet=attack, spans=()))
    raw = json.dumps(slack.messages[0].payload)
    for bad in ("<!channel>", "<!here>", "<@U123", "<https://evil"):
        assert bad not in raw


async def test_auth_test_names_the_bot(slack: SlackServer) -> None:
    assert (await notifier(slack).auth_test())["bot_id"]
    slack.revoke_token()
    with pytest.raises(NotifyError) as caught:
        await notifier(slack).auth_test()
    assert caught.value.permanent


async def test_a_webhook_posts_blocks_without_channel_or_ts(slack: SlackServer) -> None:
    delivered = await WebhookNotifier(slack.webhook_url).send(alert())
    assert delivered == Delivered(None, None)
    [posted] = slack.messages
    expected = {k: v for k, v in golden("alert").items() if k not in ("channel", "link_names")}
    assert posted.payload == expected
    assert posted.channel_id == WEBHOOK_CHANNEL


async def test_a_webhook_does_not_post_followups(slack: SlackServer) -> None:
    client = WebhookNotifier(slack.webhook_url)
    assert client.supports_threads is False
    assert await client.send(followup()) == Delivered(None, None)
    assert slack.calls == []


@pytest.mark.parametrize(
    ("status", "error"),
    [(404, "no_service"), (403, "invalid_token"), (410, "channel_is_archived"), (400, "x")],
)
async def test_a_broken_webhook_is_permanent(slack: SlackServer, status: int, error: str) -> None:
    slack.break_webhook(status, error)
    with pytest.raises(NotifyError) as caught:
        await WebhookNotifier(slack.webhook_url).send(alert())
    assert caught.value.permanent and error in caught.value.message


async def test_webhook_outages_and_rate_limits_are_temporary(slack: SlackServer) -> None:
    client = WebhookNotifier(slack.webhook_url)
    slack.unavailable_for(3600)
    with pytest.raises(NotifyError) as outage:
        await client.send(alert())
    slack.recover()
    slack.fail_next(1, 429, "rate_limited", retry_after=60)
    with pytest.raises(NotifyError) as limited:
        await client.send(alert())
    assert not outage.value.permanent and not limited.value.permanent
    assert limited.value.retry_after == 60
    await client.send(summary())
    assert len(slack.messages) == 1


def test_the_server_works_from_sync_code_too() -> None:
    import asyncio

    with SlackServer() as server:
        msg: AlertMessage = replace(alert(), title="sync")
        asyncio.run(SlackNotifier(server.token, server.api_url).send(msg))
        assert len(server.wait_for_messages(1)) == 1


def test_retry_after_accepts_seconds_and_dates() -> None:
    assert retry_after_seconds({"Retry-After": "12"}) == 12
    assert retry_after_seconds({"retry-after": ["3"]}) == 3
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None
