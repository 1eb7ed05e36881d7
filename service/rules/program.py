"""The compiled form of a query: positional nodes (spans) under boolean nodes (RULES.md §6-7).

Plain frozen dataclasses with structural equality, so that identical sub-expressions of
different themes (typically from shared aliases) can be merged by the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass

from .atoms import Atom

TITLE, SUMMARY = 0, 1
FIELD_NAMES = ("title", "summary")


@dataclass(frozen=True, slots=True)
class PSeq:
    """Atoms at consecutive positions (a word, phrase or {…}); one atom is a 1-sequence."""

    atoms: tuple[Atom, ...]


@dataclass(frozen=True, slots=True)
class POr:
    items: tuple[PNode, ...]


@dataclass(frozen=True, slots=True)
class PNear:
    left: PNode
    right: PNode
    n: int
    forward: bool


PNode = PSeq | POr | PNear


@dataclass(frozen=True, slots=True)
class BPos:
    """A positional expression: true if it has a span in one of `fields`."""

    node: PNode
    fields: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BAnd:
    items: tuple[BNode, ...]


@dataclass(frozen=True, slots=True)
class BOr:
    items: tuple[BNode, ...]


@dataclass(frozen=True, slots=True)
class BNot:
    child: BNode


@dataclass(frozen=True, slots=True)
class BMeta:
    kind: str  # source | feed | tag | lang
    value: str  # already normalized for comparison


BNode = BPos | BAnd | BOr | BNot | BMeta


def true_on_empty_item(node: BNode) -> bool:
    """The value of `node` for an item with no text, no source, no lang (the E12 test)."""
    if isinstance(node, BAnd):
        return all(true_on_empty_item(i) for i in node.items)
    if isinstance(node, BOr):
        return any(true_on_empty_item(i) for i in node.items)
    if isinstance(node, BNot):
        return not true_on_empty_item(node.child)
    return False  # no text gives no span; empty metadata satisfies no predicate
