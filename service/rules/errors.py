"""Compile errors of the watch-rule language (RULES.md §7)."""

from __future__ import annotations


class WRLError(Exception):
    """A query or alias that WRL rejects: a code, a position and a readable message.

    `position` is a 0-based character offset into the top-level query string. When the
    problem lies inside an alias expansion, `alias` names the alias and `position` points
    at the `@name` reference in the query (the message gives the offset inside the alias).
    `validate_aliases` reports positions inside the alias definition itself.
    """

    def __init__(self, code: str, position: int, message: str, alias: str | None = None):
        self.code = code
        self.position = position
        self.message = message
        self.alias = alias
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" (in alias @{self.alias})" if self.alias else ""
        return f"{self.code} at {self.position}{where}: {self.message}"


def error_at(code: str, pos: int, alias: str | None, offset: int, message: str) -> WRLError:
    """An error at a node; inside an alias, say where in the alias definition."""
    if alias is None:
        return WRLError(code, pos, message)
    where = f" (in alias @{alias}, at offset {offset} of its definition)"
    return WRLError(code, pos, message + where, alias)
