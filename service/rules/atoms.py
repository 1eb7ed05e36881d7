"""Atoms (RULES.md §5): what one query word, phrase or {…} matches, with E8/E9 checks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .errors import error_at
from .glob import Glob
from .limits import check_wildcards
from .scripts import regex_class_body
from .syntax import Text
from .textmodel import TokenSeq, forms, tokenize

AtomKind = Literal["exact", "acc", "bare", "wacc", "wbare", "cjk"]
# exact: {…}; acc: a term written with accents (compared with accents); bare: a term
# without accents (compared without accents); wacc/wbare: the same for wildcards;
# cjk: a CJK run atom, a substring of one CJK run.

_CJK_WILDCARD = re.compile(f"[{regex_class_body()}][*?]|[*?][{regex_class_body()}]")
_WILDCARD = re.compile(r"[*?]")


@dataclass(frozen=True, slots=True)
class Atom:
    kind: AtomKind
    key: str  # the form compared; for wildcards the glob pattern

    @property
    def width(self) -> int:
        """How many positions a match covers."""
        return len(self.key) if self.kind == "cjk" else 1

    @property
    def prefix(self) -> str:
        """The literal characters before the first wildcard."""
        return _WILDCARD.split(self.key, maxsplit=1)[0]

    def glob(self) -> Glob:
        return Glob(self.key)


def compile_text(node: Text, warnings: list[str]) -> tuple[Atom, ...]:
    """The atom sequence of a WORD, PHRASE or {…}; raises E8, E9 or E13."""
    value = unicodedata.normalize("NFKC", node.value)
    cased = node.kind == "cased"
    if _WILDCARD.search(value) and (cased or _CJK_WILDCARD.search(value)):
        where = "inside {…}" if cased else "in CJK text"
        raise _err(node, "E8", f"no wildcards {where}: {node.value!r}")
    seq = tokenize(value, wildcards=not cased)
    if len(seq) == 0:
        raise _err(node, "E13", f"{node.value!r} has no letters or digits to search for")
    atoms = _atoms(seq, node, cased, warnings)
    if len(atoms) == 1 and atoms[0].kind == "cjk" and atoms[0].width == 1:
        raise _err(
            node,
            "E9",
            f"the one-character CJK term {atoms[0].key!r} would match almost everything: "
            "use a longer word (e.g. 日本, 韓国, 日韓) or a phrase",
        )
    if len(atoms) == 1 and not cased and _is_short_latin(seq.exact[0]):
        warnings.append(f"{node.value!r} is a 1-2 letter term: it may match too much")
    return atoms


def _atoms(seq: TokenSeq, node: Text, cased: bool, warnings: list[str]) -> tuple[Atom, ...]:
    runs = dict(seq.runs)
    atoms: list[Atom] = []
    p = 0
    while p < len(seq):
        if p in runs:
            if cased:
                raise _err(node, "E9", "CJK text has no case: write it without { }")
            run = runs[p]
            atoms.append(Atom("cjk", run))
            p += len(run)
            continue
        exact = seq.exact[p]
        atoms.append(Atom("exact", exact) if cased else _word_atom(exact, node, warnings))
        p += 1
    return tuple(atoms)


def _word_atom(exact: str, node: Text, warnings: list[str]) -> Atom:
    acc, bare = forms(exact)
    accented = acc != bare
    if not _WILDCARD.search(exact):
        return Atom("acc", acc) if accented else Atom("bare", bare)
    if (too_many := check_wildcards(exact)) is not None:
        raise _err(node, "E8", too_many)
    literal = _WILDCARD.split(exact, maxsplit=1)[0]
    if not literal:
        raise _err(node, "E8", f"a wildcard cannot start a word: {exact!r}")
    if len(literal) < 3:
        raise _err(node, "E8", f"{exact!r}: a wildcard needs at least 3 letters before it")
    if len(literal) == 3:
        warnings.append(f"{exact!r}: a wildcard after only 3 letters may match too much")
    return Atom("wacc", acc) if accented else Atom("wbare", bare)


def _is_short_latin(token: str) -> bool:
    return len(token) <= 2 and all(
        c.isalpha() and unicodedata.name(c, "").startswith("LATIN") for c in token
    )


def _err(node: Text, code: str, message: str) -> Exception:
    o = node.origin
    return error_at(code, o.pos, o.alias, o.offset, message)
