"""Mark matched stretches of text for a terminal: ANSI bold on a TTY, [brackets] elsewhere."""

from __future__ import annotations

from collections.abc import Iterable

from service.domain import merge_ranges


def highlight(text: str, ranges: Iterable[tuple[int, int]], ansi: bool) -> str:
    left, right = ("\033[1m", "\033[0m") if ansi else ("[", "]")
    parts, pos = [], 0
    for start, end in merge_ranges(ranges):
        parts += [text[pos:start], left, text[start:end], right]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
