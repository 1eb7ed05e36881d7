"""Evaluation of a program on one item (RULES.md §6-7).

Positional nodes are interned (one object per distinct sub-expression across all
themes) and their span sets are memoised per item, so shared aliases cost once.
Spans here are (start, end) token positions, both inclusive.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Protocol

SpanT = tuple[int, int]
Leaves = dict[SpanT, set[SpanT]]  # result span -> the atom/phrase spans that produced it
_EMPTY: frozenset[SpanT] = frozenset()


class Meta(Protocol):
    """The metadata of an item (MatchItem satisfies it)."""

    @property
    def source(self) -> str: ...
    @property
    def feed(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def lang(self) -> str | None: ...


class State:
    """What one item offers: atom start positions per field, metadata, and memos."""

    __slots__ = ("starts", "memo", "leaf_memo", "truths", "found", "item", "_meta")

    def __init__(self, starts: dict[int, tuple[set[int], set[int]]], item: Meta):
        self.starts = starts  # atom id -> (starts in title, starts in summary)
        self.memo: dict[int, frozenset[SpanT] | set[SpanT]] = {}
        self.leaf_memo: dict[int, Leaves] = {}  # slot*2+field -> explanation of NEAR spans
        self.truths: dict[int, bool] = {}  # RPos slot -> truth
        self.found: dict[int, list[tuple[int, int, int]]] = {}  # RPos slot -> its leaf spans
        self.item = item
        self._meta: tuple[str, str, str, frozenset[str]] | None = None

    def meta(self) -> tuple[str, str, str, frozenset[str]]:
        """(host, lang, feed, tags), normalized for comparison; only built when asked."""
        if self._meta is None:
            item = self.item
            self._meta = (
                item.source.strip().lower().removeprefix("www."),
                (item.lang or "").strip().lower(),
                item.feed.strip().casefold(),
                frozenset(t.strip().casefold() for t in item.tags),
            )
        return self._meta


class RSeq:
    __slots__ = ("slot", "atoms", "widths")
    flat: ClassVar[bool] = True  # every span is its own explanation (no NEAR inside)

    def __init__(self, slot: int, atoms: tuple[int, ...], widths: tuple[int, ...]):
        self.slot = slot  # memo key base: slot*2 + field
        self.atoms = atoms
        self.widths = widths

    def spans(self, st: State, f: int) -> frozenset[SpanT] | set[SpanT]:
        key = self.slot * 2 + f
        hit = st.memo.get(key)
        if hit is None:
            hit = st.memo[key] = self._spans(st, f)
        return hit

    def nonempty(self, st: State, f: int) -> bool:
        starts = st.starts
        for atom in self.atoms:  # usually an atom is missing: no span set needed
            per_field = starts.get(atom)
            if per_field is None or not per_field[f]:
                return False
        return len(self.atoms) == 1 or bool(self.spans(st, f))

    def _spans(self, st: State, f: int) -> frozenset[SpanT] | set[SpanT]:
        found = []
        for atom in self.atoms:
            per_field = st.starts.get(atom)
            if per_field is None or not per_field[f]:
                return _EMPTY
            found.append(per_field[f])
        out: set[SpanT] = set()
        for p in found[0]:
            end = p + self.widths[0] - 1
            for starts, width in zip(found[1:], self.widths[1:], strict=True):
                if end + 1 not in starts:
                    break
                end += width
            else:
                out.add((p, end))
        return out

    def leaves(self, st: State, f: int) -> Leaves:
        return {span: {span} for span in self.spans(st, f)}


class RAny:
    """Any of several single atoms: what most aliases (list form) compile to."""

    __slots__ = ("slot", "atoms", "widths")
    flat: ClassVar[bool] = True

    def __init__(self, slot: int, atoms: tuple[int, ...], widths: tuple[int, ...]):
        self.slot = slot
        self.atoms = atoms
        self.widths = widths

    def nonempty(self, st: State, f: int) -> bool:
        starts = st.starts
        for atom in self.atoms:
            per_field = starts.get(atom)
            if per_field is not None and per_field[f]:
                return True
        return False

    def spans(self, st: State, f: int) -> frozenset[SpanT] | set[SpanT]:
        key = self.slot * 2 + f
        hit = st.memo.get(key)
        if hit is None:
            out: set[SpanT] = set()
            starts = st.starts
            for atom, width in zip(self.atoms, self.widths, strict=True):
                per_field = starts.get(atom)
                if per_field is not None and per_field[f]:
                    out.update([(p, p + width - 1) for p in per_field[f]])
            hit = st.memo[key] = out
        return hit

    def leaves(self, st: State, f: int) -> Leaves:
        return {span: {span} for span in self.spans(st, f)}


class ROr:
    __slots__ = ("slot", "items", "flat")

    def __init__(self, slot: int, items: tuple[RPNode, ...]):
        self.slot = slot
        self.items = items
        self.flat: bool = all(i.flat for i in items)

    def spans(self, st: State, f: int) -> frozenset[SpanT] | set[SpanT]:
        key = self.slot * 2 + f
        hit = st.memo.get(key)
        if hit is None:
            out: set[SpanT] = set()
            for item in self.items:
                out.update(item.spans(st, f))
            hit = st.memo[key] = out
        return hit

    def nonempty(self, st: State, f: int) -> bool:
        for item in self.items:  # noqa: SIM110 (a plain loop: no generator in the hot path)
            if item.nonempty(st, f):
                return True
        return False

    def leaves(self, st: State, f: int) -> Leaves:
        out: Leaves = {}
        for item in self.items:
            for span, leaves in item.leaves(st, f).items():
                out.setdefault(span, set()).update(leaves)
        return out


class RNear:
    __slots__ = ("slot", "left", "right", "n", "forward")
    flat: ClassVar[bool] = False

    def __init__(self, slot: int, left: RPNode, right: RPNode, n: int, forward: bool):
        self.slot = slot
        self.left = left
        self.right = right
        self.n = n
        self.forward = forward

    def spans(self, st: State, f: int) -> frozenset[SpanT] | set[SpanT]:
        key = self.slot * 2 + f
        hit = st.memo.get(key)
        if hit is None:
            hit = st.memo[key] = self._spans(st, f)
        return hit

    def nonempty(self, st: State, f: int) -> bool:
        return bool(self.spans(st, f))

    def _spans(self, st: State, f: int) -> frozenset[SpanT] | set[SpanT]:
        # The same pairing as _pairs, without a generator: this runs for every candidate.
        if not (self.left.nonempty(st, f) and self.right.nonempty(st, f)):
            return _EMPTY
        n, forward = self.n, self.forward
        rights = self.right.spans(st, f)
        out: set[SpanT] = set()
        for ls, le in self.left.spans(st, f):
            for rs, re in rights:
                if rs > le:
                    if rs - le - 1 <= n:
                        out.add((ls, re if re > le else le))
                elif ls > re and not forward and ls - re - 1 <= n:
                    out.add((rs, le if le > re else re))
        return out

    def _pairs(self, st: State, f: int) -> Iterable[tuple[SpanT, SpanT, SpanT]]:
        lefts = self.left.spans(st, f)
        rights = self.right.spans(st, f) if lefts else _EMPTY
        for ls, le in lefts:
            for rs, re in rights:
                if rs > le:
                    gap = rs - le - 1  # B after A
                elif ls > re and not self.forward:
                    gap = ls - re - 1  # A after B
                else:
                    continue  # overlapping pairs never count (§6)
                if gap <= self.n:
                    yield (min(ls, rs), max(le, re)), (ls, le), (rs, re)

    def leaves(self, st: State, f: int) -> Leaves:
        key = self.slot * 2 + f
        out = st.leaf_memo.get(key)
        if out is None:
            left, right = self.left.leaves(st, f), self.right.leaves(st, f)
            out = st.leaf_memo[key] = {}
            for result, lspan, rspan in self._pairs(st, f):
                out.setdefault(result, set()).update(left[lspan], right[rspan])
        return out


RPNode = RSeq | RAny | ROr | RNear
Found = set[tuple[int, int, int]]  # (field, start, end) of atom/phrase spans


class RPos:
    __slots__ = ("slot", "node", "fields")

    def __init__(self, slot: int, node: RPNode, fields: tuple[int, ...]):
        self.slot = slot  # shared by every theme using the same expression in the same fields
        self.node = node
        self.fields = fields

    def truth(self, st: State) -> bool:
        hit = st.truths.get(self.slot)
        if hit is None:
            hit = False
            for f in self.fields:
                if self.node.nonempty(st, f):
                    hit = True
                    break
            st.truths[self.slot] = hit
        return hit

    def collect(self, st: State, out: Found) -> None:
        found = st.found.get(self.slot)
        if found is None:
            found = st.found[self.slot] = []
            for f in self.fields:
                if self.node.flat:
                    found.extend((f, s, e) for s, e in self.node.spans(st, f))
                else:
                    for leaves in self.node.leaves(st, f).values():
                        found.extend((f, s, e) for s, e in leaves)
        out.update(found)


class RAnd:
    __slots__ = ("items",)

    def __init__(self, items: tuple[RBNode, ...]):
        self.items = items

    def truth(self, st: State) -> bool:
        for item in self.items:  # noqa: SIM110 (a plain loop: no generator in the hot path)
            if not item.truth(st):
                return False
        return True

    def collect(self, st: State, out: Found) -> None:
        for item in self.items:
            item.collect(st, out)


class ROrB:
    __slots__ = ("items",)

    def __init__(self, items: tuple[RBNode, ...]):
        self.items = items

    def truth(self, st: State) -> bool:
        for item in self.items:  # noqa: SIM110 (a plain loop: no generator in the hot path)
            if item.truth(st):
                return True
        return False

    def collect(self, st: State, out: Found) -> None:
        for item in self.items:
            if item.truth(st):
                item.collect(st, out)


class RNot:
    __slots__ = ("child",)

    def __init__(self, child: RBNode):
        self.child = child

    def truth(self, st: State) -> bool:
        return not self.child.truth(st)

    def collect(self, st: State, out: Found) -> None:
        return  # what is absent explains nothing


class RMeta:
    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: str):
        self.kind = kind
        self.value = value

    def truth(self, st: State) -> bool:
        x = self.value
        host, lang, feed, tags = st.meta()
        if self.kind == "lang":
            return lang == x or lang.startswith(x + "-")
        if self.kind == "source":
            return host == x or host.endswith("." + x)
        if self.kind == "feed":
            return feed == x
        return x in tags

    def collect(self, st: State, out: Found) -> None:
        return  # metadata has no text span


RBNode = RPos | RAnd | ROrB | RNot | RMeta
