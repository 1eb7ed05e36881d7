"""Aliases (RULES.md §1): what an alias definition refers to, and name suggestions.

Expanding `@name` in a query is the parser's work (parser.py), since an alias body is parsed
like the query it appears in."""

from __future__ import annotations

import difflib

from .context import Aliases
from .errors import WRLError
from .lexer import lex


def suggest(name: str, aliases: Aliases) -> str:
    guess = difflib.get_close_matches(name, [str(k) for k in aliases], n=1)
    return f'; did you mean "@{guess[0]}"?' if guess else ""


def references(name: str, aliases: Aliases) -> list[tuple[str, int]]:
    """The aliases that alias `name` refers to, with their offsets in its definition."""
    body = aliases[name]
    if isinstance(body, str):
        try:
            return [(t.value, t.pos) for t in lex(body) if t.kind == "ALIAS"]
        except WRLError:
            return []  # the syntax error is reported by the parse that follows
    return [
        (item.strip()[1:], 0)
        for item in body
        if isinstance(item, str) and item.strip().startswith("@")
    ]
