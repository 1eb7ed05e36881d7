"""Compile every theme's WRL query at load, so one bad query rejects the whole file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.rules import WRLError, compile_query, validate_aliases

from .models import Config
from .problems import Problem

LineOf = Callable[[str], int | None]


def _compile_rules(
    config: Config, line_of: LineOf, compiled: dict[str, Any] | None = None
) -> list[Problem]:
    """Problems for bad aliases and queries; compiled queries go into `compiled` by theme id."""
    file = str(config.path or "config.yaml")
    aliases = dict(config.aliases)
    problems = []
    for error in _alias_errors(aliases):
        alias = error.alias
        path = f"aliases.{alias}" if alias in aliases else "aliases"
        problems.append(_problem(file, line_of(path), path, error, None, aliases))
    for index, theme in enumerate(config.themes):
        path = f"themes[{index}].query"
        try:
            result = compile_query(theme.query, aliases)
        except WRLError as error:
            problems.append(_problem(file, line_of(path), path, error, theme.query, aliases))
            continue
        if compiled is not None:
            compiled[theme.id] = result
    return problems


def raw_rule_problems(data: dict[str, Any], file: str, line_of: LineOf) -> list[Problem]:
    """WRL problems of a file whose other sections failed validation, so that `check`
    still lists every problem at once (only themes whose query is a string are compiled)."""
    aliases = data.get("aliases") or {}
    themes = data.get("themes") or []
    if not isinstance(aliases, dict) or not isinstance(themes, list):
        return []
    problems = []
    for index, theme in enumerate(themes):
        query = theme.get("query") if isinstance(theme, dict) else None
        if not isinstance(query, str):
            continue
        path = f"themes[{index}].query"
        try:
            compile_query(query, aliases)
        except WRLError as error:
            problems.append(_problem(file, line_of(path), path, error, query, aliases))
        except Exception:  # malformed aliases: reported by the validation already
            continue
    return problems


def _alias_errors(aliases: dict[str, Any]) -> list[WRLError]:
    """The first problem of the alias definitions themselves, if any."""
    try:
        validate_aliases(aliases)
    except WRLError as error:
        return [error]
    return []


def _problem(
    file: str,
    line: int | None,
    path: str,
    error: WRLError,
    query: str | None,
    aliases: dict[str, Any],
) -> Problem:
    """`query` is the theme's query (positions point into it, even for errors inside an
    alias, whose name the compiler's message gives); None for an alias definition."""
    message = error.message or str(error)
    text = query if query is not None else aliases.get(error.alias) if error.alias else None
    if isinstance(text, str):
        message += "\n" + caret(text, error.position)
    return Problem(file, line, None, path, message, None, error.code)


def caret(query: str, position: int, indent: str = "    ") -> str:
    """The query line holding `position`, with a ^ under that character."""
    position = max(0, min(position, len(query)))
    start = query.rfind("\n", 0, position) + 1
    end = query.find("\n", position)
    line = query[start : end if end != -1 else len(query)]
    return f"{indent}{line}\n{indent}{' ' * (position - start)}^"
