"""RULES.md §4: the text model (NFKC, token classes, apostrophes, periods, CJK runs)."""

from __future__ import annotations

import pytest

from service.rules.scripts import is_cjk
from service.rules.textmodel import forms, tokenize


def words(text: str) -> list[str]:
    return tokenize(text).exact


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Japan, South Korea", ["Japan", "South", "Korea"]),
        ("Japan–South Korea", ["Japan", "South", "Korea"]),
        ("Indo-Pacific", ["Indo", "Pacific"]),
        ("a−b ‐c ―d", ["a", "b", "c", "d"]),
        ("#Quad @kyodo +1 🚀 news", ["Quad", "kyodo", "1", "news"]),
    ],
)
def test_it_treats_punctuation_hyphens_and_symbols_as_separators(
    text: str, tokens: list[str]
) -> None:
    assert words(text) == tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Japan’s PM", ["Japan", "PM"]),
        ("Japan's PM", ["Japan", "PM"]),
        ("JAPAN'S", ["JAPAN"]),
        ("allies’ talks", ["allies", "talks"]),
        ("O'Neill", ["O", "Neill"]),
        ("Côte d'Ivoire", ["Côte", "d", "Ivoire"]),
        ("Japan'sx", ["Japan", "sx"]),
        ("Seoul‘s", ["Seoul"]),
        ("it's.", ["it"]),
    ],
)
def test_it_drops_possessive_s_and_splits_other_apostrophes(text: str, tokens: list[str]) -> None:
    assert words(text) == tokens


def test_it_keeps_inner_periods_and_drops_trailing_ones() -> None:
    assert words("the U.S. grew 3.5 percent, e.g. in Jan.") == [
        "the", "U.S", "grew", "3.5", "percent", "e.g", "in", "Jan",
    ]  # fmt: skip


def test_it_applies_nfkc_before_tokenizing() -> None:
    assert words("ＱＵＡＤ ﬁnal ①") == ["QUAD", "final", "1"]
    assert words("ｶﾞｲﾄﾞ") == ["ガ", "イ", "ド"]


def test_each_cjk_character_is_one_position_and_runs_are_recorded() -> None:
    seq = tokenize("ＱＵＡＤ首脳会合 が東京で")
    assert seq.exact == ["QUAD", "首", "脳", "会", "合", "が", "東", "京", "で"]
    assert seq.runs == [(1, "首脳会合"), (5, "が東京で")]


def test_an_interpunct_between_cjk_characters_is_deleted() -> None:
    assert tokenize("한·일 日本・韓国").runs == [(0, "한일"), (2, "日本韓国")]


def test_an_interpunct_elsewhere_is_a_separator() -> None:
    seq = tokenize("Japan·Korea 日本· x")
    assert seq.exact == ["Japan", "Korea", "日", "本", "x"]


def test_latin_letters_end_a_cjk_run() -> None:
    assert tokenize("日本AI戦略").runs == [(0, "日本"), (3, "戦略")]


def test_combining_marks_stay_inside_words() -> None:
    assert words("मनमोहन सिंह") == ["मनमोहन", "सिंह"]
    assert words("Cafe\u0301s") == ["Cafés"]


def test_wildcards_are_word_characters_only_for_queries() -> None:
    assert tokenize("Korea* normaliz?", wildcards=True).exact == ["Korea*", "normaliz?"]
    assert words("Korea* normaliz?") == ["Korea", "normaliz"]


@pytest.mark.parametrize(
    ("token", "acc", "bare"),
    [
        ("Corée", "corée", "coree"),
        ("STRASSE", "strasse", "strasse"),
        ("Straße", "strasse", "strasse"),
        ("İstanbul", "i̇stanbul", "istanbul"),
        ("QUAD", "quad", "quad"),
    ],
)
def test_word_forms_fold_case_and_strip_accents(token: str, acc: str, bare: str) -> None:
    assert forms(token) == (acc, bare)


@pytest.mark.parametrize("ch", ["日", "本", "ひ", "カ", "ー", "々", "〆", "〻", "한", "ᄀ", "𠀋"])
def test_the_script_classifier_accepts_cjk(ch: str) -> None:
    assert is_cjk(ch)


@pytest.mark.parametrize("ch", ["a", "é", "Я", "・", "、", "。", "1", "\u3000", "\u3099", " "])
def test_the_script_classifier_rejects_other_characters(ch: str) -> None:
    assert not is_cjk(ch)


def test_offsets_point_into_the_original_text_after_nfkc() -> None:
    text = "ﬁnal ＱＵＡＤ ｶﾞｲﾄﾞ"
    seq = tokenize(text)
    pieces = [text[a:b] for a, b in zip(seq.starts, seq.ends, strict=True)]
    assert pieces == ["ﬁnal", "ＱＵＡＤ", "ｶﾞ", "ｲ", "ﾄﾞ"]


def test_the_modifier_letter_apostrophe_is_an_apostrophe() -> None:
    assert words("Japanʼs allyʼx") == ["Japan", "ally", "x"]


def test_the_fast_path_agrees_with_the_general_tokenizer() -> None:
    import random

    from service.rules.textmodel import _is_simple, _tokenize_general

    alphabet = "aZsS9 .,'’ʼ‘-–é·ßI\u00a0"
    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        fast, general = tokenize(text), _tokenize_general(text, False)
        assert fast.exact == general.exact, text
        assert (fast.starts, fast.ends) == (general.starts, general.ends), text
        if _is_simple(text):
            assert fast.is_cjk is None
