"""Syntax level of WRL (RULES.md §2-3) and alias expansion (§1).

One parenthesis level holds an AND-chain, an OR-chain or a single NEAR, never a mix,
so every accepted query has one reading. `@name` is expanded while parsing into a
Group node, never pasted as text.
"""

from __future__ import annotations

from .aliases import suggest
from .context import Aliases, Context
from .errors import WRLError
from .lexer import ALIAS_NAME, OPERAND_START, Lexeme, lex
from .limits import MAX_DEPTH, too_deep
from .syntax import And, Group, Meta, Near, Node, Not, Or, Origin, Scope, Text


class Parser:
    def __init__(self, text: str, aliases: Aliases, ctx: Context, expand: bool = True):
        self.text = text
        self.aliases = aliases
        self.ctx = ctx
        self.expand = expand  # False: only check that @refs exist (validate_aliases)
        self.toks = lex(text)
        self.i = 0
        self.depth = ctx.depth

    # -- helpers -------------------------------------------------------------------------
    def peek(self) -> Lexeme:
        return self.toks[self.i]

    def take(self) -> Lexeme:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def origin(self, tok: Lexeme) -> Origin:
        return self.ctx.origin(tok.pos)

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            raise WRLError("E13", 0, "empty query: write at least one word")
        node = self.expr()
        tok = self.peek()
        if tok.kind == ")":
            raise WRLError("E13", tok.pos, "unbalanced parenthesis: ')' without '('")
        return node

    def expr(self) -> Node:
        start = self.peek()
        first = self.operand()
        kind = self.peek().kind
        if kind in ("AND", "NOT"):
            return self.chain(first, start, ("AND", "NOT"))
        if kind == "OR":
            return self.chain(first, start, ("OR",))
        if kind == "NEAR":
            return self.near(first, start)
        self.level_end(start)
        return first

    def chain(self, first: Node, start: Lexeme, ops: tuple[str, ...]) -> Node:
        items = [first]
        while self.peek().kind in ops:
            op = self.take()
            if op.kind == "NOT" and self.peek().kind == "NOT":
                raise WRLError("E13", self.peek().pos, "doubled NOT: a NOT NOT b is a AND b")
            item = self.operand()
            items.append(Not(item, self.origin(op)) if op.kind == "NOT" else item)
        tok = self.peek()
        if tok.kind in ("AND", "NOT", "OR", "NEAR"):
            raise self.mixed(start, tok)
        self.level_end(start)
        if ops == ("OR",):
            return Or(tuple(items), self.origin(start))
        return And(tuple(items), self.origin(start))

    def near(self, left: Node, start: Lexeme) -> Node:
        op = self.take()
        right = self.operand()
        tok = self.peek()
        if tok.kind == "NEAR":
            before = self.text[start.pos : tok.pos].strip()
            raise WRLError(
                "E7", tok.pos, f"chained NEAR: add parentheses, e.g. ({before}) NEAR/… …"
            )
        if tok.kind in ("AND", "NOT", "OR"):
            raise self.mixed(start, tok)
        self.level_end(start)
        return Near(left, right, op.n, op.forward, self.origin(op))

    def mixed(self, start: Lexeme, tok: Lexeme) -> WRLError:
        before = self.text[start.pos : tok.pos].strip()
        op = f"NEAR/{tok.n}{'f' if tok.forward else ''}" if tok.kind == "NEAR" else tok.kind
        return WRLError(
            "E2",
            tok.pos,
            f"{op} cannot follow '{before}' at the same level: AND/NOT, OR and NEAR do not "
            f"mix without parentheses; write ({before}) {op} … or put the part after "
            f"{op} in parentheses with its other operand",
        )

    def level_end(self, start: Lexeme) -> None:
        tok = self.peek()
        if tok.kind not in OPERAND_START:
            return
        prev = self.toks[self.i - 1]
        words = [prev.value] if prev.kind == "WORD" else []
        j = self.i
        while words and self.toks[j].kind == "WORD":
            words.append(self.toks[j].value)
            j += 1
        if len(words) > 1:
            phrase = " ".join(words)
            hint = f'did you mean "{phrase}"? Or write {" AND ".join(words)} / {" OR ".join(words)}'
        else:
            hint = "put AND, OR or NEAR/n between them"
        raise WRLError("E1", tok.pos, f"two operands with no operator between them: {hint}")

    def operand(self) -> Node:
        tok = self.peek()
        if tok.kind != "NOT":
            return self.scoped()
        self.take()
        if self.peek().kind == "NOT":
            raise WRLError("E13", self.peek().pos, "doubled NOT: NOT NOT x is just x")
        return Not(self.scoped(), self.origin(tok))

    def scoped(self) -> Node:
        tok = self.peek()
        if tok.kind == "META":
            self.take()
            return Meta(tok.meta, tok.value, self.origin(tok))  # type: ignore[arg-type]
        if tok.kind != "FIELD":
            return self.primary()
        self.take()
        nxt = self.peek()
        if nxt.kind in ("FIELD", "META"):
            raise WRLError("E11", nxt.pos, f"a field prefix cannot follow {tok.value}:")
        return Scope(tok.value, self.primary(), self.origin(tok))  # type: ignore[arg-type]

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind in ("WORD", "PHRASE", "CASED"):
            kind = {"WORD": "word", "PHRASE": "phrase", "CASED": "cased"}[tok.kind]
            return Text(kind, tok.value, self.origin(tok))  # type: ignore[arg-type]
        if tok.kind == "ALIAS":
            return self.alias(tok)
        if tok.kind == "(":
            return self.group(tok)
        if tok.kind == "EOF":
            raise WRLError("E13", tok.pos, "the query ends where an operand is expected")
        what = "')'" if tok.kind == ")" else f"the operator {tok.kind}"
        raise WRLError("E13", tok.pos, f"expected a word, phrase or '(' but found {what}")

    def group(self, open_tok: Lexeme) -> Node:
        if self.peek().kind == ")":
            raise WRLError("E13", open_tok.pos, "empty parentheses ()")
        if self.depth >= MAX_DEPTH:
            raise too_deep(open_tok.pos)
        self.depth += 1
        inner = self.expr()
        self.depth -= 1
        if self.take().kind != ")":
            raise WRLError("E13", open_tok.pos, "unbalanced parenthesis: this '(' is never closed")
        return Group(inner, self.origin(open_tok))

    def alias(self, tok: Lexeme) -> Node:
        return expand_alias(tok.value, tok.pos, self.ctx, self.aliases, self.expand, self.depth)


def parse_text(text: str, aliases: Aliases, ctx: Context, expand: bool = True) -> Node:
    """Parse `text` (the query or a string-form alias) in its context."""
    try:
        return Parser(text, aliases, ctx, expand).parse()
    except WRLError as err:
        raise ctx.relocate(err) from None


def expand_alias(
    name: str,
    local_pos: int,
    ctx: Context,
    aliases: Aliases,
    expand: bool,
    depth: int | None = None,
) -> Node:
    """The node for `@name` found at `local_pos` of the text read in context `ctx`, at
    `depth` levels of parentheses and aliases (default: the context's)."""
    if name not in aliases:
        raise WRLError("E10", local_pos, f"undefined alias @{name}{suggest(name, aliases)}")
    if name in ctx.stack:
        cycle = " -> ".join(f"@{n}" for n in (*ctx.stack, name))
        raise WRLError("E10", local_pos, f"alias cycle: {cycle}")
    origin = ctx.origin(local_pos)
    if not expand:
        return Group(Text("phrase", name, origin), origin, name)
    depth = ctx.depth if depth is None else depth
    if depth >= MAX_DEPTH:
        raise too_deep(local_pos)
    ref_pos = ctx.ref_pos if ctx.alias is not None else local_pos
    inner = Context(name, ref_pos, (*ctx.stack, name), ctx.warnings, depth + 1)
    return Group(alias_body(name, aliases, inner, True), origin, name)


def alias_body(name: str, aliases: Aliases, ctx: Context, expand: bool) -> Node:
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
