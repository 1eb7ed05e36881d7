"""Aliases (RULES.md §1): expansion of `@name` into a Group node, and config validation."""

from __future__ import annotations

import difflib

from .context import Aliases, Context
from .errors import WRLError
from .lexer import ALIAS_NAME, lex
from .syntax import Group, Node, Or, Text


def expand_alias(name: str, local_pos: int, ctx: Context, aliases: Aliases, expand: bool) -> Node:
    """The node for `@name` found at `local_pos` of the text read in context `ctx`."""
    if name not in aliases:
        raise WRLError("E10", local_pos, f"undefined alias @{name}{_suggest(name, aliases)}")
    if name in ctx.stack:
        cycle = " -> ".join(f"@{n}" for n in (*ctx.stack, name))
        raise WRLError("E10", local_pos, f"alias cycle: {cycle}")
    origin = ctx.origin(local_pos)
    if not expand:
        return Group(Text("phrase", name, origin), origin, name)
    ref_pos = ctx.ref_pos if ctx.alias is not None else local_pos
    inner = Context(name, ref_pos, (*ctx.stack, name), ctx.warnings)
    return Group(alias_body(name, aliases, inner, True), origin, name)


def alias_body(name: str, aliases: Aliases, ctx: Context, expand: bool) -> Node:
    from .parser import parse_text

    body = aliases[name]
    if isinstance(body, str):
        return parse_text(body, aliases, ctx, expand)
    try:
        return _list_body(name, body, aliases, ctx, expand)
    except WRLError as err:
        raise ctx.relocate(err) from None


def _list_body(name: str, items: object, aliases: Aliases, ctx: Context, expand: bool) -> Node:
    if not isinstance(items, list | tuple) or not items:
        raise WRLError("E10", 0, f"alias {name} must be a WRL string or a non-empty list")
    nodes: list[Node] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        nodes.append(_list_item(index, item, aliases, ctx, expand))
        text = str(item).strip()
        key = text if text.startswith("{") else text.casefold()  # {…} is exact case
        if key in seen:
            ctx.warnings.append(f"alias @{name} lists {text!r} twice")
        seen.add(key)
    return nodes[0] if len(nodes) == 1 else Or(tuple(nodes), ctx.origin(0))


def _list_item(index: int, item: object, aliases: Aliases, ctx: Context, expand: bool) -> Node:
    where = f"item {index} ({item!r})"
    if not isinstance(item, str) or not item.strip():
        raise WRLError("E13", 0, f"{where}: alias list items must be non-empty text")
    text = item.strip()
    if '"' in text:
        raise WRLError("E13", 0, f'{where}: list items are phrases already; drop the "')
    if text.startswith("@"):
        if not ALIAS_NAME.fullmatch(text[1:]):
            raise WRLError("E10", 0, f"{where}: bad alias name; use a-z, 0-9 and _")
        return expand_alias(text[1:], 0, ctx, aliases, expand)
    if text.startswith("{") or text.endswith("}"):
        if not (text.startswith("{") and text.endswith("}")) or "}" in text[1:-1]:
            raise WRLError("E13", 0, f"{where}: write {{Exact}} as the whole item")
        return Text("cased", text[1:-1], ctx.origin(0))
    return Text("phrase", text, ctx.origin(0))


def _suggest(name: str, aliases: Aliases) -> str:
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
