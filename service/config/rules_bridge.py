"""Compile every theme's WRL query at load, so one bad query rejects the whole file.

service.rules is imported lazily: the config loader works (without query checks)
in a tree where the rules compiler does not exist yet.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from .models import Config
from .problems import Problem

LineOf = Callable[[str], int | None]


def _compile_rules(
    config: Config, line_of: LineOf, compiled: dict[str, Any] | None = None
) -> list[Problem]:
    """Problems for bad aliases and queries; compiled queries go into `compiled` by theme id."""
    api = _rules_api()
    if api is None:
        return []
    WRLError, compile_query, validate_aliases = api  # noqa: N806 (a class, by its own name)
    file = str(config.path or "config.yaml")
    aliases = dict(config.aliases)
    problems = []
    for error in _alias_errors(validate_aliases, WRLError, aliases):
        alias = getattr(error, "alias", None)
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
    api = _rules_api()
    aliases = data.get("aliases") or {}
    themes = data.get("themes") or []
    if api is None or not isinstance(aliases, dict) or not isinstance(themes, list):
        return []
    WRLError, compile_query, _ = api  # noqa: N806
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


def _rules_api() -> tuple[type[Exception], Callable[..., Any], Callable[..., Any]] | None:
    """(WRLError, compile_query, validate_aliases), or None while service.rules lacks them."""
    try:
        rules = importlib.import_module("service.rules")
        return rules.WRLError, rules.compile_query, rules.validate_aliases
    except (ImportError, AttributeError):
        return None


def _alias_errors(
    validate: Callable[..., Any], error_type: type[Exception], aliases: dict
) -> list[Any]:
    """validate_aliases may return its errors or raise the first one: accept both."""
    try:
        result = validate(aliases)
    except error_type as error:
        return [error]
    if isinstance(result, list | tuple):
        return [e for e in result if isinstance(e, error_type)]
    return []


def _problem(
    file: str, line: int | None, path: str, error: Any, query: str | None, aliases: dict
) -> Problem:
    """`query` is the theme's query (positions point into it, even for errors inside an
    alias, whose name the compiler's message gives); None for an alias definition."""
    code = getattr(error, "code", None)
    message = str(getattr(error, "message", None) or error)
    position = getattr(error, "position", None)
    alias = getattr(error, "alias", None)
    text = query if query is not None else aliases.get(alias) if alias else None
    if isinstance(text, str) and isinstance(position, int):
        message += "\n" + caret(text, position)
    return Problem(file, line, None, path, message, getattr(error, "hint", None), code)


def caret(query: str, position: int, indent: str = "    ") -> str:
    """The query line holding `position`, with a ^ under that character."""
    position = max(0, min(position, len(query)))
    start = query.rfind("\n", 0, position) + 1
    end = query.find("\n", position)
    line = query[start : end if end != -1 else len(query)]
    return f"{indent}{line}\n{indent}{' ' * (position - start)}^"
