"""When each theme went live, so that a theme added by a config edit starts quietly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.dialect import insert_ignore
from service.store.models import ThemeStateRow


def record_live(
    session: Session, themes: Iterable[tuple[str, str]], now: datetime
) -> dict[str, datetime]:
    """Record the (theme id, query) pairs of a config going live (a new theme is live from
    `now`; a changed query is noted) and return when every known theme went live."""
    themes = list(themes)
    known = set(session.scalars(select(ThemeStateRow.theme_id)))
    new = [
        {"theme_id": theme_id, "query": query, "added_at": now, "changed_at": now}
        for theme_id, query in dict(themes).items()
        if theme_id not in known
    ]
    # Workers starting together record the same new themes: the first insert wins.
    insert_ignore(session, ThemeStateRow, new)
    query_all = select(ThemeStateRow).execution_options(populate_existing=True)
    rows = {r.theme_id: r for r in session.scalars(query_all)}
    for theme_id, query in themes:
        row = rows[theme_id]
        if row.query != query:
            row.query, row.changed_at = query, now
    return {theme_id: row.added_at for theme_id, row in rows.items()}
