"""Is the service healthy? 200 only when it is doing its job; otherwise 503 and the reasons,
each with what to look at, so Docker's HEALTHCHECK and an operator see the same truth.

Unhealthy when: no source fetched successfully for UNHEALTHY_INTERVALS polling intervals,
Slack delivery is paused or keeps failing, the last config edit was rejected, a digest is
overdue, or the database cannot be used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.config import Config
from service.digest.schedule import due_period, scheduled_instant
from service.store import Database, outbox_admin, pauses, plain
from service.store import health as facts
from service.store.failures import describe
from service.store.migrate import current_revision

UNHEALTHY_INTERVALS = 3  # polling intervals without any successful fetch
FAILING_ATTEMPTS = 3  # a queued message retried this often means delivery is failing
DIGEST_GRACE = timedelta(minutes=30)  # a digest this late is overdue


@dataclass
class Health:
    reasons: list[str] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)
    deliveries: dict[str, int] = field(default_factory=dict)
    paused: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


def check(db: Database, config: Config, head: str, now: datetime, started: datetime) -> Health:
    """The service's health now; never raises (a database failure is a reason)."""
    health = Health()
    try:
        revision = current_revision(db)
        if revision != head:
            state = "has no Wirewatch schema" if revision is None else "has an old schema"
            health.reasons.append(f"the database {state}: run `wirewatch db upgrade`")
            return health
        with db.transaction() as session:
            sources = facts.sources(session)
            health.sources = dict(Counter(s.status for s in sources))
            health.deliveries = outbox_admin.status_counts(session)
            _sources(health, [s for s in sources if s.status != "disabled"], now, started)
            _delivery(health, session)
            _config(health, session)
            _digests(health, session, config, now, started)
    except Exception as exc:  # whatever the database says, health answers
        health.reasons.append(describe(exc, db.url) or f"database: {type(exc).__name__}: {exc}")
    return health


def _sources(
    health: Health, rows: list[facts.SourceHealth], now: datetime, started: datetime
) -> None:
    if not rows:
        return
    longest = max(timedelta(seconds=r.interval_seconds) for r in rows) * UNHEALTHY_INTERVALS
    recent = [r for r in rows if r.last_success and now - r.last_success <= longest]
    if recent or now - started <= longest:
        return
    failing = [r for r in rows if r.status == "error"]
    example = f" (e.g. {failing[0].name}: {failing[0].last_error})" if failing else ""
    health.reasons.append(
        f"no source fetched successfully for {_span(longest)}: {len(failing)} of {len(rows)} "
        f"failing{example}; see `wirewatch sources`"
    )


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min" if seconds < 7200 else f"{seconds // 3600} h"


def _delivery(health: Health, session: Session) -> None:
    for pause in pauses.active(session):
        where = pause.channel or "every channel"
        health.paused.append({"channel": where, "error": pause.error, "what_to_do": pause.message})
        health.reasons.append(f"Slack delivery paused for {where}: {pause.message}")
    retried, error = facts.retried_deliveries(session, FAILING_ATTEMPTS)
    if retried:
        health.reasons.append(f"Slack delivery failing: {retried} messages retried ({error})")


def _config(health: Health, session: Session) -> None:
    rejected = plain.rejected_edit(plain.on_session(session))
    if rejected is not None:
        first = (rejected.error or "").splitlines()[0] if rejected.error else ""
        health.reasons.append(
            f"the last edit of {rejected.path} was rejected (the previous config runs): {first}"
        )


def _digests(
    health: Health, session: Session, config: Config, now: datetime, started: datetime
) -> None:
    for digest in config.digests:
        tz = digest.timezone or config.timezone
        period = due_period(now, digest.at, tz)
        due = scheduled_instant(period, digest.at, tz)
        if due < started or now - due < DIGEST_GRACE:
            continue  # due before this run began (caught up at start), or not late yet
        if not facts.digest_done(session, digest.name, period.isoformat()):
            late = int((now - due).total_seconds() // 60)
            health.reasons.append(f"digest {digest.name} is {late} min overdue")
