"""Deliver messages through the real slack-sdk: the Web API (threads) or an incoming webhook.

Retries: the SDK's rate-limit handler absorbs one short 429 (Retry-After up to a few seconds);
anything longer, 5xx and network failures come back as a temporary NotifyError so the outbox
owns the outage (durable, exactly once). Errors no retry can fix are permanent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
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

from service.notify.base import AlertMessage, Delivered, NotifyError
from service.notify.blocks import build_blocks

__all__ = ["SlackNotifier", "WebhookNotifier", "build_blocks", "classify_api_error"]

# https://api.slack.com/methods/chat.postMessage#errors: retrying cannot fix these.
PERMANENT_ERRORS = frozenset(
    {
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
        "no_permission", "missing_scope", "not_allowed_token_type", "access_denied",
        "ekm_access_denied", "org_login_required", "enterprise_is_restricted",
        "team_access_not_granted", "two_factor_setup_required",
        "channel_not_found", "not_in_channel", "is_archived", "restricted_action",
        "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel", "cannot_reply_to_message",
        "thread_not_found", "invalid_blocks", "invalid_blocks_format", "msg_too_long",
        "msg_blocks_too_long", "no_text", "too_many_attachments", "invalid_arguments",
        "invalid_arg_name", "invalid_charset", "invalid_form_data", "invalid_post_type",
        "missing_post_type", "method_deprecated", "deprecated_endpoint", "as_user_not_supported",
        "invalid_payload", "no_service", "no_team", "invalid_token", "channel_is_archived",
        "action_prohibited", "posting_to_general_channel_denied", "user_not_found",
    }
)  # fmt: skip
# The set-up, not the message, is wrong: every message to the destination (or channel)
# would fail the same way, so they wait, queued, until it is fixed.
DESTINATION_ERRORS = frozenset(
    {
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
        "not_allowed_token_type", "team_access_not_granted", "org_login_required",
        "enterprise_is_restricted", "two_factor_setup_required", "ekm_access_denied",
        "missing_scope", "no_permission", "access_denied", "invalid_token", "no_service",
        "no_team",
    }
)  # fmt: skip
CHANNEL_ERRORS = frozenset(
    {
        "not_in_channel", "channel_not_found", "is_archived", "channel_is_archived",
        "restricted_action", "restricted_action_read_only_channel",
        "posting_to_general_channel_denied",
    }
)  # fmt: skip
# Anything else (ratelimited, internal_error, fatal_error, service_unavailable,
# request_timeout and codes we do not know yet) is temporary: the outbox retries with backoff.

DEFAULT_MAX_INLINE_WAIT = 5.0
METADATA_EVENT = "wirewatch_delivery"  # message metadata naming the outbox row
LOOK_BACK_PAGES = 5  # history pages (200 messages each) searched for a message's metadata


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
        value = _header(response.headers, "retry-after").strip()
        return value.isdigit() and int(value) <= self.max_wait


def _header(headers: Mapping[str, Any] | None, name: str) -> str:
    """A header's first value, whatever the case of its name and the SDK's container type."""
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) and value else value)
    return ""


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
        if _is_channel_id(channel):
            return channel
        name = channel.lstrip("#")
        if name in self._channel_ids:
            return self._channel_ids[name]
        cursor = None
        for _ in range(LOOK_BACK_PAGES * 2):
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
                    self._channel_ids[str(found["name"])] = str(found["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if name in self._channel_ids or not cursor:
                break
        return self._channel_ids.get(name)

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
        raise _classify_status(
            "slack webhook", response.status_code, response.body.strip(), response.headers
        )


def classify_api_error(method: str, err: SlackApiError) -> NotifyError:
    """Turn a Web API failure into a NotifyError that says whether a retry can help."""
    response = err.response
    data = response.data if isinstance(response.data, dict) else {}
    return _classify_status(
        f"slack {method}", response.status_code, str(data.get("error", "")), response.headers
    )


def _classify_status(
    where: str, status: int, error: str, headers: Mapping[str, Any] | None
) -> NotifyError:
    detail = f"{where}: {error or 'failed'} (HTTP {status})"
    if status == 429 or error in ("ratelimited", "rate_limited"):
        return NotifyError(detail, retry_after=retry_after_seconds(headers))
    if error in DESTINATION_ERRORS:
        return NotifyError(detail, permanent=True, pause="destination", fix=fix_for(error))
    if error in CHANNEL_ERRORS:
        return NotifyError(detail, permanent=True, pause="channel", fix=fix_for(error))
    if error in PERMANENT_ERRORS:
        return NotifyError(detail, permanent=True)
    if status >= 500 or status in (408, 200):
        return NotifyError(detail)
    # Other 4xx: the request itself is wrong (Slack answers 404 for a deleted webhook).
    return NotifyError(detail, permanent=400 <= status < 500)


def fix_for(error: str) -> str:
    """What the desk should do about a set-up error; `{channel}` is filled in by the caller."""
    if error in ("not_in_channel",):
        return "invite the bot: /invite @<your app> in {channel}"
    if error in ("channel_not_found",):
        return (
            "create {channel} or fix its name in config.yaml (a theme's channel: or slack.channel)"
        )
    if error in ("is_archived", "channel_is_archived"):
        return "unarchive {channel} or point the theme at another channel in config.yaml"
    if error in ("restricted_action", "restricted_action_read_only_channel",
                 "posting_to_general_channel_denied"):  # fmt: skip
        return "allow the bot to post in {channel} (channel settings) or pick another channel"
    if error in ("missing_scope", "no_permission", "access_denied"):
        return "add the chat:write scope to the Slack app and reinstall it to the workspace"
    if error in ("no_service", "invalid_token", "no_team"):
        return "the incoming webhook was removed: create a new one and set SLACK_WEBHOOK_URL"
    return (
        "the token was refused: copy the Bot User OAuth Token (xoxb-…) from the app's "
        "OAuth & Permissions page into SLACK_BOT_TOKEN, then restart or edit config.yaml"
    )


def retry_after_seconds(headers: Mapping[str, Any] | None) -> float | None:
    """Retry-After as seconds (delta or HTTP date, RFC 9110 §10.2.3), or None."""
    raw = _header(headers, "retry-after").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(raw) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _is_channel_id(channel: str) -> bool:
    return channel[:1] in ("C", "G", "D") and channel[1:].isalnum() and channel.isupper()


def _names_delivery(message: Any, delivery: str) -> bool:
    metadata = message.get("metadata") if isinstance(message, dict) else None
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("delivery") == delivery


def _describe(err: BaseException) -> str:
    return str(err) or type(err).__name__
