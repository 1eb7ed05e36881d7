"""How a rule agrees with the desk's marks, and what an edit changes for marked stories."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Agreement:
    not_relevant_matched: int  # matched, but the desk said not relevant
    missed_matched: int  # marked missed, and this rule would catch it
    missed_unmatched: int  # marked missed, still not matched
    relevant_unmatched: int  # marked relevant, but this rule would drop it

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    def sentence(self) -> str:
        return (
            f"matches {self.missed_matched} of {self.missed_matched + self.missed_unmatched} "
            f"stories marked missed and {self.not_relevant_matched} marked not relevant; "
            f"leaves out {self.relevant_unmatched} marked relevant"
        )


def agreement(matched: Set[int], marks: Mapping[int, str]) -> Agreement:
    def count(mark: str, inside: bool) -> int:
        return sum(1 for s, m in marks.items() if m == mark and (s in matched) == inside)

    return Agreement(
        not_relevant_matched=count("not_relevant", True),
        missed_matched=count("missed", True),
        missed_unmatched=count("missed", False),
        relevant_unmatched=count("relevant", False),
    )


def edit_effect(before: Set[int], after: Set[int], marks: Mapping[int, str]) -> str:
    """`this edit drops 3 stories marked not relevant and adds 1 marked missed`: the marked
    stories an edit lets in or leaves out, good news first."""
    entering, leaving = after - before, before - after

    def count(stories: Set[int], mark: str) -> int:
        return sum(1 for s in stories if marks.get(s) == mark)

    parts = [
        ("drops", count(leaving, "not_relevant"), "not relevant"),
        ("adds", count(entering, "missed"), "missed"),
        ("adds", count(entering, "relevant"), "relevant"),
        ("adds", count(entering, "not_relevant"), "not relevant"),
        ("drops", count(leaving, "missed"), "missed"),
        ("drops", count(leaving, "relevant"), "relevant"),
    ]
    said = []
    for verb, n, label in parts:
        if n:
            noun = "story" if n == 1 else "stories"
            said.append(f"{verb} {n} {noun} marked {label}")
    if not said:
        return "this edit changes no marked story"
    if len(said) == 1:
        return f"this edit {said[0]}"
    return f"this edit {', '.join(said[:-1])} and {said[-1]}"
