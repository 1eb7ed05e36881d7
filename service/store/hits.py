"""Repository functions for hits: a theme matched an article (unique per article and theme)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from service.store.dialect import upsert
from service.store.models import HitRow


def upsert_hits(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert hits; a hit that exists keeps its row and takes the new spans (an edit may
    move the matched terms)."""
    if not rows:
        return
    stmt = upsert(session, HitRow)
    session.connection().execute(
        stmt.on_conflict_do_update(
            index_elements=["article_id", "theme_id"], set_={"spans": stmt.excluded.spans}
        ),
        rows,
    )


def mark_alerted(session: Session, pairs: list[tuple[int, str]]) -> None:
    """Flag the hits of these (article id, theme id) pairs as alerted."""
    if not pairs:
        return
    session.connection().execute(
        update(HitRow)
        .where(HitRow.article_id == bindparam("a"), HitRow.theme_id == bindparam("t"))
        .values(alerted=True),
        [{"a": article, "t": theme} for article, theme in pairs],
    )
