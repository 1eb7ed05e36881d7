"""Repository functions for the desk's marks: one judgement per story and theme."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.dialect import upsert
from service.store.models import MarkRow

MARKS = ("relevant", "not_relevant", "missed")


def set_mark(session: Session, story_id: int, theme_id: str, mark: str, now: datetime) -> None:
    """Store the mark; a story already marked for this theme takes the new one."""
    stmt = upsert(session, MarkRow).values(
        story_id=story_id, theme_id=theme_id, mark=mark, marked_at=now
    )
    session.connection().execute(
        stmt.on_conflict_do_update(
            index_elements=["story_id", "theme_id"],
            set_={"mark": stmt.excluded.mark, "marked_at": stmt.excluded.marked_at},
        )
    )


def of_stories(session: Session, story_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """story id -> {theme id: mark}."""
    ids = sorted(set(story_ids))
    out: dict[int, dict[str, str]] = {}
    if not ids:
        return out
    query = select(MarkRow.story_id, MarkRow.theme_id, MarkRow.mark).where(
        MarkRow.story_id.in_(ids)
    )
    for story, theme, mark in session.connection().execute(query):
        out.setdefault(story, {})[theme] = mark
    return out
