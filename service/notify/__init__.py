"""Notifiers: Slack (Web API or incoming webhook) and console, behind one tiny protocol."""

from service.notify.base import AlertMessage, Delivered, Notifier, NotifyError
from service.notify.blocks import build_blocks
from service.notify.console import ConsoleNotifier
from service.notify.slack import SlackNotifier, WebhookNotifier

__all__ = [
    "AlertMessage",
    "ConsoleNotifier",
    "Delivered",
    "Notifier",
    "NotifyError",
    "SlackNotifier",
    "WebhookNotifier",
    "build_blocks",
]
