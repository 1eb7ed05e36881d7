"""A local server that answers like Slack's Web API and incoming webhooks.

Runs an aiohttp app on 127.0.0.1 (ephemeral port) in a background thread, so sync tests,
async tests and bench scripts can all drive it through the real slack-sdk:

    with SlackServer() as slack:
        notifier = SlackNotifier(slack.token, slack.api_url, "#news-alerts")
        slack.rate_limit_next(2, retry_after=30)   # then 429s
        ...
        assert [m.text for m in slack.messages] == [...]

Answers chat.postMessage (JSON or form body, Bearer token or `token` field), auth.test and
an incoming webhook at `webhook_url`. Failure modes are scripted: the next N posts fail
(429 with Retry-After, 5xx, ok:false with an error), an outage for a period (503 with an
HTML body, as a load balancer would send), a revoked token, a missing channel, slow answers.
Only accepted messages are recorded, each with the time it was accepted, and every request
is logged in `calls`, so tests can assert "exactly once, in order" and count retries.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TEAM_ID = "T0WIREW01"
BOT_ID = "B0WIREW01"
WEBHOOK_PATH = f"/services/{TEAM_ID}/{BOT_ID}/wirewatchtestsecret"
WEBHOOK_CHANNEL = "C0WEBHOOK"
POSTING = ("chat.postMessage", "webhook")
HISTORY = ("conversations.history", "conversations.replies", "conversations.list")


@dataclass(frozen=True)
class Posted:
    """A message the server accepted."""

    channel: str  # as the client named it ("#asia-desk" or an id)
    channel_id: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    via: str  # "api" or "webhook"
    accepted_at: float  # time.time()
    payload: dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request, accepted or not."""

    method: str  # "chat.postMessage", "auth.test", "webhook", ...
    status: int
    error: str | None
    at: float


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    retry_after: int | None = None


@dataclass
class _State:
    token: str
    revoked: bool = False
    webhook_error: tuple[int, str] | None = None
    failures: deque[_Failure] = field(default_factory=deque)
    down_until: float = 0.0
    delay: float = 0.0
    forbidden: dict[str, str] = field(default_factory=dict)
    channel_ids: dict[str, str] = field(default_factory=dict)
    messages: list[Posted] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    last_ts: float = 0.0
    history_denied: bool = False
    late: float = 0.0


class SlackServer:
    def __init__(self, token: str = "xoxb-wirewatch-test", *, strict_threads: bool = True):
        self.token = token
        # Reject a thread_ts that is not a message we accepted in that channel; a wiring test
        # aid (real Slack's behaviour there is less helpful).
        self.strict_threads = strict_threads
        self._state = _State(token=token)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> SlackServer:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="slackserver", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._loop = self._thread = self._runner = None

    def __enter__(self) -> SlackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post(WEBHOOK_PATH, self._webhook)
        # A short shutdown timeout: stop() must not wait out a scripted slow answer.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        # Handlers still sleeping on a scripted delay: cancel them rather than leak them.
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def webhook_url(self) -> str:
        return f"{self.url}{WEBHOOK_PATH}"

    # ---- scripting -------------------------------------------------------------------------

    def fail_next(
        self, count: int, status: int, error: str = "", retry_after: int | None = None
    ) -> None:
        """The next `count` posts (API or webhook) answer `status` with `error`."""
        with self._lock:
            for _ in range(count):
                self._state.failures.append(_Failure(status, error, retry_after))

    def rate_limit_next(self, count: int, retry_after: int = 1) -> None:
        self.fail_next(count, 429, "ratelimited", retry_after)

    def error_next(self, count: int, error: str) -> None:
        """ok:false with `error` (HTTP 200, as Slack answers invalid_auth, channel_not_found)."""
        self.fail_next(count, 200, error)

    def unavailable_for(self, seconds: float) -> None:
        """Every post answers 503 with an HTML body until `seconds` from now."""
        with self._lock:
            self._state.down_until = time.monotonic() + seconds

    def recover(self) -> None:
        """End an outage and drop the scripted failures still queued."""
        with self._lock:
            self._state.down_until = 0.0
            self._state.failures.clear()

    def revoke_token(self) -> None:
        with self._lock:
            self._state.revoked = True

    def add_channel(self, name: str) -> str:
        """A channel that exists, with the bot in it; its id."""
        with self._lock:
            return self._channel_id(name)

    def restore_token(self) -> None:
        with self._lock:
            self._state.revoked = False

    def allow_channel(self, channel: str) -> None:
        """The bot was invited (or the channel unarchived): posts to it work again."""
        with self._lock:
            self._state.forbidden.pop(channel, None)

    def forbid_channel(self, channel: str, error: str = "channel_not_found") -> None:
        """Posts to `channel` fail with `error` (e.g. not_in_channel, is_archived)."""
        with self._lock:
            self._state.forbidden[channel] = error

    def break_webhook(self, status: int = 404, error: str = "no_service") -> None:
        with self._lock:
            self._state.webhook_error = (status, error)

    def answer_late(self, seconds: float) -> None:
        """Post at once but answer chat.postMessage this much later: a client that gives up
        (or dies) meanwhile never learns that its message is in the channel."""
        with self._lock:
            self._state.late = seconds

    def deny_history(self) -> None:
        """The app lacks the channels:history scope: history calls fail with missing_scope."""
        with self._lock:
            self._state.history_denied = True

    def set_delay(self, seconds: float) -> None:
        """Answer every request this much later (to exercise client timeouts)."""
        with self._lock:
            self._state.delay = seconds

    def reset(self) -> None:
        with self._lock:
            self._state = _State(token=self.token)

    # ---- observation -----------------------------------------------------------------------

    @property
    def messages(self) -> list[Posted]:
        with self._lock:
            return list(self._state.messages)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._state.calls)

    def channel_id(self, name: str) -> str:
        with self._lock:
            return self._channel_id(name)

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[Posted]:
        """Block until at least `count` messages were accepted (for sync end-to-end tests)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.messages

    # ---- handlers (run on the server's loop thread) ------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        await self._maybe_delay()
        if method not in ("chat.postMessage", "auth.test", *HISTORY):
            return self._answer(method, {"ok": False, "error": "unknown_method"}, status=404)
        args = await _read_args(request)
        if args is None:
            return self._answer(method, {"ok": False, "error": "invalid_form_data"})
        failed = self._scripted_failure(method, as_json=True)
        if failed is not None:
            return failed
        auth_error = self._auth_error(request, args)
        if auth_error:
            return self._answer(method, {"ok": False, "error": auth_error})
        if method == "auth.test":
            return self._answer(method, _auth_test_body(self.url))
        if method in HISTORY:
            return self._history(method, args)
        response = self._post_message(args)
        with self._lock:
            late = self._state.late
        if late:
            await asyncio.sleep(late)
        return response

    def _history(self, method: str, args: dict[str, Any]) -> web.Response:
        """conversations.list, .history (top-level messages, newest first) and .replies (a
        thread, oldest first), from `oldest`, with metadata only when include_all_metadata
        is set."""
        with self._lock:
            denied = self._state.history_denied
            channel_ids = dict(self._state.channel_ids)
            channel = str(args.get("channel") or "")
            posted = [m for m in self._state.messages if m.channel_id == channel]
        if denied:
            scope = {"needed": "channels:history,groups:history", "provided": "chat:write"}
            return self._answer(method, {"ok": False, "error": "missing_scope", **scope})
        if method == "conversations.list":
            with self._lock:
                forbidden = dict(self._state.forbidden)
                for name in forbidden:
                    self._channel_id(name)  # a channel the bot is not in exists all the same
                channel_ids = dict(self._state.channel_ids)
            channels = [
                {"id": cid, "name": name, "is_member": f"#{name}" not in forbidden}
                for name, cid in channel_ids.items()
                if forbidden.get(f"#{name}") != "channel_not_found"
            ]
            return self._answer(method, {"ok": True, "channels": channels})
        if channel not in channel_ids.values():
            return self._answer(method, {"ok": False, "error": "channel_not_found"})
        oldest = float(args.get("oldest") or 0)
        metadata = str(args.get("include_all_metadata", "")).lower() in ("true", "1")
        if method == "conversations.replies":
            parent = str(args.get("ts") or "")
            found = [m for m in posted if parent in (m.ts, m.thread_ts)]
        else:
            found = [m for m in reversed(posted) if m.thread_ts in (None, m.ts)]
        messages = []
        for m in found:
            if float(m.ts) < oldest:
                continue
            message: dict[str, Any] = {"type": "message", "ts": m.ts, "text": m.text}
            if m.thread_ts:
                message["thread_ts"] = m.thread_ts
            if metadata and isinstance(m.payload.get("metadata"), dict):
                message["metadata"] = m.payload["metadata"]
            messages.append(message)
        body = {"ok": True, "messages": messages[:200], "has_more": len(messages) > 200}
        return self._answer(method, body)

    async def _webhook(self, request: web.Request) -> web.Response:
        await self._maybe_delay()
        failed = self._scripted_failure("webhook", as_json=False)
        if failed is not None:
            return failed
        with self._lock:
            broken = self._state.webhook_error
        if broken:
            return self._answer("webhook", broken[1], status=broken[0])
        try:
            body = json.loads(await request.text())
        except ValueError:
            return self._answer("webhook", "invalid_payload", status=400)
        problem = _validate_message(body) if isinstance(body, dict) else "invalid_payload"
        if problem:
            return self._answer("webhook", problem, status=400)
        self._accept(body, WEBHOOK_CHANNEL, via="webhook")
        return self._answer("webhook", "ok")

    def _post_message(self, args: dict[str, Any]) -> web.Response:
        channel = str(args.get("channel") or "")
        with self._lock:
            forbidden = self._state.forbidden.get(channel)
            known_ts = {
                m.ts for m in self._state.messages if m.channel_id == self._channel_id(channel)
            }
        problem = forbidden or ("channel_not_found" if not channel else _validate_message(args))
        thread_ts = args.get("thread_ts")
        if not problem and thread_ts and self.strict_threads and thread_ts not in known_ts:
            problem = "thread_not_found"
        if problem:
            return self._answer("chat.postMessage", {"ok": False, "error": problem})
        posted = self._accept(args, channel, via="api")
        message: dict[str, Any] = {"type": "message", "bot_id": BOT_ID, "text": posted.text}
        message["ts"] = posted.ts
        if posted.blocks is not None:
            message["blocks"] = posted.blocks
        if thread_ts:
            message["thread_ts"] = thread_ts
        body = {"ok": True, "channel": posted.channel_id, "ts": posted.ts, "message": message}
        return self._answer("chat.postMessage", body)

    def _accept(self, args: dict[str, Any], channel: str, via: str) -> Posted:
        with self._lock:
            now = time.time()
            # Unique and increasing, like Slack's ts (seconds.microseconds).
            stamp = max(now, self._state.last_ts + 0.000001)
            self._state.last_ts = stamp
            posted = Posted(
                channel=channel,
                channel_id=WEBHOOK_CHANNEL if via == "webhook" else self._channel_id(channel),
                ts=f"{stamp:.6f}",
                text=str(args.get("text") or ""),
                blocks=args.get("blocks"),
                thread_ts=args.get("thread_ts"),
                via=via,
                accepted_at=now,
                payload=dict(args),
            )
            self._state.messages.append(posted)
        return posted

    def _channel_id(self, name: str) -> str:  # caller holds the lock
        if name[:1] in ("C", "G", "D") and name[1:].isalnum() and name.isupper():
            return name
        ids = self._state.channel_ids
        return ids.setdefault(name.lstrip("#"), f"C{len(ids) + 1:08d}")

    def _scripted_failure(self, method: str, *, as_json: bool) -> web.Response | None:
        if method not in POSTING:
            return None
        with self._lock:
            if time.monotonic() < self._state.down_until:
                failure: _Failure | None = _Failure(503, "service_unavailable")
                html = True
            else:
                failure = self._state.failures.popleft() if self._state.failures else None
                html = False
        if failure is None:
            return None
        headers = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
        if html:
            body: Any = "<html><body><h1>503 Service Unavailable</h1></body></html>"
            return self._answer(method, body, status=503, headers=headers, html=True)
        body = {"ok": False, "error": failure.error} if as_json else failure.error
        return self._answer(method, body, status=failure.status, headers=headers)

    def _auth_error(self, request: web.Request, args: dict[str, Any]) -> str | None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() or str(args.get("token") or "")
        with self._lock:
            if not token:
                return "not_authed"
            if token != self._state.token:
                return "invalid_auth"
            return "token_revoked" if self._state.revoked else None

    async def _maybe_delay(self) -> None:
        with self._lock:
            delay = self._state.delay
        if delay:
            await asyncio.sleep(delay)

    def _answer(
        self,
        method: str,
        body: dict[str, Any] | str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        html: bool = False,
    ) -> web.Response:
        error = body.get("error") if isinstance(body, dict) else (None if body == "ok" else body)
        with self._lock:
            self._state.calls.append(Call(method, status, error, time.time()))
        if isinstance(body, dict):
            return web.json_response(body, status=status, headers=headers)
        content_type = "text/html" if html else "text/plain"
        return web.Response(text=body, status=status, headers=headers, content_type=content_type)


async def _read_args(request: web.Request) -> dict[str, Any] | None:
    """Arguments from the query string (GET), a JSON or a form body (blocks and metadata
    arrive as JSON strings in a form)."""
    if request.method == "GET":
        return dict(request.query)
    try:
        if request.content_type == "application/json":
            data = await request.json()
            return data if isinstance(data, dict) else None
        args: dict[str, Any] = dict(await request.post())
        for key in ("blocks", "metadata"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args
    except ValueError:
        return None


def _auth_test_body(url: str) -> dict[str, Any]:
    return {
        "ok": True,
        "url": f"{url}/",
        "team": "Wirewatch Test",
        "user": "wirewatch",
        "team_id": TEAM_ID,
        "user_id": "U0WIREW01",
        "bot_id": BOT_ID,
    }


def _validate_message(args: dict[str, Any]) -> str | None:
    """Slack's limits (https://api.slack.com/reference/block-kit/blocks), enforced here so a
    payload that Slack would reject fails in our tests too."""
    text, blocks = args.get("text"), args.get("blocks")
    if not text and not blocks:
        return "no_text"
    if isinstance(text, str) and len(text) > 40000:
        return "msg_too_long"
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "invalid_blocks"
    return None if all(_valid_block(b) for b in blocks) else "invalid_blocks"


def _valid_block(block: Any) -> bool:
    if not isinstance(block, dict):
        return False
    kind = block.get("type")
    if kind == "header":
        return _valid_text(block.get("text"), 150, ("plain_text",))
    if kind == "section":
        return _valid_text(block.get("text"), 3000, ("plain_text", "mrkdwn"))
    if kind == "context":
        elements = block.get("elements")
        return (
            isinstance(elements, list)
            and 0 < len(elements) <= 10
            and all(_valid_text(e, 3000, ("plain_text", "mrkdwn")) for e in elements)
        )
    if kind == "actions":
        elements = block.get("elements")
        return (
            isinstance(elements, list)
            and 0 < len(elements) <= 25
            and all(_valid_button(e) for e in elements)
        )
    return kind == "divider"


def _valid_button(element: Any) -> bool:
    """A link button: plain_text up to 75 characters, a url up to 3,000, an action_id."""
    if not isinstance(element, dict) or element.get("type") != "button":
        return False
    url, action = element.get("url"), element.get("action_id")
    return (
        _valid_text(element.get("text"), 75, ("plain_text",))
        and (url is None or (isinstance(url, str) and 0 < len(url) <= 3000))
        and (action is None or (isinstance(action, str) and 0 < len(action) <= 255))
    )


def _valid_text(obj: Any, limit: int, kinds: tuple[str, ...]) -> bool:
    return (
        isinstance(obj, dict)
        and obj.get("type") in kinds
        and isinstance(obj.get("text"), str)
        and 0 < len(obj["text"]) <= limit
    )
