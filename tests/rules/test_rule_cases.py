"""The acceptance cases of RULES.md (rule-cases.yaml, copied from /work/shared), as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from service.rules import MatchItem, WRLError, compile_query, explain, validate_aliases

CASES: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "rule-cases.yaml").read_text())
ALIASES = CASES["aliases"]


def test_the_case_aliases_are_valid() -> None:
    validate_aliases(ALIASES)


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["id"])
def test_valid_case_matches_as_expected(case: dict[str, Any]) -> None:
    query = compile_query(case["query"], ALIASES)
    item = MatchItem(
        title=case.get("title") or "",
        summary=case.get("text") or "",
        lang=case.get("lang"),
        source=case.get("source") or "",
    )
    assert (explain(query, item) is not None) is case["expect"], case["why"]


@pytest.mark.parametrize("case", CASES["invalid_queries"], ids=lambda c: c["id"])
def test_invalid_case_is_rejected_with_its_code(case: dict[str, Any]) -> None:
    with pytest.raises(WRLError) as info:
        compile_query(case["query"], ALIASES)
    assert info.value.code == case["code"], case["why"]
