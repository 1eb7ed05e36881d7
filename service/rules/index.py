"""Where do the atoms of all themes occur in one item? One pass over the tokens.

Word atoms are found by dictionary lookups of each token's forms, wildcards by a lookup
of the first three characters of the token, CJK atoms by one Aho-Corasick automaton
over the CJK runs. The cost grows with the text, not with the number of themes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import ahocorasick

from .atoms import Atom
from .textmodel import TokenSeq, forms

Starts = dict[int, tuple[set[int], set[int]]]  # atom id -> starts in (title, summary)
_PREFIX = 3  # E8 guarantees at least 3 literal characters before a wildcard
_RUN_BREAK = "\n"  # joins the runs of a field for one automaton pass; never in a run


class AtomIndex:
    def __init__(self, atoms: Sequence[Atom]):
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.acc: dict[str, list[int]] = defaultdict(list)
        self.bare: dict[str, list[int]] = defaultdict(list)
        self.wacc: dict[str, list[tuple[int, re.Pattern[str]]]] = defaultdict(list)
        self.wbare: dict[str, list[tuple[int, re.Pattern[str]]]] = defaultdict(list)
        self.cjk: ahocorasick.Automaton | None = None
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
            {"exact": self.exact, "acc": self.acc, "bare": self.bare}[atom.kind][atom.key].append(
                aid
            )

    def scan(self, fields: Sequence[TokenSeq]) -> Starts:
        found: Starts = {}
        for f, seq in enumerate(fields):
            self._scan_words(seq, f, found)
            if self.cjk is not None and seq.runs:
                self._scan_runs(seq, f, found)
        return found

    def _scan_words(self, seq: TokenSeq, f: int, found: Starts) -> None:
        exact, acc_t, bare_t = self.exact, self.acc, self.bare
        wacc, wbare = self.wacc, self.wbare
        for p, token in enumerate(seq.exact):
            if seq.is_cjk[p]:
                continue
            acc, bare = forms(token)
            for ids in (exact.get(token), acc_t.get(acc), bare_t.get(bare)):
                if ids:
                    for aid in ids:
                        _mark(found, aid, f, p)
            if wacc:
                _globs(wacc, acc, found, f, p)
            if wbare:
                _globs(wbare, bare, found, f, p)

    def _scan_runs(self, seq: TokenSeq, f: int, found: Starts) -> None:
        assert self.cjk is not None
        text = _RUN_BREAK.join(run for _, run in seq.runs)
        position: list[int] = []  # text offset -> token position
        for first, run in seq.runs:
            position.extend(range(first, first + len(run)))
            position.append(-1)
        for end, (aid, width) in self.cjk.iter(text):
            _mark(found, aid, f, position[end - width + 1])


def _globs(
    table: dict[str, list[tuple[int, re.Pattern[str]]]], form: str, found: Starts, f: int, p: int
) -> None:
    for key in (form[:_PREFIX], ""):
        for aid, pattern in table.get(key, ()):
            if pattern.fullmatch(form):
                _mark(found, aid, f, p)


def _mark(found: Starts, aid: int, f: int, p: int) -> None:
    per_field = found.get(aid)
    if per_field is None:
        per_field = found[aid] = (set(), set())
    per_field[f].add(p)
