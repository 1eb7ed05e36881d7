"""Theme quality: precision, recall and F1 of each theme against labelled articles.

    python bench/eval_themes.py CONFIG.yaml [LABELLED.jsonl] [--verbose]

CONFIG is config-like YAML with `aliases:` and `themes:` (id, query). LABELLED is JSON
lines with title, summary and labels {theme_id: yes|brief|no}; "brief" (a passing
mention) counts neither way. Summaries may hold HTML entities: they are unescaped.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.rules import MatchItem, compile_query, explain, validate_aliases  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "fixtures" / "news-2023" / "labelled.jsonl"


@dataclass
class Score:
    theme: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_pos: list[str] = field(default_factory=list)
    false_neg: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def item_of(row: dict[str, Any]) -> MatchItem:
    return MatchItem(
        title=html.unescape(row.get("title") or ""),
        summary=html.unescape(row.get("summary") or ""),
    )


def evaluate(config: dict[str, Any], rows: list[dict[str, Any]]) -> list[Score]:
    aliases = config.get("aliases") or {}
    validate_aliases(aliases)
    items = [item_of(row) for row in rows]
    scores = []
    for theme in config.get("themes") or []:
        query = compile_query(theme["query"], aliases)
        score = Score(theme["id"])
        for row, item in zip(rows, items, strict=True):
            label = (row.get("labels") or {}).get(theme["id"])
            if label not in ("yes", "no"):
                continue  # brief, or not labelled for this theme
            matched = explain(query, item) is not None
            line = f"{item.title} || {item.summary[:160]}"
            if matched and label == "yes":
                score.tp += 1
            elif matched:
                score.fp += 1
                score.false_pos.append(line)
            elif label == "yes":
                score.fn += 1
                score.false_neg.append(line)
        scores.append(score)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config", type=Path)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--verbose", "-v", action="store_true", help="list FPs and FNs")
    args = parser.parse_args()
    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    for s in evaluate(config, load_rows(args.data)):
        figures = {"precision": s.precision, "recall": s.recall, "f1": s.f1}
        print(
            json.dumps(
                {"theme": s.theme, "tp": s.tp, "fp": s.fp, "fn": s.fn}
                | {k: round(v, 3) for k, v in figures.items()}
            )
        )
        if args.verbose:
            for line in s.false_pos:
                print(f"  FP  {line}")
            for line in s.false_neg:
                print(f"  FN  {line}")


if __name__ == "__main__":
    main()
