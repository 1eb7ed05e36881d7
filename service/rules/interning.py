"""Program -> shared runtime nodes, and the atoms each theme cannot match without.

Identical sub-expressions of different themes (aliases used by many themes) become one
runtime node, so their spans are computed once per item.
"""

from __future__ import annotations

from collections.abc import Iterable

from .atoms import Atom
from .program import BAnd, BMeta, BNode, BNot, BOr, BPos, PNode, POr, PSeq
from .runtime import RAnd, RBNode, RMeta, RNear, RNot, ROr, ROrB, RPNode, RPos, RSeq

Clause = frozenset[int]  # at least one of these atom ids must occur in the item


class Interner:
    def __init__(self) -> None:
        self.atoms: list[Atom] = []
        self._atom_ids: dict[Atom, int] = {}
        self._pos: dict[PNode, RPNode] = {}
        self._slots = 0

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
        if isinstance(node, PSeq):
            ids = tuple(self.atom(a) for a in node.atoms)
            made = RSeq(self._slot(), ids, tuple(a.width for a in node.atoms))
        elif isinstance(node, POr):
            made = ROr(0, tuple(self.positional(i) for i in node.items))
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
            return RPos(self.positional(node.node), node.fields)
        if isinstance(node, BAnd):
            return RAnd(tuple(self.boolean(i) for i in node.items))
        if isinstance(node, BOr):
            return ROrB(tuple(self.boolean(i) for i in node.items))
        if isinstance(node, BNot):
            return RNot(self.boolean(node.child))
        assert isinstance(node, BMeta)
        return RMeta(node.kind, node.value)

    def specificity(self, clause: Clause) -> tuple[int, int]:
        """Rank clauses for triggering: long literal keys are rarer; fewer atoms is better."""
        shortest = min(len(self.atoms[a].prefix) for a in clause)
        return shortest, -len(clause)


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
