"""deliver_pending_once(): claim due outbox rows, send them, record what happened.

Slack or SMTP being down delays delivery, never drops or doubles it: a temporary error
puts the row (and the later rows of that channel, to keep their order) back with
backoff; a permanent one (bad token, unknown channel) fails the row and is reported.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from service import logs, metrics
from service.alerts.lookback import LookBack
from service.notify.base import AlertMessage, Delivered, Notifier, NotifyError
from service.store import Database, outbox, outbox_admin, pauses
from service.store.models import DeliveryRow

MAX_BACKOFF = timedelta(minutes=10)
MAX_RETRY_AFTER = timedelta(hours=1)
THROTTLE_WINDOW = timedelta(hours=1)
SUMMARY_HEADLINES = 10

_EVERY = "\x00every channel"  # a key of `deferred` no channel name can be
BACKLOG_ROUNDS = 20  # rounds of deliver_backlog: bounded, whatever keeps failing


@dataclass(frozen=True)
class Pending:
    id: int
    kind: str
    channel: str
    theme_id: str | None
    payload: dict[str, object]
    parent_id: int | None
    attempts: int
    dedup_key: str = ""
    created_at: datetime | None = None
    in_flight: bool = False  # a worker that died had started posting it

    @classmethod
    def of(cls, row: DeliveryRow, in_flight: bool = False) -> Pending:
        return cls(
            row.id,
            row.kind,
            row.channel,
            row.theme_id,
            row.payload,
            row.parent_id,
            row.attempts,
            row.dedup_key,
            row.created_at,
            in_flight,
        )


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """Slack's Retry-After when it gave one (it knows when it will take more), else
    exponential from 5 s, capped at 10 min."""
    if retry_after:
        return min(timedelta(seconds=retry_after), MAX_RETRY_AFTER)
    return min(timedelta(seconds=5 * 2 ** min(attempts, 12)), MAX_BACKOFF)


class ChannelPacer:
    """Keeps each channel under ~1 message per second, allowing a short burst."""

    def __init__(self, rate: float = 1.0, burst: int = 5) -> None:
        self.rate, self.burst = rate, burst
        self._tokens: dict[str, tuple[float, float]] = {}

    async def wait(self, channel: str) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        tokens, stamp = self._tokens.get(channel, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        if tokens < 1:
            await asyncio.sleep((1 - tokens) / self.rate)
            tokens, now = 1.0, time.monotonic()
        self._tokens[channel] = (tokens - 1, now)


class Deliverer:
    def __init__(
        self,
        db: Database,
        notifier: Notifier,
        now: Callable[[], datetime],
        worker: str,
        max_per_hour: int | None = None,
        pacer: ChannelPacer | None = None,
        summarize_after: timedelta | None = None,
    ) -> None:
        self.db, self.notifier, self.now, self.worker = db, notifier, now, worker
        self.max_per_hour = max_per_hour
        self.pacer = pacer or ChannelPacer()
        self.held: set[int] = set()  # rows claimed by this worker and not finished yet
        self.look_back = LookBack(db, lambda: self.notifier)
        self.summarize_after = summarize_after
        self._paused: set[str] = set()  # channels paused when this round began

    async def deliver_pending_once(self, limit: int = 100) -> int:
        """Send what is due; returns how many messages were delivered."""
        self._summarize_stale()
        self._summarize_held()
        skip = self._paused_now()
        if skip is None:
            return 0  # the whole destination is paused and its probe is not due yet
        with self.db.transaction() as session:
            claimed = outbox.claim(session, self.worker, self.now(), limit, skip)
            pending = [Pending.of(row, in_flight) for row, in_flight in claimed]
        self.held.update(item.id for item in pending)
        delivered = 0
        deferred: dict[str, datetime] = {}
        try:
            for item in pending:
                wait = deferred.get(item.channel) or deferred.get(_EVERY)
                if wait is not None:
                    self._retry(item, wait, "waiting for an earlier message", False)
                else:
                    delivered += await self._deliver(item, deferred)
                self.held.discard(item.id)
        finally:
            self.release_claims([item.id for item in pending if item.id in self.held])
        return delivered

    def _paused_now(self) -> frozenset[str] | None:
        """Channels to leave alone this round (paused, probe not due); None: all of them.
        A pause whose probe is due lets one round try again: its first message probes."""
        now = self.now()
        with self.db.transaction() as session:
            paused = pauses.active(session)
        self._paused = {p.channel for p in paused}
        waiting = {p.channel for p in paused if p.probe_at > now}
        if pauses.EVERY_CHANNEL in waiting:
            return None
        return frozenset(waiting)

    def _summarize_stale(self) -> None:
        if self.summarize_after is None:
            return
        now = self.now()
        with self.db.transaction() as session:
            held = outbox.hold_stale_alerts(session, now - self.summarize_after, now)
        if held:
            logs.warning("deliver.stale_summarized", alerts=held, older_than=self.summarize_after)

    def resume_all(self) -> None:
        """The set-up changed (a config edit): try every paused channel again now."""
        with self.db.transaction() as session:
            resumed = pauses.resume_all(session)
            if resumed:
                outbox_admin.due_now(session, self.now())
        if resumed:
            logs.event("deliver.resumed", pauses=resumed, why="config changed")

    def renew_claims(self) -> None:
        """Keep this worker's claims alive while it works through them (a dead worker's
        run out within outbox.CLAIM_LEASE)."""
        if self.held:
            with self.db.transaction() as session:
                outbox.renew(session, sorted(self.held), self.worker, self.now())

    def release_claims(self, ids: list[int] | None = None) -> None:
        """Give back claimed rows not yet handed to the notifier (stopping, or an error)."""
        ids = sorted(self.held) if ids is None else ids
        if ids:
            with self.db.transaction() as session:
                outbox.release(session, ids, self.worker)
        self.held.difference_update(ids)

    async def deliver_backlog(
        self, rounds: int = BACKLOG_ROUNDS, wait: float | None = None
    ) -> None:
        """Deliver what is queued now, in at most `rounds` rounds: what still fails waits in
        the outbox for `wirewatch run`. With `wait`, a round that sends nothing while rows
        are still pending (a follow-up waiting for its alert's thread) sleeps that long and
        tries again, instead of giving up."""
        for _ in range(rounds):
            if await self.deliver_pending_once() == 0:
                if wait is None or not self._waiting():
                    return
                await asyncio.sleep(wait)

    def _waiting(self) -> int:
        with self.db.transaction() as session:
            return outbox.count_waiting(session)

    async def _deliver(self, item: Pending, deferred: dict[str, datetime]) -> int:
        msg = AlertMessage.from_dict(item.payload)
        if item.kind == "alert" and (until := self._throttled(item)) is not None:
            with self.db.transaction() as session:
                outbox.mark_held(session, item.id, until)
            return 0
        if item.kind == "followup":
            resolved = self._thread_of(item)
            if resolved is None:
                return 0
            msg = replace(msg, thread_ts=resolved[1], channel=resolved[0] or msg.channel)
        found = (
            await self.look_back.find(msg, item.dedup_key, item.created_at)
            if (item.in_flight and item.created_at is not None)
            else None
        )
        if found is not None:
            with self.db.transaction() as session:
                outbox.mark_sent(session, item.id, self.now(), found.channel, found.ts)
            logs.event("deliver.recovered", id=item.id, kind=item.kind, channel=item.channel)
            return 1
        await self.pacer.wait(item.channel)
        with self.db.transaction() as session:
            if not outbox.start_posting(session, item.id, self.worker, self.now()):
                return 0  # the claim ran out meanwhile: another worker has the row
        try:
            result: Delivered = await self.notifier.send(msg, delivery=item.dedup_key)
        except NotifyError as exc:
            self._failed(item, exc, deferred)
            return 0
        with self.db.transaction() as session:
            outbox.mark_sent(session, item.id, self.now(), result.channel, result.ts)
            resumed = [c for c in (pauses.EVERY_CHANNEL, item.channel) if c in self._paused]
            for channel in resumed:
                pauses.resume(session, channel)
        for channel in resumed:
            self._paused.discard(channel)
            logs.event("deliver.resumed", channel=channel or "(every channel)", id=item.id)
        logs.event("deliver.sent", id=item.id, kind=item.kind, channel=item.channel)
        if item.kind == "alert":
            metrics.ALERTS.labels(item.channel, "sent").inc()
            latency = (self.now() - msg.published).total_seconds()
            if latency >= 0:
                metrics.ALERT_LATENCY.observe(latency)
        return 1

    def _failed(self, item: Pending, exc: NotifyError, deferred: dict[str, datetime]) -> None:
        if exc.pause is not None:
            self._pause(item, exc, deferred)
            return
        if exc.permanent:
            metrics.ALERTS.labels(item.channel, "failed").inc()
            with self.db.transaction() as session:
                outbox.mark_failed(session, item.id, exc.message)
            logs.error("deliver.failed", id=item.id, channel=item.channel, error=exc.message)
            return
        until = self.now() + backoff(item.attempts, exc.retry_after)
        deferred[item.channel] = until
        with self.db.transaction() as session:
            outbox.mark_retry(session, item.id, until, exc.message)
            outbox.defer_channel(session, item.channel, until, item.id)
        logs.warning("deliver.retry", id=item.id, channel=item.channel, error=exc.message, at=until)

    def _pause(self, item: Pending, exc: NotifyError, deferred: dict[str, datetime]) -> None:
        """The destination or channel refused: the message waits, queued with the others,
        and the pause is reported once, with what to do."""
        channel = pauses.EVERY_CHANNEL if exc.pause == "destination" else item.channel
        now = self.now()
        fix = exc.fix.format(channel=item.channel)
        error = exc.code
        with self.db.transaction() as session:
            new, probe = pauses.pause(session, channel, error, f"{exc.message}: {fix}", now)
            outbox.mark_retry(session, item.id, probe, exc.message, count_attempt=False)
            waiting = outbox.count_waiting(session)
        self._paused.add(channel)
        metrics.ALERTS.labels(item.channel, "paused").inc()
        deferred[_EVERY if exc.pause == "destination" else item.channel] = probe
        if new:
            logs.error(
                "deliver.paused",
                channel=item.channel if channel else "(every channel)",
                error=error,
                fix=fix,
                waiting=waiting,
            )

    def _retry(self, item: Pending, when: datetime, why: str, count: bool = True) -> None:
        with self.db.transaction() as session:
            outbox.mark_retry(session, item.id, when, why, count_attempt=count)

    def _thread_of(self, item: Pending) -> tuple[str | None, str | None] | None:
        """The alert's (channel, ts) to reply to, or None when the follow-up must wait/fail."""
        with self.db.transaction() as session:
            parent = outbox.get(session, item.parent_id)
            if parent is None or parent.status == "failed":
                outbox.mark_failed(session, item.id, "its alert was not delivered")
                return None
            if parent.status in ("held", "summarized", "dropped"):
                # No thread to reply in: the report shows in the summary's story and the digest.
                outbox.mark_summarized(session, [item.id])
                return None
            if parent.status != "sent":
                outbox.mark_retry(
                    session,
                    item.id,
                    # not before its alert's own next try: a Slack outage must not
                    # fill every claim with follow-ups that can only wait
                    max(self.now() + timedelta(seconds=2), parent.next_attempt_at),
                    "waiting for its alert",
                    False,
                )
                return None
            return parent.sent_channel, parent.sent_ts

    def _throttled(self, item: Pending) -> datetime | None:
        """When `max_per_hour` alerts of this theme already went to this channel: until when."""
        if not self.max_per_hour:
            return None
        since = self.now() - THROTTLE_WINDOW
        with self.db.transaction() as session:
            count, oldest = outbox.alerts_sent_since(session, item.theme_id, item.channel, since)
        if count < self.max_per_hour or oldest is None:
            return None
        return oldest + THROTTLE_WINDOW

    def _summarize_held(self) -> None:
        """At the end of a throttle window, the held alerts become one summary message."""
        now = self.now()
        with self.db.transaction() as session:
            groups: dict[tuple[str | None, str], list[Pending]] = {}
            for row in map(Pending.of, outbox.held_due(session, now)):
                groups.setdefault((row.theme_id, row.channel), []).append(row)
            for (theme_id, channel), rows in groups.items():
                first = AlertMessage.from_dict(rows[0].payload)
                summary = AlertMessage(
                    kind="summary",
                    channel=channel,
                    theme_id=theme_id or "",
                    theme_name=first.theme_name,
                    priority=first.priority,
                    timezone=first.timezone,
                    more=tuple(
                        (str(r.payload.get("title", "")), str(r.payload.get("link", "")))
                        for r in rows[:SUMMARY_HEADLINES]
                    ),
                    more_count=len(rows),
                )
                outbox.enqueue(
                    session,
                    now,
                    dedup_key=f"summary:{theme_id}:{channel}:{rows[0].id}",
                    kind="summary",
                    theme_id=theme_id,
                    channel=channel,
                    payload=summary.to_dict(),
                )
                outbox.mark_summarized(session, [r.id for r in rows])
