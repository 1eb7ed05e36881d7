"""Checks across entries: names that must be unique, references that must resolve.

They run on the parsed YAML data, not on the validated models, so they are
reported even when some other part of the file is invalid.
"""

from __future__ import annotations

import difflib
from typing import Any

from .problems import Problem
from .yamlsource import SourceMap, join_index, join_key


def cross_check(data: dict[str, Any], file: str, positions: SourceMap) -> list[Problem]:
    problems = _duplicates(data, "sources", "name", "source name", file, positions, fold=True)
    problems += _duplicates(data, "themes", "id", "theme id", file, positions)
    problems += _duplicates(data, "digests", "name", "digest name", file, positions)
    problems += _digest_themes(data, file, positions)
    return problems


def _entries(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(section)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _duplicates(
    data: dict[str, Any],
    section: str,
    key: str,
    what: str,
    file: str,
    positions: SourceMap,
    *,
    fold: bool = False,
) -> list[Problem]:
    """Report every repeat of a name; `fold` compares case-insensitively (feed: does too)."""
    first_seen: dict[str, str] = {}
    problems = []
    for index, entry in _entries(data, section):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        norm = value.strip().casefold() if fold else value
        path = join_key(join_index(section, index), key)
        if norm not in first_seen:
            first_seen[norm] = path
            continue
        line, column = positions.position(path, value=True) or (None, None)
        first_line = positions.line_of(first_seen[norm])
        message = f"duplicate {what} '{value}'"
        if first_line is not None:
            message += f" (first used on line {first_line})"
        problems.append(Problem(file, line, column, path, message, f"give each {what} once"))
    return problems


def _digest_themes(data: dict[str, Any], file: str, positions: SourceMap) -> list[Problem]:
    ids = [str(e["id"]) for _, e in _entries(data, "themes") if isinstance(e.get("id"), str)]
    problems = []
    for index, digest in _entries(data, "digests"):
        wanted = digest.get("themes")
        if not isinstance(wanted, list):
            continue
        for j, theme in enumerate(wanted):
            if not isinstance(theme, str) or theme in ids:
                continue
            path = join_index(join_key(join_index("digests", index), "themes"), j)
            line, column = positions.position(path, value=True) or (None, None)
            close = difflib.get_close_matches(theme, ids, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else _known(ids)
            problems.append(Problem(file, line, column, path, f"unknown theme '{theme}'", hint))
    return problems


def _known(ids: list[str]) -> str:
    return "known themes: " + ", ".join(ids) if ids else "there are no themes: add some"
