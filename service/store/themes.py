"""When each theme went live, so that a theme added by a config edit starts quietly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import ThemeStateRow


def record_live(
    session: Session, themes: Iterable[tuple[str, str]], now: datetime
) -> dict[str, datetime]:
    """Record the (theme id, query) pairs of a config going live (a new theme is live from
    `now`; a changed query is noted) and return when every known theme went live."""
    rows = {r.theme_id: r for r in session.scalars(select(ThemeStateRow))}
    for theme_id, query in themes:
        row = rows.get(theme_id)
        if row is None:
            row = ThemeStateRow(theme_id=theme_id, query=query, added_at=now, changed_at=now)
            session.add(row)
            rows[theme_id] = row
        elif row.query != query:
            row.query, row.changed_at = query, now
    return {theme_id: row.added_at for theme_id, row in rows.items()}
