"""RULES.md §5-7: atoms, sequences, NEAR, CJK, accents, fields and metadata."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import matches, spans

KYODO = (
    "Canada has proposed creating a quadruple cooperation framework with Japan, "
    "South Korea and the United States"
)


# -- atoms (§5) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Korea*", "South Korean leader", True),
        ("Korea*", "Korea", True),  # * = zero or more
        ("Kor?a", "Korea", True),
        ("Kore?", "Korea", True),
        ("Kore?", "Kore", False),  # ? = exactly one
        ("normaliz*", "normalization talks", True),
        ("quadr*", "the quad bike", False),
        ("Korea*", "Japan-Korea", True),
        ("Jap*Korea", "Japan-Korea", False),  # never crosses a token boundary
        ("Core*", "Corée du Sud", True),  # unaccented wildcard ignores accents
        ("Corée*", "COREE", False),
    ],
)
def test_wildcards_glob_one_whole_token(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Coree", "Corée du Sud", True),
        ("Coree", "COREE DU SUD", True),
        ("Corée", "Corée du Sud", True),
        ("Corée", "COREE DU SUD", False),
        ("Corée", "CORÉE DU SUD", True),
        ("strasse", "Straße", True),
        ("São", "SAO PAULO", False),
        ("Sao", "São Paulo", True),
    ],
)
def test_accents_are_required_only_when_the_query_has_them(
    query: str, text: str, expected: bool
) -> None:
    assert matches(query, text) is expected


def test_exact_case_braces_compare_the_nfkc_token() -> None:
    assert matches("{QUAD}", "ＱＵＡＤ summit")
    assert not matches("{QUAD}", "Quad summit")
    assert matches("{U.S.}", "the U.S. said")
    assert not matches("{U.S.}", "the u.s. said")


def test_cjk_tokens_are_never_case_folded_or_stripped() -> None:
    assert not matches("ガイド", "カイド")
    assert matches("ガイド", "ｶﾞｲﾄﾞ")


def test_dotted_acronyms_are_their_own_token() -> None:
    assert matches('"U.S."', "the U.S. and Japan")
    assert matches("U.S", "the U.S. and Japan")
    assert not matches("US", "the U.S. and Japan")
    assert not matches("U.S.", "US and Japan")


# -- sequences ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ('"South Korea"', "South Korea", True),
        ('"South Korea"', "South  and Korea", False),
        ("Indo-Pacific", "Indo–Pacific", True),
        ("Indo-Pacific", "Indopacific", False),
        ("Indopacific", "Indo-Pacific", False),
        ('"Japan\'s PM"', "Japan PM", True),
        ('"a quad* framework"', "a quadrilateral framework", True),
        ('"한일 관계"', "한일관계 개선", True),
        ('"한일 관계"', "한일 관계 개선", True),
        ('"日 韓"', "日韓", True),  # one-character atoms are fine inside a longer phrase
        ('"quad 首脳"', "QUAD首脳会合", True),
    ],
)
def test_a_phrase_is_a_sequence_of_adjacent_atoms(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_a_phrase_never_spans_two_fields() -> None:
    assert not matches('"Tokyo summit"', title="Leaders meet in Tokyo", text="summit opens")


# -- NEAR (§6) ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Japan NEAR/0 South", True),
        ("South NEAR/0 Japan", True),  # order free
        ("South NEAR/0f Japan", False),
        ("Japan NEAR/0 Korea", False),  # one word between
        ("Korea NEAR/1 Japan", True),
        ("Korea NEAR/1f Japan", False),
        ('"South Korea" NEAR/0f "United States"', False),  # "and the" between
        ('"South Korea" NEAR/2f "United States"', True),
        ("Canada NEAR/4 (quadruple OR triple)", True),
        ("Canada NEAR/3 (quadruple OR triple)", False),
        ("(Canada NEAR/4 quadruple) NEAR/3 Japan", True),  # the result span nests
        ("(Canada NEAR/4 quadruple) NEAR/2 Japan", False),
        ("(quadruple NEAR/1 framework) NEAR/0 cooperation", False),  # overlap is ignored
    ],
)
def test_near_counts_tokens_strictly_between_the_spans(query: str, expected: bool) -> None:
    assert matches(query, KYODO) is expected


def test_near_ignores_pairs_that_overlap() -> None:
    assert not matches('"South Korea" NEAR/5 Korea', "South Korea")
    assert matches('"South Korea" NEAR/5 Korea', "South Korea and Korea")
    assert not matches("(日韓 OR 韓国) NEAR/5 (日本 OR 日韓)", "日韓関係の正常化")


def test_near_counts_each_cjk_character_as_one_position() -> None:
    assert matches("日韓 NEAR/3 正常化", "日韓関係の正常化")
    assert not matches("日韓 NEAR/2 正常化", "日韓関係の正常化")


def test_near_never_pairs_spans_from_two_fields() -> None:
    assert not matches("Tokyo NEAR/5 summit", title="Leaders in Tokyo", text="summit opens")
    assert matches("Tokyo NEAR/5 summit", title="Tokyo summit", text="")


def test_stop_words_count_toward_the_distance() -> None:
    assert matches("Japan NEAR/3f Korea", "Japan and the South Korea")
    assert not matches("Japan NEAR/2f Korea", "Japan and the South Korea")


# -- CJK (§4-5) ---------------------------------------------------------------------------
def test_a_cjk_term_is_a_substring_of_one_run() -> None:
    assert matches("正常化", "日韓関係の正常化へ")
    assert not matches("関係の正常", "日韓関係 の正常化")
    assert matches("한일", "한·일 정상회담")


# -- boolean, fields, metadata (§7) -------------------------------------------------------
def test_boolean_operators_combine_whole_item_truth() -> None:
    assert matches("Japan AND Korea", "Korea", title="Japan")
    assert matches("Japan NOT bike", "Japan")
    assert not matches("Japan NOT bike", "Japan quad bike")
    assert matches("Japan AND NOT bike", "Japan")
    assert matches("bike OR (Korea NOT Japan)", "Korea")


def test_field_prefixes_scope_the_whole_subexpression() -> None:
    assert matches("title:(Japan AND Korea)", title="Japan and Korea")
    assert not matches("title:(Japan AND Korea)", "Korea", title="Japan")
    assert matches("title:Japan AND summary:Korea", "Korea", title="Japan")
    assert not matches("title:Japan AND Korea", "", title="Korea")
    assert matches('summary:"South Korea"', "South Korea")
    assert not matches('summary:"South Korea"', "", title="South Korea")


@pytest.mark.parametrize(
    ("query", "meta", "expected"),
    [
        ("Japan AND lang:ja", {"lang": "ja-JP"}, True),
        ("Japan AND lang:ja", {"lang": "JA"}, True),
        ("Japan AND lang:ja", {"lang": "jav"}, False),
        ("Japan AND lang:ja", {}, False),
        ("Japan AND source:kyodonews.net", {"source": "english.kyodonews.net"}, True),
        ("Japan AND source:kyodonews.net", {"source": "www.kyodonews.net"}, True),
        ("Japan AND source:kyodonews.net", {"source": "notkyodonews.net"}, False),
        ('Japan AND feed:"Kyodo News"', {"feed": "kyodo news"}, True),
        ('Japan AND feed:"Kyodo News"', {"feed": "Kyodo News English"}, False),
        ("Japan AND tag:wire", {"tags": ("Wire", "japan")}, True),
        ("Japan AND tag:wire", {"tags": ("wires",)}, False),
    ],
)
def test_metadata_predicates(query: str, meta: dict[str, Any], expected: bool) -> None:
    assert matches(query, "Japan", **meta) is expected


def test_a_metadata_only_query_matches_with_no_spans() -> None:
    from service.rules import MatchItem, compile_query, explain

    query = compile_query("lang:ja AND tag:wire")
    assert explain(query, MatchItem(lang="ja", tags=("wire",))) == []
    assert explain(query, MatchItem(lang="ko", tags=("wire",))) is None


def test_alias_forms_list_is_literal_and_string_is_wrl() -> None:
    aliases = {
        "lst": ["South Korea", "{ROK}", "Indo-Pacific", "@str", "normaliz*"],
        "str": "Seoul OR (Yoon NOT Yoonie)",
    }
    assert matches("@lst", "South Korea", aliases=aliases)
    assert not matches("@lst", "South and Korea", aliases=aliases)
    assert not matches("@lst", "rok", aliases=aliases)
    assert matches("@lst", "ROK", aliases=aliases)
    assert matches("@lst", "Yoon", aliases=aliases)
    assert not matches("@lst", "Yoon Yoonie", aliases=aliases)
    assert matches("@lst", "normalized", aliases=aliases)
    assert matches("@lst", "Indo Pacific", aliases=aliases)


def test_a_list_item_that_looks_like_an_operator_is_just_a_phrase() -> None:
    aliases = {"ops": ["Japan AND Korea", "NOT"]}
    assert matches("@ops", "Japan and Korea", aliases=aliases)
    assert not matches("@ops", "Japan, Korea", aliases=aliases)
    assert matches("@ops", "not", aliases=aliases)


def test_an_alias_expands_as_a_parenthesised_group() -> None:
    aliases = {"jk": "Japan OR Korea"}
    # pasted as text this would be "Japan OR Korea AND summit" (E2); as a group it is fine
    assert matches("@jk AND summit", "Korea summit", aliases=aliases)
    assert not matches("@jk AND summit", "Korea", aliases=aliases)


def test_highlight_spans_come_from_the_positive_parts_only() -> None:
    assert spans("(Japan OR Korea) AND NOT bike", "Japan and Korea") == [
        ("summary", "Japan"),
        ("summary", "Korea"),
    ]
    assert spans("Japan NEAR/3 Korea", "Japan and South Korea") == [
        ("summary", "Japan"),
        ("summary", "Korea"),
    ]
