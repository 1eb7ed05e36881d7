"""Repository functions for digests: what a period's digest holds, and the durable
digest_runs rows that make each digest go out once per schedule."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.store.dialect import upsert
from service.store.models import ArticleRow, DigestRunRow, HitRow, SourceRow, StoryRow


def hits_in_period(
    session: Session, theme_ids: list[str], start: datetime, end: datetime
) -> list[tuple[HitRow, ArticleRow, str]]:
    """(hit, article, source name) of the hits found in [start, end), oldest first; articles
    stored silently (backfill) are left out."""
    rows = session.execute(
        select(HitRow, ArticleRow, SourceRow.name)
        .join(ArticleRow, ArticleRow.id == HitRow.article_id)
        .join(SourceRow, SourceRow.id == ArticleRow.source_id)
        .where(
            HitRow.theme_id.in_(theme_ids),
            HitRow.created_at >= start,
            HitRow.created_at < end,
            ArticleRow.silent.is_(False),
        )
        .order_by(HitRow.created_at, HitRow.id)
    ).all()
    return [(hit, article, source) for hit, article, source in rows]


def reports_of_stories(
    session: Session, story_ids: set[int], end: datetime
) -> dict[int, list[tuple[int, str, str, str]]]:
    """Each story's reports found before `end`, first found first: (article id, outlet,
    headline, link)."""
    if not story_ids:
        return {}
    rows = session.execute(
        select(
            ArticleRow.story_id, ArticleRow.id, SourceRow.name, ArticleRow.title, ArticleRow.link
        )
        .join(SourceRow, SourceRow.id == ArticleRow.source_id)
        .where(ArticleRow.story_id.in_(story_ids), ArticleRow.first_seen < end)
        .order_by(ArticleRow.first_seen, ArticleRow.id)
    ).all()
    out: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    for story_id, article_id, name, title, link in rows:
        if story_id is not None:
            out[story_id].append((article_id, name, title, link))
    return dict(out)


def stories_by_id(session: Session, story_ids: set[int]) -> dict[int, StoryRow]:
    return {s.id: s for s in session.scalars(select(StoryRow).where(StoryRow.id.in_(story_ids)))}


def hit_times(
    session: Session, theme_ids: list[str], start: datetime, end: datetime
) -> list[tuple[str, int | None, datetime]]:
    """(theme, story, found at) of every hit found in [start, end)."""
    rows = session.execute(
        select(HitRow.theme_id, HitRow.story_id, HitRow.created_at).where(
            HitRow.theme_id.in_(theme_ids), HitRow.created_at >= start, HitRow.created_at < end
        )
    ).all()
    return [(theme, story, created) for theme, story, created in rows]


# digest_runs: one row per (digest, period), claimed before anything is sent.


def create_run(session: Session, values: dict[str, Any]) -> None:
    """Insert the run of a (name, period) unless it exists."""
    session.execute(upsert(session, DigestRunRow).values(**values).on_conflict_do_nothing())


def claim_run(
    session: Session, name: str, period: str, worker: str, now: datetime, lease: timedelta
) -> int | None:
    """Take the run if it is due (or its sender's lease ran out); its id, else None."""
    claimable = ((DigestRunRow.status == "pending") & (DigestRunRow.next_attempt_at <= now)) | (
        (DigestRunRow.status == "sending") & (DigestRunRow.claimed_until < now)
    )
    result = session.execute(
        update(DigestRunRow)
        .where(DigestRunRow.name == name, DigestRunRow.period == period, claimable)
        .values(status="sending", claimed_by=worker, claimed_until=now + lease)
        .returning(DigestRunRow.id)
    )
    return result.scalar_one_or_none()


def renew_runs(
    session: Session, run_ids: list[int], worker: str, now: datetime, lease: timedelta
) -> None:
    """Extend this worker's claims on digest runs it is still sending."""
    if run_ids:
        session.execute(
            update(DigestRunRow)
            .where(
                DigestRunRow.id.in_(run_ids),
                DigestRunRow.claimed_by == worker,
                DigestRunRow.status == "sending",
            )
            .values(claimed_until=now + lease)
        )


def last_period_end(session: Session, name: str, before: datetime) -> datetime | None:
    """Where the last sent (or skipped) digest of this name ended, before `before`."""
    return session.scalar(
        select(func.max(DigestRunRow.period_end)).where(
            DigestRunRow.name == name,
            DigestRunRow.status.in_(["sent", "skipped"]),
            DigestRunRow.period_end < before,
        )
    )


def due_retries(
    session: Session, names: list[str], now: datetime
) -> list[tuple[str, str, datetime]]:
    """(name, period, period end) of runs that failed for a while and are due again."""
    rows = session.execute(
        select(DigestRunRow.name, DigestRunRow.period, DigestRunRow.period_end).where(
            DigestRunRow.status == "pending",
            DigestRunRow.next_attempt_at <= now,
            DigestRunRow.name.in_(names),
        )
    ).all()
    return [(name, period, end) for name, period, end in rows]


def get_run(session: Session, run_id: int) -> DigestRunRow | None:
    return session.get(DigestRunRow, run_id)


def update_run(session: Session, run_id: int, **values: Any) -> None:
    session.execute(update(DigestRunRow).where(DigestRunRow.id == run_id).values(**values))


def finish_run(
    session: Session, run_id: int, status: str, now: datetime, stories: int, error: str | None
) -> None:
    update_run(
        session,
        run_id,
        status=status,
        stories=stories,
        sent_at=now,
        last_error=error,
        claimed_by=None,
        claimed_until=None,
        attempts=DigestRunRow.attempts + 1,
    )
