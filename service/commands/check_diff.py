"""`wirewatch check --diff`: what an edit would change, before it goes live.

Compares the edited file with the config the service is running (recorded in the
database) and backtests the old and the new rule of every changed theme over the last
days of stored articles: the stories that would enter and leave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from service.alerts.backtest import BacktestResult, backtest_many
from service.alerts.themes import RuleSet
from service.clock import local_time
from service.config import Config
from service.desk.agreement import edit_effect
from service.desk.workbench import compiled_or_none
from service.rules import CompiledQuery
from service.store import Database, configs, plain
from service.store.migrate import current_revision
from service.worker.reload import rules_of

SHOWN = 10


@dataclass(frozen=True)
class ThemeDiff:
    theme_id: str
    kind: str  # added | removed | changed
    entering: list[tuple[int, str]]
    leaving: list[tuple[int, str]]
    marks: str | None = None  # what the edit does to stories the desk marked


def _stories(result: BacktestResult | None) -> dict[int, str]:
    out: dict[int, str] = {}
    for m in result.matches if result is not None else ():
        out.setdefault(m.story or -m.article_id, m.title)
    return out


def theme_diffs(
    config: Config, rules: RuleSet, db: Database, days: int
) -> tuple[str | None, list[ThemeDiff]]:
    """(when the running config went live, the diff of every added/changed/removed theme)."""
    with db.transaction() as session:
        running = configs.latest(session)
        if running is None:
            return None, []
        old = running.rules
        changes = configs.theme_changes(old, rules_of(config))
        old_queries = {t["id"]: t["query"] for t in old.get("themes", [])}
        new_queries = {t.id: t.query for t in rules.themes.values()}
        since = datetime.now(UTC) - timedelta(days=days)
        changed = [(kind, theme_id) for kind in ("added", "changed", "removed")
                   for theme_id in changes[kind]]  # fmt: skip
        # Every old and new rule over the window in one pass over the stored articles.
        rules_run: dict[str, CompiledQuery] = {}
        for _, theme_id in changed:
            for side, query, aliases in (
                ("before", old_queries.get(theme_id), old.get("aliases", {})),
                ("after", new_queries.get(theme_id), config.aliases),
            ):
                compiled = compiled_or_none(query, aliases)
                if compiled is not None:
                    rules_run[f"{side}:{theme_id}"] = compiled
        reader = plain.on_session(session)
        results = backtest_many(reader, rules_run, since, config.timezone) if rules_run else {}
        diffs = []
        for kind, theme_id in changed:
            before = _stories(results.get(f"before:{theme_id}"))
            after = _stories(results.get(f"after:{theme_id}"))
            entering = [(k, t) for k, t in after.items() if k not in before]
            leaving = [(k, t) for k, t in before.items() if k not in after]
            marked = plain.marks_of_theme(reader, theme_id, since)
            effect = edit_effect(set(before), set(after), marked) if marked else None
            diffs.append(ThemeDiff(theme_id, kind, entering, leaving, effect))
        return local_time(running.applied_at, config.timezone), diffs


def print_diff(config: Config, rules: RuleSet, days: int) -> int:
    db = Database(config.database)
    try:
        if current_revision(db) is None:
            print("no database yet: nothing is running to compare with")
            return 0
        since, diffs = theme_diffs(config, rules, db, days)
    finally:
        db.dispose()
    if since is None:
        print("no running config recorded yet: start `wirewatch run` once")
        return 0
    if not diffs:
        print(f"no theme changes against the running config (live since {since})")
        return 0
    print(f"against the running config (live since {since}), over the last {days} days:")
    for d in diffs:
        print(f"\n{d.theme_id} ({d.kind}): +{len(d.entering)} stories, −{len(d.leaving)} stories")
        if d.marks:
            print(f"  marks: {d.marks}")
        for _, title in d.entering[:SHOWN]:
            print(f"  + {title}")
        if len(d.entering) > SHOWN:
            print(f"  + … and {len(d.entering) - SHOWN} more")
        for _, title in d.leaving[:SHOWN]:
            print(f"  − {title}")
        if len(d.leaving) > SHOWN:
            print(f"  − … and {len(d.leaving) - SHOWN} more")
    return 0
