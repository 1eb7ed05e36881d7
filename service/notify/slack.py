"""Deliver messages through the real slack-sdk: the Web API (threads) or an incoming webhook.

Retries: the SDK's rate-limit handler absorbs one short 429 (Retry-After up to a few seconds);
anything longer, 5xx and network failures come back as a temporary NotifyError so the outbox
owns the outage (durable, exactly once). Errors no retry can fix are permanent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from service.notify.base import AlertMessage, Delivered, NotifyError, is_channel_id
from service.notify.blocks import build_blocks
from service.notify.slack_errors import (
    classify_api_error,
    classify_status,
    fix_for,
    header_value,
    retry_after_seconds,
)

__all__ = [
    "SlackNotifier",
    "WebhookNotifier",
    "build_blocks",
    "classify_api_error",
    "fix_for",
    "retry_after_seconds",
]

DEFAULT_MAX_INLINE_WAIT = 5.0
METADATA_EVENT = "wirewatch_delivery"  # message metadata naming the outbox row
LOOK_BACK_PAGES = 5  # history pages (200 messages each) searched for a message's metadata
CHANNEL_PAGES = 20  # conversations.list pages (200 channels each) read at most


class ShortRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """The SDK's 429 handler, limited to short waits, so a long Retry-After goes back to the
    outbox (which keeps the row, waits and retries) instead of blocking a worker."""

    def __init__(self, max_retry_count: int = 1, max_wait: float = DEFAULT_MAX_INLINE_WAIT):
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        # The SDK handler sleeps int(Retry-After); only hand it values it can parse.
        value = header_value(response.headers, "retry-after").strip()
        return value.isdigit() and int(value) <= self.max_wait


def _retry_handlers(max_inline_wait: float) -> list[AsyncRetryHandler]:
    handlers: list[AsyncRetryHandler] = [AsyncConnectionErrorRetryHandler(max_retry_count=1)]
    if max_inline_wait > 0:
        handlers.append(ShortRateLimitRetryHandler(max_retry_count=1, max_wait=max_inline_wait))
    return handlers


class SlackNotifier:
    """chat.postMessage with a bot token; follow-ups go into the alert's thread."""

    supports_threads = True
    can_look_back = True  # conversations.history / .replies, with the channels:history scope

    def __init__(
        self,
        token: str,
        api_url: str = "https://slack.com/api/",
        default_channel: str | None = None,
        *,
        timeout: int = 15,
        max_inline_wait: float = DEFAULT_MAX_INLINE_WAIT,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.default_channel = default_channel
        self._channel_ids: dict[str, str] = {}  # channel name -> id, as conversations.list says
        self.client = AsyncWebClient(
            token=token,
            base_url=api_url,
            timeout=timeout,
            session=session,
            retry_handlers=_retry_handlers(max_inline_wait),
        )

    async def send(self, msg: AlertMessage, delivery: str | None = None) -> Delivered:
        payload = build_blocks(msg)
        payload["channel"] = msg.channel or self.default_channel
        if not payload["channel"]:
            raise NotifyError("slack: no channel for this message", permanent=True)
        if delivery is not None:
            payload["metadata"] = {
                "event_type": METADATA_EVENT,
                "event_payload": {"delivery": delivery},
            }
        try:
            response = await self.client.chat_postMessage(**payload)
        except SlackApiError as err:
            raise classify_api_error("chat.postMessage", err) from err
        except (TimeoutError, SlackClientError, aiohttp.ClientError, OSError) as err:
            raise NotifyError(f"slack chat.postMessage: {_describe(err)}") from err
        return Delivered(channel=response.get("channel"), ts=response.get("ts"))

    async def find_delivered(
        self, msg: AlertMessage, delivery: str, since: datetime
    ) -> Delivered | None:
        """The message posted for `delivery` (by its metadata) in the channel `msg.channel`
        (an id) since `since`, or None. A follow-up is looked for in its thread. Raises
        NotifyError when the history cannot be read (no channels:history scope)."""
        method = "conversations.replies" if msg.thread_ts else "conversations.history"
        channel = await self._channel_id(msg.channel)
        if channel is None:
            return None  # no such channel visible to the bot: nothing was posted there
        args: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{since.timestamp():.6f}",
            "include_all_metadata": True,
            "limit": 200,
        }
        if msg.thread_ts:
            args["ts"] = msg.thread_ts
        cursor = None
        for _ in range(LOOK_BACK_PAGES):
            try:
                if msg.thread_ts:
                    response = await self.client.conversations_replies(**args, cursor=cursor)
                else:
                    response = await self.client.conversations_history(**args, cursor=cursor)
            except SlackApiError as err:
                raise classify_api_error(method, err) from err
            except (TimeoutError, SlackClientError, aiohttp.ClientError, OSError) as err:
                raise NotifyError(f"slack {method}: {_describe(err)}") from err
            for message in response.get("messages") or []:
                if _names_delivery(message, delivery):
                    return Delivered(channel=channel, ts=message.get("ts"))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    async def _channel_id(self, channel: str) -> str | None:
        """Slack's id of a channel named in the config ("#asia-desk"): the history calls
        take only ids. Looked up with conversations.list (channels:read), then cached."""
        if is_channel_id(channel):
            return channel
        name = channel.lstrip("#")
        if name not in self._channel_ids:
            self._channel_ids.update((n, str(c["id"])) for n, c in (await self.channels()).items())
        return self._channel_ids.get(name)

    async def channels(self) -> dict[str, dict[str, Any]]:
        """The channels the bot can see, by name (conversations.list, bounded pages);
        raises NotifyError when it cannot list them (no channels:read scope)."""
        out: dict[str, dict[str, Any]] = {}
        cursor = None
        for _ in range(CHANNEL_PAGES):
            try:
                response = await self.client.conversations_list(
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=200,
                    cursor=cursor,
                )
            except SlackApiError as err:
                raise classify_api_error("conversations.list", err) from err
            except (TimeoutError, SlackClientError, aiohttp.ClientError, OSError) as err:
                raise NotifyError(f"slack conversations.list: {_describe(err)}") from err
            for found in response.get("channels") or []:
                if isinstance(found, dict) and found.get("name") and found.get("id"):
                    out[str(found["name"])] = found
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return out

    async def auth_test(self) -> dict[str, Any]:
        """Check the token (for `wirewatch check` or start-up); raises NotifyError."""
        try:
            response = await self.client.auth_test()
        except SlackApiError as err:
            raise classify_api_error("auth.test", err) from err
        except (TimeoutError, SlackClientError, aiohttp.ClientError, OSError) as err:
            raise NotifyError(f"slack auth.test: {_describe(err)}") from err
        return dict(response.data) if isinstance(response.data, dict) else {}


class WebhookNotifier:
    """An incoming webhook: one fixed channel, no threads, no message ts."""

    supports_threads = False
    can_look_back = False  # a webhook cannot read the channel

    async def find_delivered(
        self, msg: AlertMessage, delivery: str, since: datetime
    ) -> Delivered | None:
        return None

    def __init__(
        self,
        url: str,
        *,
        timeout: int = 15,
        max_inline_wait: float = DEFAULT_MAX_INLINE_WAIT,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.client = AsyncWebhookClient(
            url, timeout=timeout, session=session, retry_handlers=_retry_handlers(max_inline_wait)
        )

    async def send(self, msg: AlertMessage, delivery: str | None = None) -> Delivered:
        if msg.kind == "followup":
            # No thread to reply in: follow-ups of webhook alerts only appear in the digest.
            return Delivered(None, None)
        payload = build_blocks(msg)
        body = {k: payload[k] for k in ("text", "blocks", "unfurl_links", "unfurl_media")}
        try:
            response = await self.client.send_dict(body)
        except (TimeoutError, SlackClientError, aiohttp.ClientError, OSError) as err:
            # The webhook URL is a secret: keep it out of errors (they are stored and logged).
            detail = _describe(err).replace(self.client.url, "<webhook url>")
            raise NotifyError(f"slack webhook: {detail}") from err
        if response.status_code == 200:
            return Delivered(None, None)
        raise classify_status(
            "slack webhook", response.status_code, response.body.strip(), response.headers
        )


def _names_delivery(message: Any, delivery: str) -> bool:
    metadata = message.get("metadata") if isinstance(message, dict) else None
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("delivery") == delivery


def _describe(err: BaseException) -> str:
    return str(err) or type(err).__name__
