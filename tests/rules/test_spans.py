"""Spans are character offsets into the original (un-normalized) field text."""

from __future__ import annotations

from service.domain import Span
from service.rules import MatchItem, compile_query, explain


def explain_text(query: str, title: str = "", summary: str = "") -> list[Span] | None:
    return explain(compile_query(query), MatchItem(title=title, summary=summary))


def test_the_cli_example_spans_the_en_dash() -> None:
    found = explain_text('"Japan-South Korea"', title="Japan–South Korea summit set for Tokyo")
    assert found == [Span("title", 0, 17, "Japan–South Korea")]


def test_offsets_survive_nfkc_length_changes() -> None:
    title = "ﬁrst ＱＵＡＤ首脳会合 ｶﾞｲﾄﾞ"
    found = explain_text("(first AND quad AND 首脳) AND ガイド", title=title)
    assert found is not None
    assert [(s.start, s.end, s.text) for s in found] == [
        (0, 4, "ﬁrst"),
        (5, 9, "ＱＵＡＤ"),
        (9, 11, "首脳"),
        (14, 19, "ｶﾞｲﾄﾞ"),
    ]
    assert all(title[s.start : s.end] == s.text for s in found)


def test_offsets_survive_combining_accents() -> None:
    summary = "Cafe\u0301 in Core\u0301e du Sud"
    found = explain_text("Corée", summary=summary)
    assert found == [Span("summary", 9, 15, "Core\u0301e")]


def test_a_cjk_span_includes_a_deleted_interpunct() -> None:
    assert explain_text("한일 AND 관계", summary="한·일 관계") == [
        Span("summary", 0, 3, "한·일"),
        Span("summary", 4, 6, "관계"),
    ]


def test_spans_are_reported_per_field_title_first() -> None:
    found = explain_text("Japan", title="x Japan", summary="Japan y")
    assert found == [Span("title", 2, 7, "Japan"), Span("summary", 0, 5, "Japan")]


def test_a_possessive_is_inside_the_phrase_span() -> None:
    assert explain_text('"Japan PM"', title="Japan’s PM") == [Span("title", 0, 10, "Japan’s PM")]


def test_no_match_gives_none() -> None:
    assert explain_text("Korea", title="Japan") is None


def test_astral_characters_keep_their_offsets() -> None:
    summary = "𝐐𝐮𝐚𝐝 talks on 𠀋𠀋 issues"
    found = explain_text("{Quad} AND 𠀋𠀋", summary=summary)
    assert found is not None
    assert [(s.start, s.end, s.text) for s in found] == [(0, 4, "𝐐𝐮𝐚𝐝"), (14, 16, "𠀋𠀋")]
