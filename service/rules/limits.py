"""Bounds on what a query or an alias may cost, all in one place (queries and config are
hostile input: every loop over them is bounded, and no mistake ends in a RecursionError).

Each bound is named in the error it raises, with the WRL code of its kind:
- MAX_QUERY_CHARS: the length of a query or of one alias definition (E13);
- MAX_DEPTH: parentheses and alias references nested in one another (E13);
- MAX_TERMS: the words and phrases a query or an alias stands for once every alias in it
  is expanded, counted before anything is built (E10, with the chain of aliases that grew);
- MAX_WILDCARDS: `*` and `?` in one term (E8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .context import Aliases
from .errors import WRLError
from .lexer import lex

MAX_QUERY_CHARS = 20_000
MAX_DEPTH = 40
MAX_TERMS = 10_000
MAX_WILDCARDS = 16


def check_length(text: str, what: str = "query") -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise WRLError(
            "E13",
            MAX_QUERY_CHARS,
            f"the {what} is {len(text):,} characters long: more than the limit of "
            f"{MAX_QUERY_CHARS:,} (MAX_QUERY_CHARS); split it into aliases",
        )


def too_deep(position: int) -> WRLError:
    return WRLError(
        "E13",
        position,
        f"parentheses and aliases nested more than {MAX_DEPTH} levels deep (MAX_DEPTH): "
        "flatten the expression",
    )


def check_wildcards(term: str) -> str | None:
    """The error message for a term with too many wildcards, else None."""
    count = sum(term.count(c) for c in "*?")
    if count <= MAX_WILDCARDS:
        return None
    return f"{term!r} has {count} wildcards: more than the limit of {MAX_WILDCARDS} (MAX_WILDCARDS)"


@dataclass(frozen=True)
class _Size:
    terms: int  # expanded
    biggest: str | None  # the referenced alias that contributes most, for the message


def check_expansion(query: str, aliases: Aliases) -> None:
    """Raise E10 when `query` would expand to more than MAX_TERMS terms. Sizes are computed
    per alias once (memo), so a chain of doubling aliases costs its length, not the 2^n
    terms it stands for."""
    _check(query, aliases, None)


def check_expansion_of_alias(name: str, aliases: Aliases) -> None:
    """Raise E10 when alias `name` would expand to more than MAX_TERMS terms."""
    _check(aliases[name], aliases, name)


def _check(body: str | Sequence[str], aliases: Aliases, alias: str | None) -> None:
    memo: dict[str, _Size] = {}
    own = _count(_body_refs(body), aliases, memo, (alias,) if alias else ())
    if own.terms <= MAX_TERMS:
        return
    chain = [alias] if alias else []
    step = own.biggest
    while step is not None and step not in chain and len(chain) <= MAX_DEPTH:
        chain.append(step)
        step = memo[step].biggest if step in memo else None
    path = " → ".join(f"@{name}" for name in chain)
    where = f"alias @{alias}" if alias else "the query"
    raise WRLError(
        "E10",
        0,
        f"{where} expands to more than {MAX_TERMS:,} terms (MAX_TERMS) once its aliases are "
        f"filled in. It grows through {path}: an alias that names another several times "
        "multiplies its size at each step",
        alias,
    )


def _body_refs(body: str | Sequence[str]) -> tuple[int, list[str]]:
    """(terms written in the body itself, aliases it refers to, once per reference)."""
    if isinstance(body, str):
        try:
            lexemes = lex(body)
        except WRLError:
            return 0, []  # the syntax error is reported by the parse that follows
        terms = sum(t.kind in ("WORD", "PHRASE", "CASED") for t in lexemes)
        return terms, [t.value for t in lexemes if t.kind == "ALIAS"]
    items = [item.strip() for item in body if isinstance(item, str)]
    refs = [item[1:] for item in items if item.startswith("@")]
    return len(items) - len(refs), refs


def _count(
    parts: tuple[int, list[str]], aliases: Aliases, memo: dict[str, _Size], chain: tuple[str, ...]
) -> _Size:
    terms, refs = parts
    biggest: tuple[int, str] | None = None
    for name in refs:
        size = _alias_size(name, aliases, memo, chain)
        terms += size
        if biggest is None or size > biggest[0]:
            biggest = (size, name)
        if terms > MAX_TERMS:
            break  # enough to know; the exact total could be astronomically large
    return _Size(terms, biggest[1] if biggest else None)


def _alias_size(name: str, aliases: Aliases, memo: dict[str, _Size], chain: tuple[str, ...]) -> int:
    if name in memo:
        return memo[name].terms
    if name not in aliases or name in chain or len(chain) > MAX_DEPTH:
        return 1  # undefined, a cycle or too deep: reported as such by the parser
    size = _count(_body_refs(aliases[name]), aliases, memo, (*chain, name))
    memo[name] = size
    return size.terms
