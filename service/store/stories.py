"""Which story a new article joins: exact keys first, then near-duplicate text via LSH
bands. Both are indexed lookups, so the cost does not grow with the number of stories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service import dedup
from service.store.models import ArticleRow, StoryBandRow, StoryKeyRow, StoryRow


@dataclass(frozen=True)
class Grouping:
    threshold: float = dedup.DEFAULT_THRESHOLD
    window: timedelta = dedup.DEFAULT_WINDOW


def exact_keys(row: ArticleRow) -> list[str]:
    keys = ["url:" + dedup.story_url_key(row.link)]
    if row.guid and _global_guid(row.guid):
        keys.append("guid:" + row.guid.strip()[:500])
    return keys


def _global_guid(guid: str) -> bool:
    # Short or numeric guids ("12345") repeat across outlets; URLs and UUIDs do not.
    guid = guid.strip()
    return len(guid) >= 16 and not guid.isdigit()


def assign_story(session: Session, row: ArticleRow, grouping: Grouping) -> tuple[int, bool]:
    """Put the article in a story: (story_id, is_new_story)."""
    keys = exact_keys(row)
    signature = dedup.text_signature(row.title, row.summary)
    row.signature = dedup.signature_to_bytes(signature)
    bands = dedup.lsh_keys(signature)
    story_id = _by_exact_key(session, keys)
    if story_id is None:
        story_id = _by_text(session, signature, bands, row.published, row.source_id, grouping)
    is_new = story_id is None
    if story_id is None:
        story = StoryRow(
            title=row.title, link=row.link, first_seen=row.first_seen, published=row.published
        )
        session.add(story)
        session.flush()
        story_id = story.id
    row.story_id = story_id
    session.flush()
    _insert_ignore(session, StoryKeyRow, [{"key": k[:512], "story_id": story_id} for k in keys])
    _insert_ignore(
        session,
        StoryBandRow,
        [
            {"band": b, "story_id": story_id, "article_id": row.id, "published": row.published}
            for b in bands
        ],
    )
    return story_id, is_new


def _by_exact_key(session: Session, keys: list[str]) -> int | None:
    return session.scalar(select(StoryKeyRow.story_id).where(StoryKeyRow.key.in_(keys)).limit(1))


def _by_text(
    session: Session,
    signature: dedup.TextSignature,
    bands: list[str],
    published: datetime,
    source_id: int,
    grouping: Grouping,
) -> int | None:
    if not bands:
        return None
    rows = session.execute(
        select(StoryBandRow.story_id, ArticleRow.signature, ArticleRow.published)
        .join(ArticleRow, ArticleRow.id == StoryBandRow.article_id)
        .where(
            # Near-duplicate text within one outlet is its own boilerplate ("Statement by
            # the Press Secretary on ..."), not the same story: those share a guid or URL.
            ArticleRow.source_id != source_id,
            StoryBandRow.band.in_(bands),
            StoryBandRow.published >= published - grouping.window,
            StoryBandRow.published <= published + grouping.window,
        )
        .distinct()
    )
    candidates = [
        dedup.Candidate(story_id, dedup.signature_from_bytes(sig), when)
        for story_id, sig, when in rows
        if sig is not None
    ]
    return dedup.choose_story(signature, published, candidates, grouping.threshold, grouping.window)


def _insert_ignore(session: Session, table: type, values: list[dict[str, object]]) -> None:
    if not values:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # Parameters as a list (executemany): one compiled statement, whatever the row count.
    session.execute(insert(table).on_conflict_do_nothing(), values)
