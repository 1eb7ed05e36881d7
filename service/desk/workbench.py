"""The rule workbench: a query tried against stored history before anyone edits
config.yaml. `check --diff` and `backtest` for the browser, in one call: the articles it
matches, the stories it would add to or drop from a theme, and how it agrees with the
desk's marks. It never writes the config."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy.orm import Session

from service.alerts.backtest import BacktestMatch, backtest_many
from service.clock import iso
from service.desk.agreement import Agreement, agreement, edit_effect
from service.rules import Aliases, CompiledQuery, WRLError, compile_query
from service.store import plain


@dataclass(frozen=True)
class QueryError:
    code: str
    position: int
    message: str
    alias: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "position": self.position, "message": self.message}


@dataclass
class Tried:
    query: str
    theme: str | None
    since: datetime
    error: QueryError | None = None
    warnings: list[str] = field(default_factory=list)
    scanned: int = 0
    matches: list[BacktestMatch] = field(default_factory=list)  # newest first
    added: list[int] = field(default_factory=list)  # stories the theme's rule does not match
    removed: list[int] = field(default_factory=list)  # stories only the theme's rule matches
    titles: dict[int, str] = field(default_factory=dict)  # story -> a headline
    marks: Agreement | None = None
    marked: int = 0  # stories in the period marked for the theme
    current_marks: Agreement | None = None
    effect: str | None = None

    @property
    def stories(self) -> list[int]:
        return list(dict.fromkeys(m.story for m in self.matches if m.story is not None))

    def yaml_snippet(self) -> str:
        """What to paste under the theme in config.yaml (quoted the way YAML needs)."""
        text = yaml.safe_dump({"query": self.query}, allow_unicode=True, width=10_000)
        return text.rstrip("\n")

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "theme": self.theme,
            "since": iso(self.since),
            "error": self.error.to_json() if self.error else None,
            "scanned": self.scanned,
            "matches": [
                {
                    "story": m.story,
                    "title": m.title,
                    "link": m.link,
                    "source": m.source,
                    "published": iso(m.published),
                    "spans": [
                        {"field": s.field, "start": s.start, "end": s.end, "text": s.text}
                        for s in m.spans
                    ],
                }
                for m in self.matches
            ],
            "diff": None
            if self.theme is None or self.error
            else {"added": self.added, "removed": self.removed},
            "marks": self.marks.to_json() if self.marks else None,
            "effect": self.effect,
        }


def compiled_or_none(query: str | None, aliases: Aliases) -> CompiledQuery | None:
    """The rule compiled, or None for one that does not compile (an old rule may use an
    alias an edit removed): it matches no story."""
    if query is None:
        return None
    try:
        return compile_query(query, aliases)
    except WRLError:
        return None


def try_query(
    session: Session,
    query: str,
    aliases: Aliases,
    since: datetime,
    timezone: str,
    theme: tuple[str, str] | None = None,
) -> Tried:
    """`theme`: (id, its current query) to compare with; its marks judge both rules."""
    tried = Tried(query, theme[0] if theme else None, since)
    try:
        compiled = compile_query(query, aliases)
    except WRLError as exc:
        tried.error = QueryError(exc.code, exc.position, exc.message, exc.alias)
        return tried
    tried.warnings = list(compiled.warnings)
    rules = {"query": compiled}
    # The running rule compiled when it went live; an alias edit since may have broken it.
    current_query = compiled_or_none(theme[1], aliases) if theme is not None else None
    if current_query is not None:
        rules["current"] = current_query
    reader = plain.on_session(session)
    results = backtest_many(reader, rules, since, timezone)
    tried.scanned = results["query"].scanned
    tried.matches = list(reversed(results["query"].matches))
    for m in tried.matches:
        if m.story is not None:
            tried.titles.setdefault(m.story, m.title)
    if theme is None:
        return tried
    current: set[int] = set()
    for m in results["current"].matches if current_query is not None else ():
        if m.story is not None:
            current.add(m.story)
            tried.titles.setdefault(m.story, m.title)
    mine = set(tried.stories)
    tried.added = [s for s in tried.stories if s not in current]
    tried.removed = sorted(current - mine, reverse=True)
    marks = plain.marks_of_theme(reader, theme[0], since)
    tried.marked = len(marks)
    tried.marks = agreement(mine, marks)
    tried.current_marks = agreement(current, marks)
    tried.effect = edit_effect(current, mine, marks)
    return tried
