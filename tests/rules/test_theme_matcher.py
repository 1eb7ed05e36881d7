"""ThemeMatcher: many themes at once must agree with explain() on each theme alone."""

from __future__ import annotations

import random

import pytest

from service.domain import Hit
from service.rules import MatchItem, ThemeMatcher, compile_query, explain

ALIASES = {
    "japan": ["Japan", "Japanese", "Tokyo", "日本", "일본"],
    "korea": ["South Korea", "Seoul", "韓国", "한국", "Yoon"],
    "jp_kr": ["日韓", "한일"],
    "normalize": ["normaliz*", "thaw", "正常化", "정상화"],
}
QUERIES = {
    "norm": "((@japan NEAR/5 @korea) OR @jp_kr) AND @normalize",
    "quad": "{Quad} AND (summit OR Japan*)",
    "title-only": "title:(Japan AND summit)",
    "meta": "lang:ja AND tag:wire",
    "neg": "Seoul NOT thaw",
    "ordered": '"South Korea" NEAR/2f Japan',
    "either": "Tokyo OR (Seoul AND NOT Japan) OR feed:Yonhap",
}
WORDS = [
    "Japan", "Japanese", "Tokyo", "South", "Korea", "Seoul", "Yoon", "Quad", "quad",
    "summit", "thaw", "normalized", "and", "the", "日本", "韓国", "日韓", "正常化", "한일",
    "정상화", "Japan’s", "Indo-Pacific",
]  # fmt: skip


def build() -> ThemeMatcher:
    return ThemeMatcher([(k, compile_query(q, ALIASES)) for k, q in QUERIES.items()])


def random_item(rng: random.Random) -> MatchItem:
    def text() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8)))

    return MatchItem(
        title=text(),
        summary=text(),
        lang=rng.choice([None, "ja", "ko", "en"]),
        feed=rng.choice(["", "Yonhap", "Kyodo"]),
        tags=rng.choice([(), ("wire",)]),
    )


def test_it_agrees_with_explain_on_every_theme_for_random_items() -> None:
    matcher = build()
    compiled = {k: compile_query(q, ALIASES) for k, q in QUERIES.items()}
    rng = random.Random(4)
    for _ in range(400):
        item = random_item(rng)
        expected = []
        for theme_id, query in compiled.items():
            found = explain(query, item)
            if found is not None:
                expected.append(Hit(theme_id, tuple(found)))
        assert matcher.match(item) == expected, item


def test_it_matches_metadata_only_themes_without_any_text() -> None:
    hits = build().match(MatchItem(lang="ja-JP", tags=("Wire",)))
    assert hits == [Hit("meta", ())]


def test_it_returns_nothing_for_an_unrelated_item() -> None:
    assert build().match(MatchItem(title="Weather in Paris", summary="Rain")) == []


def test_it_reports_hits_in_theme_order_with_spans() -> None:
    item = MatchItem(title="Japan summit", summary="South Korea and Japan agree to a thaw")
    assert [h.theme_id for h in build().match(item)] == ["norm", "title-only", "ordered"]


def test_it_handles_no_themes() -> None:
    assert ThemeMatcher([]).match(MatchItem(title="Japan")) == []


def test_it_still_agrees_after_learning_which_clauses_are_rare(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from service.rules import matcher as matcher_module

    monkeypatch.setattr(matcher_module, "_SAMPLE", 1)
    monkeypatch.setattr(matcher_module, "_RETRIGGER", 16)
    matcher = build()
    compiled = {k: compile_query(q, ALIASES) for k, q in QUERIES.items()}
    rng = random.Random(5)
    for _ in range(300):
        item = random_item(rng)
        expected = [k for k, q in compiled.items() if explain(q, item) is not None]
        assert [h.theme_id for h in matcher.match(item)] == expected, item
