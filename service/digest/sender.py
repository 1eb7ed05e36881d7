"""send_due_digests_once(): claim a durable (digest, period) row, build, send, record.

The unique (name, period) row is claimed with a conditional UPDATE before anything is
sent, so restarts, overlapping runs and second workers send each digest once; a digest
whose time passed while the service was down is sent when it comes back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from service import logs
from service.alerts.themes import ThemeInfo
from service.config import Config
from service.config.models import Digest as DigestConfig
from service.digest.build import is_empty
from service.digest.collect import build_digest, find_digest, period_start, preview_digest
from service.digest.mailer import MailError, SmtpSettings, send_message, write_to_outbox
from service.digest.model import Digest
from service.digest.render import build_message, render_html
from service.digest.schedule import due_period, scheduled_instant
from service.store import digest_runs
from service.store.plain import Reader

CLAIM_LEASE = timedelta(seconds=30)  # renewed while sending (renew_claims)
MAX_BACKOFF = timedelta(hours=1)
OUTBOX_DIR = Path("outbox")
# One transaction on the database, committed when the block ends: a session's in the
# worker, the driver's own connection in `wirewatch digest --send`.
Transaction = Callable[[], AbstractContextManager[Reader]]


@dataclass(frozen=True)
class Outcome:
    name: str
    period: str
    status: str  # sent | skipped | retry | failed
    stories: int = 0
    where: str = ""
    error: str | None = None


def smtp_settings(config: Config) -> SmtpSettings | None:
    e = config.email
    if e is None:
        return None
    return SmtpSettings(
        host=e.host,
        port=e.port,
        security=e.security,
        username=e.username,
        password=e.password.get_secret_value() if e.password else None,
        timeout=e.timeout.total_seconds(),
        verify=e.verify,
    )


class DigestSender:
    """Sends the digests of the config that is live now: `config` and `themes` are asked
    again at every use, so a reloaded config takes effect at the next digest."""

    def __init__(
        self,
        transaction: Transaction,
        now: Callable[[], datetime],
        config: Callable[[], Config],
        themes: Callable[[], Mapping[str, ThemeInfo]],
        worker: str = "digest",
        outbox_dir: Path = OUTBOX_DIR,
    ) -> None:
        self.transaction, self.now, self.config, self.themes = transaction, now, config, themes
        self.worker, self.outbox_dir = worker, outbox_dir
        self.sending: set[int] = set()  # runs this worker has claimed and not finished

    def renew_claims(self) -> None:
        """Keep the claims on digests being sent alive (a dead worker's run out quickly)."""
        if self.sending:
            with self.transaction() as reader:
                digest_runs.renew_runs(
                    reader, sorted(self.sending), self.worker, self.now(), CLAIM_LEASE
                )

    async def send_due_once(self) -> list[Outcome]:
        """Send every digest whose scheduled time has come and that was not sent yet."""
        now = self.now()
        outcomes = []
        for digest in self.config().digests:
            tz = digest.timezone or self.config().timezone
            period = due_period(now, digest.at, tz)
            instant = scheduled_instant(period, digest.at, tz)
            if not self._catch_up_allowed(instant):
                continue
            claimed = self._claim(digest.name, period.isoformat(), instant, now)
            if claimed is not None:
                outcomes.append(
                    await self._send(digest, claimed, period, send_empty=digest.send_empty)
                )
        return outcomes + await self._retry_pending(now)

    async def _retry_pending(self, now: datetime) -> list[Outcome]:
        """Earlier runs (a manual --send too) that failed for a while and are due again."""
        by_name = {d.name: d for d in self.config().digests}
        with self.transaction() as reader:
            due = digest_runs.due_retries(reader, list(by_name), now)
        outcomes = []
        for name, period, end in due:
            digest = by_name[name]
            claimed = self._claim(name, period, end, now)
            if claimed is not None:
                tz = digest.timezone or self.config().timezone
                day = end.astimezone(ZoneInfo(tz)).date()
                manual = period.startswith("manual-")
                outcomes.append(
                    await self._send(digest, claimed, day, send_empty=digest.send_empty or manual)
                )
        return outcomes

    async def send_now(self, name: str) -> Outcome:
        """`wirewatch digest --send`: a digest now, recorded like a scheduled one."""
        digest = self._digest(name)
        now = self.now()
        # To the microsecond: two sends within one second are two digests, not one taken twice.
        period = "manual-" + now.strftime("%Y%m%dT%H%M%S.%fZ")
        claimed = self._claim(digest.name, period, now, now)
        if claimed is None:
            return Outcome(digest.name, period, "failed", error="sent at this instant already")
        tz = digest.timezone or self.config().timezone
        return await self._send(
            digest, claimed, now.astimezone(ZoneInfo(tz)).date(), send_empty=True
        )

    def preview(self, name: str) -> tuple[Digest, str]:
        with self.transaction() as reader:
            built = preview_digest(reader, self.config(), self.themes(), name, self.now())
        return built, render_html(built)

    def _digest(self, name: str | None) -> DigestConfig:
        return find_digest(self.config(), name)

    def _catch_up_allowed(self, instant: datetime) -> bool:
        # A fresh install does not send yesterday's digest on its first start.
        with self.transaction() as reader:
            first = digest_runs.first_created(reader)
        return first is not None and instant >= first

    def _claim(self, name: str, period: str, end: datetime, now: datetime) -> int | None:
        with self.transaction() as reader:
            start = period_start(reader, name, end)
            digest_runs.create_run(reader, name, period, start, end, now)
            return digest_runs.claim_run(reader, name, period, self.worker, now, CLAIM_LEASE)

    async def _send(
        self, digest: DigestConfig, run_id: int, period: date, send_empty: bool
    ) -> Outcome:
        self.sending.add(run_id)
        try:
            return await self._send_claimed(digest, run_id, period, send_empty)
        finally:
            self.sending.discard(run_id)

    async def _send_claimed(
        self, digest: DigestConfig, run_id: int, period: date, send_empty: bool
    ) -> Outcome:
        with self.transaction() as reader:
            run = digest_runs.get_run(reader, run_id)
            assert run is not None
            built = build_digest(
                reader, self.config(), self.themes(), digest, period, run.period_start,
                run.period_end,
            )  # fmt: skip
            message_id, attempts, period_key = run.message_id, run.attempts, run.period
        stories = sum(len(t.stories) for t in built.themes)
        if is_empty(built) and not send_empty:
            self._finish(run_id, "skipped", stories=0)
            return Outcome(digest.name, period_key, "skipped")
        msg = build_message(built, self._sender(), digest.to, self.now(), message_id=message_id)
        self._remember_message_id(run_id, str(msg["Message-ID"]))
        try:
            where = await self._deliver(msg, built, f"{digest.name}-{period_key}")
        except MailError as exc:
            return self._failed(digest.name, period_key, run_id, attempts, exc)
        self._finish(run_id, "sent", stories=stories)
        logs.event("digest.sent", digest=digest.name, period=period_key, stories=stories, to=where)
        return Outcome(digest.name, period_key, "sent", stories, where)

    def _sender(self) -> str:
        email = self.config().email
        return email.from_ if email else "Wirewatch <wirewatch@localhost>"

    async def _deliver(self, msg: EmailMessage, built: Digest, stem: str) -> str:
        settings = smtp_settings(self.config())
        if settings is None:
            eml, _ = write_to_outbox(self.outbox_dir, msg, render_html(built), stem)
            return str(eml)
        await asyncio.to_thread(send_message, settings, msg)
        return f"{settings.host}:{settings.port}"

    def _failed(
        self, name: str, period: str, run_id: int, attempts: int, exc: MailError
    ) -> Outcome:
        if exc.permanent:
            self._finish(run_id, "failed", error=exc.message)
            logs.error("digest.failed", digest=name, period=period, error=exc.message)
            return Outcome(name, period, "failed", error=exc.message)
        wait = min(timedelta(minutes=1) * 2**attempts, MAX_BACKOFF)
        with self.transaction() as reader:
            digest_runs.update_run(
                reader,
                run_id,
                status="pending",
                attempts=attempts + 1,
                next_attempt_at=self.now() + wait,
                last_error=exc.message,
                claimed_by=None,
                claimed_until=None,
            )
        logs.warning("digest.retry", digest=name, period=period, error=exc.message)
        return Outcome(name, period, "retry", error=exc.message)

    def _remember_message_id(self, run_id: int, message_id: str) -> None:
        # The same Message-ID on every retry lets mail clients fold a rare duplicate.
        with self.transaction() as reader:
            digest_runs.update_run(reader, run_id, message_id=message_id)

    def _finish(self, run_id: int, status: str, stories: int = 0, error: str | None = None) -> None:
        with self.transaction() as reader:
            digest_runs.finish_run(reader, run_id, status, self.now(), stories, error)
