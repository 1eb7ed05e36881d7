"""What Slack's answers mean: which errors no retry can fix, which are the set-up's fault
(a revoked token, a channel the bot is not in: delivery pauses), what to do about each, and
how long Slack asked us to wait."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from service.notify.base import NotifyError

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


def header_value(headers: Mapping[str, Any] | None, name: str) -> str:
    """A header's first value, whatever the case of its name and the SDK's container type."""
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) and value else value)
    return ""


def classify_api_error(method: str, err: SlackApiError) -> NotifyError:
    """Turn a Web API failure into a NotifyError that says whether a retry can help."""
    response = err.response
    data = response.data if isinstance(response.data, dict) else {}
    return classify_status(
        f"slack {method}", response.status_code, str(data.get("error", "")), response.headers
    )


def classify_status(
    where: str, status: int, error: str, headers: Mapping[str, Any] | None
) -> NotifyError:
    detail = f"{where}: {error or 'failed'} (HTTP {status})"
    if status == 429 or error in ("ratelimited", "rate_limited"):
        return NotifyError(detail, retry_after=retry_after_seconds(headers), code=error)
    if error in DESTINATION_ERRORS:
        fix = fix_for(error)
        return NotifyError(detail, permanent=True, pause="destination", fix=fix, code=error)
    if error in CHANNEL_ERRORS:
        return NotifyError(detail, permanent=True, pause="channel", fix=fix_for(error), code=error)
    if error in PERMANENT_ERRORS:
        return NotifyError(detail, permanent=True, code=error)
    if status >= 500 or status in (408, 200):
        return NotifyError(detail, code=error)
    # Other 4xx: the request itself is wrong (Slack answers 404 for a deleted webhook).
    return NotifyError(detail, permanent=400 <= status < 500, code=error)


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
    raw = header_value(headers, "retry-after").strip()
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
