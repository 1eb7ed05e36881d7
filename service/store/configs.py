"""The history of applied (and rejected) configs: which one is live, and since when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import ConfigVersionRow


def latest(session: Session, status: str = "applied") -> ConfigVersionRow | None:
    return session.scalar(
        select(ConfigVersionRow)
        .where(ConfigVersionRow.status == status)
        .order_by(ConfigVersionRow.id.desc())
        .limit(1)
    )


def theme_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, list[str]]:
    before = {t["id"]: t["query"] for t in (old or {}).get("themes", [])}
    after = {t["id"]: t["query"] for t in new.get("themes", [])}
    aliases_changed = (old or {}).get("aliases") != new.get("aliases")
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(
            t for t in set(after) & set(before) if after[t] != before[t] or aliases_changed
        ),
    }


def record(
    session: Session,
    sha256: str,
    path: str,
    rules: dict[str, Any],
    now: datetime,
    status: str = "applied",
    error: str | None = None,
) -> ConfigVersionRow | None:
    """Record a config unless it is the one already recorded last with that status."""
    last = latest(session, status)
    if last is not None and last.sha256 == sha256:
        return None
    previous = latest(session, "applied")
    row = ConfigVersionRow(
        sha256=sha256,
        applied_at=now,
        path=path,
        rules=rules,
        changes=theme_changes(previous.rules if previous else None, rules),
        status=status,
        error=error,
    )
    session.add(row)
    session.flush()
    return row
