"""Small helpers shared by the rule-language tests."""

from __future__ import annotations

from service.rules import MatchItem, compile_query, explain
from service.rules.context import Aliases


def matches(query: str, text: str = "", title: str = "", aliases: Aliases | None = None,
            **meta: object) -> bool:  # fmt: skip
    item = MatchItem(title=title, summary=text, **meta)  # type: ignore[arg-type]
    return explain(compile_query(query, aliases or {}), item) is not None


def spans(query: str, text: str = "", title: str = "") -> list[tuple[str, str]]:
    found = explain(compile_query(query), MatchItem(title=title, summary=text))
    assert found is not None, "expected a match"
    return [(s.field, s.text) for s in found]
