"""bench/shipped_themes.yaml (proposed config themes) and bench/eval_themes.py scoring."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from service.rules import MatchItem, compile_query, explain, validate_aliases

BENCH = Path(__file__).resolve().parents[2] / "bench"
SHIPPED: dict[str, Any] = yaml.safe_load((BENCH / "shipped_themes.yaml").read_text())


def load_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_themes", BENCH / "eval_themes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_themes"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_shipped_aliases_are_valid() -> None:
    validate_aliases(SHIPPED["aliases"])


@pytest.mark.parametrize("theme", SHIPPED["themes"], ids=lambda t: t["id"])
def test_each_shipped_theme_compiles_cleanly_and_agrees_with_its_examples(
    theme: dict[str, Any],
) -> None:
    query = compile_query(theme["query"], SHIPPED["aliases"])
    assert query.warnings == []
    for text in theme["examples"]["match"]:
        assert explain(query, MatchItem(title=text)) is not None, text
    for text in theme["examples"]["no_match"]:
        assert explain(query, MatchItem(title=text)) is None, text


def test_eval_counts_precision_and_recall_and_ignores_brief(tmp_path: Path) -> None:
    rows = [
        {"title": "Quad summit", "summary": "", "labels": {"q": "yes"}},
        {"title": "Quad leaders", "summary": "", "labels": {"q": "yes"}},
        {"title": "quad bike", "summary": "", "labels": {"q": "no"}},
        {"title": "Quad series", "summary": "", "labels": {"q": "brief"}},
        {"title": "Quad bike", "summary": "", "labels": {"q": "no"}},
        {"title": "The Quad &amp; China", "summary": "", "labels": {"q": "no"}},
    ]
    data = tmp_path / "labelled.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows))
    module = load_eval()
    theme = {"id": "q", "query": "{Quad} NOT bike NOT China"}
    config: dict[str, Any] = {"aliases": {}, "themes": [theme]}
    [score] = module.evaluate(config, module.load_rows(data))
    assert (score.tp, score.fp, score.fn) == (2, 0, 0)
    theme["query"] = "{Quad}"
    [score] = module.evaluate(config, module.load_rows(data))
    assert (score.tp, score.fp, score.fn) == (2, 2, 0)
    assert score.precision == 0.5 and score.recall == 1.0
    assert round(score.f1, 3) == 0.667
