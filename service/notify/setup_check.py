"""`wirewatch slack test`: is the Slack set-up right, before an alert depends on it?

Checks the token (auth.test), that every configured channel exists and has the bot in it
(conversations.list), and posts one test message; each failure comes with its fix. Pure
reporting: it changes nothing but the one message it posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.notify.base import AlertMessage, NotifyError
from service.notify.slack import SlackNotifier, WebhookNotifier, fix_for


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
        return [Finding(False, f"token: {exc.message}", exc.fix)]
    found = [
        Finding(True, f"token: bot {who.get('user', '?')} in workspace {who.get('team', '?')}")
    ]
    found += await _channels(notifier, channels)
    found.append(await _test_message(notifier, post_to))
    return found


async def _channels(notifier: SlackNotifier, channels: Sequence[str]) -> list[Finding]:
    try:
        known = await notifier.channels()
    except NotifyError as exc:
        why = exc.code or exc.message
        return [
            Finding(
                None,
                f"channels: cannot list them ({why}); the test message below checks one",
                "add the channels:read scope (groups:read for private channels) to check all",
            )
        ]
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
        fix = exc.fix.format(channel=channel)
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
