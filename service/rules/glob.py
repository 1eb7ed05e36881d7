"""Wildcard terms (`normaliz*`, `wom?n`) matched in linear time.

A regex such as `abc.*a.*a.*b` checked with fullmatch backtracks: on one long hostile word
it can take minutes. A glob has no alternation and no nesting, so it needs none: the part
before the first `*` must start the word, the part after the last `*` must end it, and each
part in between is taken at its leftmost place after the previous one (taking it any later
could only leave less room for the rest). Each step searches for a fixed-length part, so a
word costs at most its length times the pattern's.
"""

from __future__ import annotations

import re
from functools import cached_property


class Glob:
    """`*` is any run of characters (also none), `?` exactly one character."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

    @cached_property
    def _parts(self) -> tuple[tuple[re.Pattern[str], int], ...]:
        """The parts between stars: a fixed-length pattern each, with its length."""
        return tuple(
            (re.compile("".join("." if c == "?" else re.escape(c) for c in part), re.S), len(part))
            for part in self.pattern.split("*")
        )

    def matches(self, text: str) -> bool:
        parts = self._parts
        if len(parts) == 1:
            return parts[0][0].fullmatch(text) is not None
        (first, pos), *middle, (last, width) = parts
        end = len(text) - width
        if end < pos or first.match(text) is None or last.fullmatch(text, end) is None:
            return False
        for part, _ in middle:
            found = part.search(text, pos, end)
            if found is None:
                return False
            pos = found.end()
        return True
