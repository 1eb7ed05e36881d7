"""ThemeMatcher and explain(): match items against compiled queries (RULES.md §4-7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from service.domain import Hit, Span

from .compiler import CompiledQuery
from .index import AtomIndex
from .interning import Interner, clauses_of
from .program import FIELD_NAMES
from .runtime import Found, RBNode, State
from .textmodel import TokenSeq, tokenize

_SAMPLE = 8  # count met clauses on every 8th item
_RETRIGGER = 4096  # re-pick trigger clauses every 4096 items


@dataclass(frozen=True, slots=True)
class MatchItem:
    """What a query can look at: two text fields and the metadata of the article."""

    title: str = ""
    summary: str = ""
    source: str = ""  # host name of the article URL
    feed: str = ""  # name of the configured source
    tags: tuple[str, ...] = ()  # tags of the configured source
    lang: str | None = None


class ThemeMatcher:
    """All themes of a config, compiled once; `match` tokenizes an item once for all."""

    def __init__(self, themes: Sequence[tuple[str, CompiledQuery]]):
        interner = Interner()
        self._ids = [theme_id for theme_id, _ in themes]
        self._roots: list[RBNode] = [interner.boolean(q.program) for _, q in themes]
        self._index = AtomIndex(interner.atoms)
        # Gating: a theme is evaluated only if each of its clauses (sets of atoms, one of
        # which must occur) is met, and it is looked at only when its most specific
        # clause is met. Themes that can be true without atoms are always evaluated.
        self._clauses: list[tuple[int, ...]] = []
        self._always: list[int] = []
        self._trigger: dict[int, list[int]] = {}  # clause id -> themes it wakes up
        for t, (_, q) in enumerate(themes):
            clauses = clauses_of(q.program, interner)
            self._clauses.append(tuple({interner.clause_id(c): None for c in clauses}))
            if not clauses:
                self._always.append(t)
        self._atom_clauses: dict[int, list[int]] = {}  # atom id -> clauses it meets
        for cid, clause in enumerate(interner.clauses):
            for aid in clause:
                self._atom_clauses.setdefault(aid, []).append(cid)
        # Until real traffic says which clauses are rare, guess: long words are rarer.
        self._rank = [interner.specificity(c) for c in interner.clauses]
        self._met_counts = [0] * len(self._rank)
        self._seen = 0
        self._retrigger()

    def _retrigger(self) -> None:
        """Index each theme under its cheapest clause: the one least often met."""
        counts, rank = self._met_counts, self._rank

        def cost(cid: int) -> tuple[int, int, int]:
            return counts[cid], -rank[cid][0], -rank[cid][1]

        trigger: dict[int, list[int]] = {}
        for t, clauses in enumerate(self._clauses):
            if clauses:
                trigger.setdefault(min(clauses, key=cost), []).append(t)
        self._trigger = trigger

    def _learn(self, met: set[int]) -> None:
        """Count met clauses on a sample of items; now and then re-pick the triggers."""
        self._seen += 1
        if self._seen % _SAMPLE:
            return
        counts = self._met_counts
        for cid in met:
            counts[cid] += 1
        if self._seen % _RETRIGGER == 0:
            self._retrigger()

    def match(self, item: MatchItem) -> list[Hit]:
        """One Hit (with highlight spans) per theme that the item matches, in theme order."""
        fields = (tokenize(item.title), tokenize(item.summary))
        starts = self._index.scan(fields)
        met: set[int] = set()
        for aid in starts:
            clause_ids = self._atom_clauses.get(aid)
            if clause_ids:
                met.update(clause_ids)
        self._learn(met)
        candidates = set(self._always)
        for cid in met:
            woken = self._trigger.get(cid)
            if woken:
                candidates.update(woken)
        hits: list[Hit] = []
        state: State | None = None
        made: dict[tuple[int, int, int], Span] = {}  # spans shared by several hits
        for t in sorted(candidates):
            if not met.issuperset(self._clauses[t]):
                continue  # a required atom is missing: cannot be true
            state = state or _state(item, starts)
            root = self._roots[t]
            if root.truth(state):
                hits.append(Hit(self._ids[t], _spans(root, state, fields, made)))
        return hits

    def explain_theme(self, t: int, item: MatchItem) -> list[Span] | None:
        fields = (tokenize(item.title), tokenize(item.summary))
        state = _state(item, self._index.scan(fields))
        root = self._roots[t]
        return list(_spans(root, state, fields, {})) if root.truth(state) else None


def explain(q: CompiledQuery, item: MatchItem) -> list[Span] | None:
    """None if `q` does not match `item`; else the spans of the positive matches.

    Spans are character offsets into the original title/summary, ordered by field and
    start; a metadata-only match gives an empty list.
    """
    single = _SINGLES.get(q)
    if single is None:
        single = _SINGLES[q] = ThemeMatcher([("", q)])
    return single.explain_theme(0, item)


# A query's own matcher, built on its first explain() and dropped with the query.
_SINGLES: WeakKeyDictionary[CompiledQuery, ThemeMatcher] = WeakKeyDictionary()


def _state(item: MatchItem, starts: dict[int, tuple[set[int], set[int]]]) -> State:
    return State(starts, item)


def _spans(
    root: RBNode,
    state: State,
    fields: tuple[TokenSeq, TokenSeq],
    made: dict[tuple[int, int, int], Span],
) -> tuple[Span, ...]:
    found: Found = set()
    root.collect(state, found)
    spans = []
    for key in sorted(found):
        span = made.get(key)
        if span is None:
            f, s, e = key
            seq = fields[f]
            start, end = seq.starts[s], seq.ends[e]
            span = made[key] = Span(FIELD_NAMES[f], start, end, seq.text[start:end])  # type: ignore[arg-type]
        spans.append(span)
    return tuple(spans)
