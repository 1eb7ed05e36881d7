"""compile_query: query text -> checked program (RULES.md §2-7), and validate_aliases."""

from __future__ import annotations

from .aliases import references
from .atoms import compile_text
from .context import Aliases, Context
from .errors import WRLError, error_at
from .lexer import ALIAS_NAME
from .limits import check_expansion, check_expansion_of_alias, check_length
from .parser import alias_body, parse_text
from .program import (
    SUMMARY,
    TITLE,
    BAnd,
    BMeta,
    BNode,
    BNot,
    BOr,
    BPos,
    PNear,
    PNode,
    POr,
    PSeq,
    true_on_empty_item,
)
from .syntax import And, Group, Meta, Near, Node, Not, Or, Scope, Text

_BOTH = (TITLE, SUMMARY)
_NEAR_WARN = 30


class CompiledQuery:
    """A checked query, ready for matching. Compile once, match many items."""

    def __init__(self, source: str, program: BNode, warnings: list[str]):
        self.source = source
        self.program = program
        self.warnings = warnings

    def __repr__(self) -> str:
        return f"CompiledQuery({self.source!r})"


def compile_query(query: str, aliases: Aliases | None = None) -> CompiledQuery:
    """Parse, expand aliases, check (E1-E13) and compile `query`; raises WRLError."""
    warnings: list[str] = []
    check_length(query)
    check_expansion(query, aliases or {})
    ast = parse_text(query, aliases or {}, Context(None, None, (), warnings))
    program = _Builder(warnings).boolean(ast, None)
    if true_on_empty_item(program):
        raise WRLError(
            "E12",
            0,
            "pure negative: this query matches an item with no text at all; add a positive "
            "part, e.g. Quad AND NOT bike instead of NOT bike",
        )
    return CompiledQuery(query, program, list(dict.fromkeys(warnings)))


def validate_aliases(aliases: Aliases) -> None:
    """Check every alias on its own: name, syntax, atoms, undefined references and cycles.

    Errors carry `alias`; `position` is an offset inside that alias's definition.
    """
    for name in aliases:
        if not isinstance(name, str) or not ALIAS_NAME.fullmatch(name):
            raise WRLError("E10", 0, f"bad alias name {name!r}: use a-z, 0-9 and _", str(name))
    for name, body in aliases.items():
        if isinstance(body, str):
            try:
                check_length(body, f"definition of @{name}")
            except WRLError as err:
                raise WRLError(err.code, 0, err.message, name) from None
        check_expansion_of_alias(name, aliases)
        ctx = Context(name, None, (name,), [])
        _check_texts(alias_body(name, aliases, ctx, expand=False))
    _check_cycles(aliases)


def _check_texts(node: Node) -> None:
    if isinstance(node, Text):
        compile_text(node, [])
    elif isinstance(node, Group | Not | Scope):
        _check_texts(node.child)
    elif isinstance(node, And | Or):
        for item in node.items:
            _check_texts(item)
    elif isinstance(node, Near):
        _check_texts(node.left)
        _check_texts(node.right)


def _check_cycles(aliases: Aliases) -> None:
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        for ref, pos in references(name, aliases):
            if ref in path or ref == name:
                cycle = " -> ".join(f"@{n}" for n in (*path, name, ref))
                raise WRLError("E10", pos, f"alias cycle: {cycle}", name)
            if ref in aliases:
                visit(ref, (*path, name))
        done.add(name)

    for name in aliases:
        visit(name, ())


class _Builder:
    """Turns the syntax tree into a program, applying the context rules E6 and E11."""

    def __init__(self, warnings: list[str]):
        self.warnings = warnings

    def boolean(self, node: Node, scope: tuple[int, ...] | None) -> BNode:
        if isinstance(node, Text | Near):
            return BPos(self.positional(node), scope or _BOTH)
        if isinstance(node, Group):
            return self.boolean(node.child, scope)
        if isinstance(node, And):
            return BAnd(tuple(self.boolean(i, scope) for i in node.items))
        if isinstance(node, Or):
            if _positional(node):  # same truth, but one node: cheaper to match
                return BPos(self.positional(node), scope or _BOTH)
            return BOr(tuple(self.boolean(i, scope) for i in node.items))
        if isinstance(node, Not):
            return BNot(self.boolean(node.child, scope))
        if isinstance(node, Scope):
            if scope is not None:
                raise _err(node, "E11", f"nested field prefix {node.field}: inside another one")
            return self.boolean(node.child, (TITLE,) if node.field == "title" else (SUMMARY,))
        if scope is not None:
            raise _err(
                node, "E11", f"{node.kind}: is metadata; it cannot sit under title:/summary:"
            )
        return _meta(node, self.warnings)

    def positional(self, node: Node) -> PNode:
        if isinstance(node, Text):
            return PSeq(compile_text(node, self.warnings))
        if isinstance(node, Group):
            return self.positional(node.child)
        if isinstance(node, Or):
            return POr(tuple(self.positional(i) for i in node.items))
        if isinstance(node, Near):
            if node.n > _NEAR_WARN:
                self.warnings.append(f"NEAR/{node.n}: words that far apart are rarely related")
            return PNear(self.positional(node.left), self.positional(node.right), node.n,
                         node.forward)  # fmt: skip
        if isinstance(node, Scope):
            raise _err(
                node, "E11", f"put the field prefix outside the NEAR: {node.field}:(a NEAR/n b)"
            )
        what = {And: "AND/NOT", Not: "NOT", Meta: "metadata"}[type(node)]
        raise _err(
            node,
            "E6",
            f"a NEAR operand can only hold words, phrases, OR-groups and NEAR, not {what}; "
            "move it outside, e.g. (a NEAR/5 c) AND b",
        )


def _positional(node: Node) -> bool:
    """True if `node` has spans: only words, phrases, ORs of them and NEAR."""
    if isinstance(node, Text | Near):
        return True
    if isinstance(node, Group):
        return _positional(node.child)
    if isinstance(node, Or):
        return all(_positional(i) for i in node.items)
    return False


def _meta(node: Meta, warnings: list[str]) -> BMeta:
    value = node.value.strip()
    if not value:
        raise _err(node, "E13", f"{node.kind}: needs a value")
    if node.kind == "source":
        value = value.lower().removeprefix("www.")
        if "/" in value or ":" in value:
            warnings.append(f"source:{node.value} should be a host name such as nhk.or.jp")
    else:
        value = value.casefold()
    return BMeta(node.kind, value)


def _err(
    node: Scope | Meta | And | Not | Or | Group | Text | Near, code: str, msg: str
) -> WRLError:
    o = node.origin
    return error_at(code, o.pos, o.alias, o.offset, msg)
