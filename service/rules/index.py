"""Where do the atoms of all themes occur in one item? One pass over the tokens.

Word atoms are found by dictionary lookups of each token's forms, wildcards by a lookup
of the first three characters of the token, CJK atoms by one Aho-Corasick automaton
over the CJK runs. The cost grows with the text, not with the number of themes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import ahocorasick

from .atoms import Atom
from .glob import Glob
from .textmodel import TokenSeq, forms

Starts = dict[int, tuple[set[int], set[int]]]  # atom id -> starts in (title, summary)
_PREFIX = 3  # E8 guarantees at least 3 literal characters before a wildcard
_RUN_BREAK = "\n"  # joins the runs of a field for one automaton pass; never in a run


class AtomIndex:
    def __init__(self, atoms: Sequence[Atom]):
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.acc: dict[str, list[int]] = defaultdict(list)
        self.bare: dict[str, list[int]] = defaultdict(list)
        self.wacc: dict[str, list[tuple[int, Glob]]] = defaultdict(list)
        self.wbare: dict[str, list[tuple[int, Glob]]] = defaultdict(list)
        self.cjk: ahocorasick.Automaton | None = None
        self._cache: dict[str, tuple[int, ...]] = {}  # token -> word atoms it matches
        for aid, atom in enumerate(atoms):
            self._add(aid, atom)
        if self.cjk is not None:
            self.cjk.make_automaton()
        for table in (self.exact, self.acc, self.bare, self.wacc, self.wbare):
            table.default_factory = None

    def _add(self, aid: int, atom: Atom) -> None:
        if atom.kind == "cjk":
            if self.cjk is None:
                self.cjk = ahocorasick.Automaton()
            self.cjk.add_word(atom.key, (aid, atom.width))
        elif atom.kind in ("wacc", "wbare"):
            table = self.wacc if atom.kind == "wacc" else self.wbare
            # a form can be shorter than the literal text (a lone mark stripped): key ""
            prefix = atom.prefix[:_PREFIX] if len(atom.prefix) >= _PREFIX else ""
            table[prefix].append((aid, atom.glob()))
        else:
            table_of = {"exact": self.exact, "acc": self.acc, "bare": self.bare}
            table_of[atom.kind][atom.key].append(aid)

    def scan(self, fields: Sequence[TokenSeq]) -> Starts:
        found: Starts = {}
        for f, seq in enumerate(fields):
            self._scan_words(seq, f, found)
            if self.cjk is not None and seq.runs:
                self._scan_runs(seq, f, found)
        return found

    def _scan_words(self, seq: TokenSeq, f: int, found: Starts) -> None:
        cache = self._cache
        is_cjk = seq.is_cjk
        for p, token in enumerate(seq.exact):
            ids = cache.get(token)
            if ids is None:
                ids = self._word_atoms(token)
            if ids and not (is_cjk and is_cjk[p]):
                for aid in ids:
                    per_field = found.get(aid)
                    if per_field is None:
                        per_field = found[aid] = (set(), set())
                    per_field[f].add(p)

    def _word_atoms(self, token: str) -> tuple[int, ...]:
        """Every word atom that matches this token, remembered per distinct token."""
        acc, bare = forms(token)
        ids = [*self.exact.get(token, ()), *self.acc.get(acc, ()), *self.bare.get(bare, ())]
        ids += _globs(self.wacc, acc) + _globs(self.wbare, bare)
        if len(self._cache) > 100_000:  # bound memory in a long-running service
            self._cache.clear()
        result = self._cache[token] = tuple(ids)
        return result

    def _scan_runs(self, seq: TokenSeq, f: int, found: Starts) -> None:
        assert self.cjk is not None
        text = _RUN_BREAK.join(run for _, run in seq.runs)
        position: list[int] = []  # text offset -> token position
        for first, run in seq.runs:
            position.extend(range(first, first + len(run)))
            position.append(-1)
        for end, (aid, width) in self.cjk.iter(text):
            _mark(found, aid, f, position[end - width + 1])


def _globs(table: dict[str, list[tuple[int, Glob]]], form: str) -> list[int]:
    if not table:
        return []
    return [
        aid
        for key in (form[:_PREFIX], "")
        for aid, pattern in table.get(key, ())
        if pattern.matches(form)
    ]


def _mark(found: Starts, aid: int, f: int, p: int) -> None:
    per_field = found.get(aid)
    if per_field is None:
        per_field = found[aid] = (set(), set())
    per_field[f].add(p)
