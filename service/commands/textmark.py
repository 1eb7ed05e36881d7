"""Mark matched stretches of text for a terminal: ANSI bold on a TTY, [brackets] elsewhere."""

from __future__ import annotations

from collections.abc import Iterable


def merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def highlight(text: str, ranges: Iterable[tuple[int, int]], ansi: bool) -> str:
    left, right = ("\033[1m", "\033[0m") if ansi else ("[", "]")
    parts, pos = [], 0
    for start, end in merge(ranges):
        parts += [text[pos:start], left, text[start:end], right]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
