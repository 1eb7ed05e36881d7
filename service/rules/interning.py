"""Program -> shared runtime nodes, and the atoms each theme cannot match without.

Identical sub-expressions of different themes (aliases used by many themes) become one
runtime node, so their spans are computed once per item.
"""

from __future__ import annotations

from collections.abc import Iterable

from .atoms import Atom
from .program import BAnd, BMeta, BNode, BNot, BOr, BPos, PNode, POr, PSeq
from .runtime import RAnd, RAny, RBNode, RMeta, RNear, RNot, ROr, ROrB, RPNode, RPos, RSeq

Clause = frozenset[int]  # at least one of these atom ids must occur in the item


class Interner:
    def __init__(self) -> None:
        self.atoms: list[Atom] = []
        self._atom_ids: dict[Atom, int] = {}
        self._pos: dict[PNode, RPNode] = {}
        self._slots = 0
        self._bpos: dict[tuple[PNode, tuple[int, ...]], RPos] = {}
        self._clause_ids: dict[Clause, int] = {}

    def atom(self, atom: Atom) -> int:
        aid = self._atom_ids.get(atom)
        if aid is None:
            aid = self._atom_ids[atom] = len(self.atoms)
            self.atoms.append(atom)
        return aid

    def positional(self, node: PNode) -> RPNode:
        hit = self._pos.get(node)
        if hit is not None:
            return hit
        made: RPNode
        singles = _single_atoms(node)
        if singles is not None:
            ids = tuple(self.atom(a) for a in singles)
            made = RAny(self._slot(), ids, tuple(a.width for a in singles))
        elif isinstance(node, PSeq):
            ids = tuple(self.atom(a) for a in node.atoms)
            made = RSeq(self._slot(), ids, tuple(a.width for a in node.atoms))
        elif isinstance(node, POr):
            made = ROr(0, tuple(self.positional(i) for i in _grouped_or(node)))
            made.slot = self._slot()
        else:
            left, right = self.positional(node.left), self.positional(node.right)
            made = RNear(self._slot(), left, right, node.n, node.forward)
        self._pos[node] = made
        return made

    def _slot(self) -> int:
        """A memo slot per runtime node; taken after the children have theirs."""
        self._slots += 1
        return self._slots

    def boolean(self, node: BNode) -> RBNode:
        if isinstance(node, BPos):
            key = (node.node, node.fields)
            hit = self._bpos.get(key)
            if hit is None:
                hit = self._bpos[key] = RPos(
                    len(self._bpos), self.positional(node.node), node.fields
                )
            return hit
        if isinstance(node, BAnd):  # nested ANDs (from parentheses, aliases) become one
            return RAnd(tuple(self.boolean(i) for i in _flat(node, BAnd)))
        if isinstance(node, BOr):
            return ROrB(tuple(self.boolean(i) for i in _flat(node, BOr)))
        if isinstance(node, BNot):
            return RNot(self.boolean(node.child))
        assert isinstance(node, BMeta)
        return RMeta(node.kind, node.value)

    def clause_id(self, clause: Clause) -> int:
        """Themes share clauses (one per alias, typically): each is checked once per item."""
        cid = self._clause_ids.get(clause)
        if cid is None:
            cid = self._clause_ids[clause] = len(self._clause_ids)
        return cid

    @property
    def clauses(self) -> list[Clause]:
        return list(self._clause_ids)

    def specificity(self, clause: Clause) -> tuple[int, int]:
        """Rank clauses for triggering: long literal keys are rarer; fewer atoms is better."""
        shortest = min(len(self.atoms[a].prefix) for a in clause)
        return shortest, -len(clause)


def _flat(node: BAnd | BOr, kind: type[BAnd] | type[BOr]) -> list[BNode]:
    out: list[BNode] = []
    for item in node.items:
        out.extend(_flat(item, kind) if isinstance(item, kind) else [item])
    return out


def _flat_or(node: POr) -> list[PNode]:
    """Members of nested ORs (an OR of aliases): the union does not care about nesting."""
    out: list[PNode] = []
    for item in node.items:
        out.extend(_flat_or(item) if isinstance(item, POr) else [item])
    return out


def _grouped_or(node: POr) -> list[PNode]:
    """The members of an OR, with all single atoms gathered into one (cheaper) member."""
    singles: list[PNode] = []
    others: list[PNode] = []
    for item in _flat_or(node):
        single = isinstance(item, PSeq) and len(item.atoms) == 1
        (singles if single else others).append(item)
    if len(singles) > 1:
        singles = [POr(tuple(singles))]
    return singles + others


def _single_atoms(node: PNode) -> list[Atom] | None:
    """The atoms, if `node` is one atom or an OR of single atoms; else None."""
    if isinstance(node, PSeq):
        return list(node.atoms) if len(node.atoms) == 1 else None
    if not isinstance(node, POr):
        return None
    atoms: list[Atom] = []
    for item in _flat_or(node):
        if not isinstance(item, PSeq) or len(item.atoms) != 1:
            return None
        atoms.append(item.atoms[0])
    return list(dict.fromkeys(atoms))


def clauses_of(node: BNode, interner: Interner) -> list[Clause]:
    """Necessary conditions of `node`: every clause must meet the item's atoms.

    An empty list means the node can be true without any atom (NOT, metadata).
    """
    if isinstance(node, BPos):
        return _pos_clauses(node.node, interner)
    if isinstance(node, BAnd):
        return [c for item in node.items for c in clauses_of(item, interner)]
    if isinstance(node, BOr):
        return _either([clauses_of(i, interner) for i in node.items])
    return []


def _pos_clauses(node: PNode, interner: Interner) -> list[Clause]:
    if isinstance(node, PSeq):
        return [frozenset({interner.atom(a)}) for a in node.atoms]
    if isinstance(node, POr):
        return _either([_pos_clauses(i, interner) for i in node.items])
    return _pos_clauses(node.left, interner) + _pos_clauses(node.right, interner)


def _either(options: Iterable[list[Clause]]) -> list[Clause]:
    """A clause for an OR: one clause of each member, merged (if every member has one)."""
    merged: set[int] = set()
    for clauses in options:
        if not clauses:
            return []
        merged |= min(clauses, key=len)
    return [frozenset(merged)]
