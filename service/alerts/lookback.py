"""Did the message of a worker that died mid-call reach Slack? Looked up by the metadata
naming its delivery in the channel's recent history (or its thread), so that a crash never
posts an alert twice. Without the history scopes, it says so once and the message is posted
again: a possible duplicate, never a loss."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from service import logs
from service.notify.base import AlertMessage, Delivered, Notifier, NotifyError, is_channel_id
from service.store import Database, outbox

MARGIN = timedelta(seconds=5)  # the clocks of workers and Slack differ a little


class LookBack:
    def __init__(self, db: Database, notifier: Callable[[], Notifier]) -> None:
        self.db, self.notifier = db, notifier
        self.warned = False

    async def find(self, msg: AlertMessage, delivery: str, queued: datetime) -> Delivered | None:
        """Where the message for `delivery` (queued at `queued`) landed, or None."""
        notifier = self.notifier()
        if not notifier.can_look_back:
            return None
        # The id Slack gave the channel before saves a conversations.list.
        channel = msg.channel if is_channel_id(msg.channel) else self._known_id(msg.channel)
        try:
            return await notifier.find_delivered(
                replace(msg, channel=channel or msg.channel), delivery, queued - MARGIN
            )
        except NotifyError as exc:
            if not self.warned:
                self.warned = True
                logs.warning(
                    "deliver.history_unreadable",
                    channel=msg.channel,
                    error=exc.message,
                    hint="add the channels:history and channels:read scopes (groups:history "
                    "and groups:read for private channels) to the Slack app: without them, a "
                    "message whose worker died mid-call is posted again",
                )
            return None

    def _known_id(self, channel: str) -> str | None:
        with self.db.transaction() as session:
            return outbox.known_channel_id(session, channel)
