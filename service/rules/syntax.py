"""The parsed form of a WRL query (RULES.md §2), after alias expansion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TextKind = Literal["word", "phrase", "cased"]
MetaKind = Literal["source", "feed", "tag", "lang"]
TextField = Literal["title", "summary"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a node came from, for error messages.

    `pos` is the offset in the top-level query; inside an alias expansion it is the
    offset of the `@name` reference, `alias` names the (innermost) alias and `offset`
    is the offset inside that alias's definition.
    """

    pos: int
    alias: str | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Text:
    kind: TextKind
    value: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class Group:
    """Parentheses, or the expansion of `@alias` (then `alias` is its name)."""

    child: Node
    origin: Origin
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]  # infix `a NOT b` is And(a, Not(b))
    origin: Origin


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class Near:
    left: Node
    right: Node
    n: int
    forward: bool
    origin: Origin


@dataclass(frozen=True, slots=True)
class Not:
    child: Node
    origin: Origin


@dataclass(frozen=True, slots=True)
class Scope:
    field: TextField
    child: Node
    origin: Origin


@dataclass(frozen=True, slots=True)
class Meta:
    kind: MetaKind
    value: str
    origin: Origin


Node = Text | Group | And | Or | Near | Not | Scope | Meta
