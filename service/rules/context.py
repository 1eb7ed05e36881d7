"""Where the parser is: the query itself, or an alias body reached from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import WRLError
from .syntax import Origin

Aliases = Mapping[str, str | Sequence[str]]


class Context:
    """Which text is being parsed: the query itself, or an alias body reached from it."""

    def __init__(
        self,
        alias: str | None,
        ref_pos: int | None,
        stack: tuple[str, ...],
        warnings: list[str] | None = None,
        depth: int = 0,
    ):
        self.alias = alias
        self.warnings = warnings if warnings is not None else []
        self.ref_pos = ref_pos  # offset of the top-level @ref; None when checking aliases alone
        self.stack = stack  # aliases being expanded, to detect cycles
        self.depth = depth  # parentheses and aliases around this text (limits.MAX_DEPTH)

    def origin(self, local: int) -> Origin:
        if self.alias is None:
            return Origin(local)
        return Origin(self.ref_pos if self.ref_pos is not None else local, self.alias, local)

    def relocate(self, err: WRLError) -> WRLError:
        """Give an error found at `err.position` of this text its place in the query."""
        if self.alias is None or err.alias is not None:
            return err
        if self.ref_pos is None:
            return WRLError(err.code, err.position, err.message, self.alias)
        where = f" (in alias @{self.alias}, at offset {err.position} of its definition)"
        return WRLError(err.code, self.ref_pos, err.message + where, self.alias)
