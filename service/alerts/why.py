"""Why a theme matched: the terms, and which of the rule's aliases fired.

The stored spans say which words matched; the aliases say which part of the rule they
satisfied ("@korea: Yoon"), which is what an analyst edits when an alert was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain import Span
from service.notify.mrkdwn import matched_words
from service.rules import Aliases, CompiledQuery, MatchItem, WRLError, compile_query, explain

_REFERENCE = re.compile(r"@([a-z0-9_]+)")
MAX_ALIASES = 12  # a rule naming more is rare; the page stays quick whatever the rule


@dataclass(frozen=True)
class Fired:
    alias: str
    terms: tuple[str, ...]


class Why:
    """Explains matches against one config's aliases; compiled alias queries are kept for
    the life of the object (one request)."""

    def __init__(self, aliases: Aliases) -> None:
        self._aliases = aliases
        self._compiled: dict[str, CompiledQuery | None] = {}

    def aliases_of(self, query: str) -> list[str]:
        names = [n for n in dict.fromkeys(_REFERENCE.findall(query)) if n in self._aliases]
        return names[:MAX_ALIASES]

    def fired(self, query: str, item: MatchItem) -> list[Fired]:
        out = []
        for name in self.aliases_of(query):
            compiled = self._compile(name)
            spans = explain(compiled, item) if compiled is not None else None
            if spans:
                out.append(Fired(name, tuple(matched_words(item.title, item.summary, spans, 4))))
        return out

    def _compile(self, name: str) -> CompiledQuery | None:
        if name not in self._compiled:
            try:
                self._compiled[name] = compile_query(f"@{name}", self._aliases)
            except WRLError:  # e.g. an alias that is only a negative list
                self._compiled[name] = None
        return self._compiled[name]


def via_line(fired: Sequence[Fired]) -> tuple[str, ...]:
    """`("@japan (Kishida)", "@korea (Yoon)")`: which aliases fired, with their words."""
    return tuple(f"@{f.alias} ({', '.join(f.terms)})" if f.terms else f"@{f.alias}" for f in fired)


def spans_of(raw: Sequence[dict[str, object]]) -> list[Span]:
    """Spans as stored with a hit (JSON), skipping anything malformed."""
    out = []
    for s in raw:
        field, start, end, text = s.get("field"), s.get("start"), s.get("end"), s.get("text")
        if field in ("title", "summary") and isinstance(start, int) and isinstance(end, int):
            out.append(Span(field, start, end, str(text or "")))
    return out
