"""`wirewatch slack test [--channel C]`: check the Slack set-up and post one test message."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from service.config import Config, load_or_exit

if TYPE_CHECKING:
    from service.notify.setup_check import Finding


def themed_channels(config: Config) -> list[str]:
    """Every channel an alert may go to: slack.channel and the themes' own channels."""
    default = config.slack.channel if config.slack else ""
    named = [t.channel for t in config.themes if t.alert and t.channel]
    return list(dict.fromkeys([default, *named]))


async def findings(config: Config, post_to: str | None = None) -> list[Finding]:
    # slack_sdk and aiohttp: imported when there is a Slack to ask, not before
    from service.notify.setup_check import check_token, check_webhook
    from service.notify.slack import SlackNotifier, WebhookNotifier

    slack = config.slack
    assert slack is not None
    if slack.token is not None:
        notifier = SlackNotifier(slack.token.get_secret_value(), slack.api_url, slack.channel)
        return await check_token(notifier, themed_channels(config), post_to or slack.channel)
    assert slack.webhook_url is not None
    hook = WebhookNotifier(slack.webhook_url.get_secret_value())
    return await check_webhook(hook, [t.channel for t in config.themes if t.alert and t.channel])


def report(config: Config, post_to: str | None = None) -> int:
    """Print the findings; 0 when nothing failed."""
    if config.slack is None:
        print(
            f"{config.path}: no slack: section, so alerts are printed to standard output; "
            'see the README\'s "Slack from zero"',
            file=sys.stderr,
        )
        return 1
    found = asyncio.run(findings(config, post_to))
    print("\n".join(f.line() for f in found))
    failed = sum(f.ok is False for f in found)
    print(f"slack: {'all good' if not failed else f'{failed} problem(s)'}")
    return 1 if failed else 0


def run(args: argparse.Namespace) -> int:
    return report(load_or_exit(args.config), args.channel)
