"""`wirewatch slack test`: is the Slack set-up right, before an alert depends on it?

Checks the token (auth.test), that every configured channel exists and has the bot in it
(conversations.list), and posts one test message; each failure comes with its fix. Pure
reporting: it changes nothing but the one message it posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from service.notify.base import AlertMessage, NotifyError
from service.notify.slack import SlackNotifier, WebhookNotifier, fix_for

LIST_PAGES = 20


@dataclass(frozen=True)
class Finding:
    ok: bool | None  # None: could not be checked
    what: str
    fix: str = ""

    def line(self) -> str:
        mark = {True: "ok  ", False: "FAIL", None: "??  "}[self.ok]
        return f"{mark} {self.what}" + (f"\n       fix: {self.fix}" if self.fix else "")


async def check_token(
    notifier: SlackNotifier, channels: Sequence[str], post_to: str
) -> list[Finding]:
    try:
        who = await notifier.auth_test()
    except NotifyError as exc:
        error = exc.message.split(": ", 1)[-1].split(" (HTTP", 1)[0]
        return [Finding(False, f"token: {exc.message}", fix_for(error) if exc.pause else "")]
    found = [
        Finding(True, f"token: bot {who.get('user', '?')} in workspace {who.get('team', '?')}")
    ]
    found += await _channels(notifier, channels)
    found.append(await _test_message(notifier, post_to))
    return found


async def _channels(notifier: SlackNotifier, channels: Sequence[str]) -> list[Finding]:
    try:
        known = await _list_channels(notifier)
    except SlackApiError as exc:
        error = str((exc.response.data or {}).get("error", "")) if exc.response else ""
        return [
            Finding(
                None,
                f"channels: cannot list them ({error}); the test message below checks one",
                "add the channels:read scope (groups:read for private channels) to check all",
            )
        ]
    except (TimeoutError, SlackClientError, OSError) as exc:
        return [Finding(None, f"channels: cannot list them ({exc})")]
    findings = []
    for channel in channels:
        info = known.get(channel.lstrip("#"))
        if info is None:
            fix = fix_for("channel_not_found").format(channel=channel)
            findings.append(Finding(False, f"{channel}: no such channel the bot can see", fix))
        elif not info.get("is_member"):
            fix = fix_for("not_in_channel").format(channel=channel)
            findings.append(Finding(False, f"{channel}: the bot is not in it", fix))
        else:
            findings.append(Finding(True, f"{channel}: found, the bot is a member"))
    return findings


async def _list_channels(notifier: SlackNotifier) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    cursor = None
    for _ in range(LIST_PAGES):
        response = await notifier.client.conversations_list(
            types="public_channel,private_channel", exclude_archived=True, limit=200, cursor=cursor
        )
        for channel in response.get("channels") or []:
            if isinstance(channel, dict) and channel.get("name"):
                out[str(channel["name"])] = channel
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return out


def test_message(channel: str) -> AlertMessage:
    return AlertMessage(
        kind="notice",
        channel=channel,
        text="Wirewatch test message: the Slack set-up works, alerts will arrive here.",
    )


async def _test_message(notifier: SlackNotifier | WebhookNotifier, channel: str) -> Finding:
    try:
        sent = await notifier.send(test_message(channel))
    except NotifyError as exc:
        error = exc.message.split(": ", 1)[-1].split(" (HTTP", 1)[0]
        fix = fix_for(error).format(channel=channel) if exc.pause else ""
        return Finding(False, f"test message to {channel}: {exc.message}", fix)
    where = f"{channel} (ts {sent.ts})" if sent.ts else "the webhook's channel"
    return Finding(True, f"test message posted to {where}")


async def check_webhook(notifier: WebhookNotifier, themed: Sequence[str]) -> list[Finding]:
    found = [await _test_message(notifier, "the webhook's channel")]
    for channel in themed:
        found.append(
            Finding(
                None,
                f"{channel}: a webhook posts only to its own channel, not to this theme's",
                "set slack.token (a bot token) to post to each theme's channel",
            )
        )
    return found
