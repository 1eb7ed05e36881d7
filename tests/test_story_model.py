"""The story model: independent reports of one event group, different events on one topic
stay apart, and without the embedding model grouping goes on with words and time."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from service.stories import embed
from service.stories import meaning as meaning_module
from service.stories.decide import Candidate, NewReport, choose_story
from service.stories.embed import WordPieces, load_encoder
from service.stories.features import DISTINCTIVE_WORDS, distinctive_words, report_text
from service.stories.meaning import Meaning
from service.stories.model import same_story
from service.stories.signature import text_signature

T0 = datetime(2023, 3, 16, 6, 0, tzinfo=UTC)
LAUNCH = (
    "North Korea fires ballistic missile into sea, Seoul says",
    "The launch came hours before the summit.",
)
SAME_LAUNCH = (
    "North Korea launches ICBM ahead of Japan-South Korea summit",
    "Pyongyang fired a long-range missile on Thursday morning.",
)
OTHER_LAUNCH = (
    "North Korea fires two short-range missiles",
    "The launch was the third this month.",
)

encoder, why = load_encoder()
needs_model = pytest.mark.skipif(encoder is None, reason=f"no embedding model: {why}")


def _new(article_id: int, title: str, summary: str, when: datetime) -> NewReport:
    return NewReport(article_id, title, summary, report_text(title, summary, when))


def _candidate(story: int, article_id: int, title: str, summary: str, when: datetime) -> Candidate:
    text = report_text(title, summary, when)
    return Candidate(story, None, when, article_id, title, summary, text)


@needs_model
def test_two_outlets_own_reports_of_one_launch_join_one_story() -> None:
    report = _new(1, *SAME_LAUNCH, T0 + timedelta(hours=1))
    signature = text_signature(*SAME_LAUNCH)
    candidates = [_candidate(7, 2, *LAUNCH, T0)]
    assert choose_story(signature, report.text.published, candidates, report=report,
                        meaning=Meaning(encoder)) == 7  # fmt: skip


@needs_model
def test_a_launch_two_days_later_is_another_story() -> None:
    report = _new(3, *OTHER_LAUNCH, T0 + timedelta(hours=50))
    signature = text_signature(*OTHER_LAUNCH)
    candidates = [_candidate(7, 4, *LAUNCH, T0)]
    assert choose_story(signature, report.text.published, candidates, report=report,
                        meaning=Meaning(encoder)) is None  # fmt: skip


def test_without_the_embedding_only_a_close_rewrite_groups() -> None:
    a = report_text(*LAUNCH, T0)
    near = report_text(
        "North Korea fires ballistic missile into the sea, Seoul says",
        "The launch came hours before the summit in Tokyo.",
        T0 + timedelta(hours=2),
    )
    assert same_story(a, near, None)[1]
    assert not same_story(a, report_text(*OTHER_LAUNCH, T0 + timedelta(hours=50)), None)[1]


def test_a_report_with_no_plausible_candidate_never_computes_an_embedding() -> None:
    class Counting:
        calls = 0

        def similarity(self, a: tuple[int, str, str], b: tuple[int, str, str]) -> float | None:
            Counting.calls += 1
            return 0.9

    rugby = ("Brave Blossoms beat Ireland in Dublin", "Japan's rugby team won 31-28.")
    report = _new(5, *rugby, T0 + timedelta(hours=1))
    choose_story(
        text_signature(*rugby),
        report.text.published,
        [_candidate(7, 6, *LAUNCH, T0)],
        report=report,
        meaning=Counting(),
    )
    assert Counting.calls == 0


def test_a_pair_the_words_already_decide_is_joined_without_an_embedding() -> None:
    class Counting:
        calls = 0

        def similarity(self, a: tuple[int, str, str], b: tuple[int, str, str]) -> float | None:
            Counting.calls += 1
            return 0.1  # would say "another story", were it asked

    rewrite = (
        "North Korea fires ballistic missile into the sea, Seoul says",
        "The launch came hours before the summit in Tokyo.",
    )
    report = _new(8, *rewrite, T0 + timedelta(hours=1))
    # A signature of other words: not a near-copy, so the story model decides.
    signature = text_signature("unrelated words entirely", "")
    joined = choose_story(
        signature,
        report.text.published,
        [_candidate(7, 9, *LAUNCH, T0)],
        report=report,
        meaning=Counting(),
    )
    assert joined == 7 and Counting.calls == 0


def test_the_meaning_of_the_second_most_probable_candidate_is_asked_too() -> None:
    """Words and time rank an earlier report of another story first; the embedding says
    it is not the same event and that the runner-up is."""

    class ByArticle:
        def similarity(self, a: tuple[int, str, str], b: tuple[int, str, str]) -> float | None:
            return {21: 0.2, 22: 0.95}[b[0]]

    report = _new(20, *SAME_LAUNCH, T0 + timedelta(hours=1))
    likelier = _candidate(7, 21, *LAUNCH, T0)  # words and time: 0.83
    runner_up = _candidate(8, 22, *LAUNCH, T0 - timedelta(hours=4))  # 0.77
    joined = choose_story(
        text_signature("unrelated words entirely", ""),
        report.text.published,
        [likelier, runner_up],
        report=report,
        meaning=ByArticle(),
    )
    assert joined == 8


def test_a_report_does_not_join_a_story_that_began_over_two_days_earlier() -> None:
    rewrite = (
        "North Korea fires ballistic missile into the sea, Seoul says",
        "The launch came hours before the summit in Tokyo.",
    )
    report = _new(10, *rewrite, T0 + timedelta(hours=60))
    # Its closest report is an hour old, but the story it belongs to began 60 h ago.
    latest = _candidate(7, 11, *LAUNCH, T0 + timedelta(hours=59))
    first = report_text(*LAUNCH, T0)
    signature = text_signature("unrelated words entirely", "")
    began_long_ago = replace(latest, first=first)
    assert choose_story(signature, report.text.published, [began_long_ago], report=report) is None
    yesterday = T0 + timedelta(hours=30)
    began_yesterday = replace(latest, first=report_text(*LAUNCH, yesterday))
    assert choose_story(signature, report.text.published, [began_yesterday], report=report) == 7


def test_a_report_like_a_later_report_but_not_the_first_does_not_join_that_story() -> None:
    later = _candidate(7, 12, *SAME_LAUNCH, T0 + timedelta(hours=3))
    rewrite = (
        "North Korea launches ICBM ahead of Japan-South Korea summit, Tokyo says",
        "Pyongyang fired a long-range missile on Thursday morning.",
    )
    report = _new(13, *rewrite, T0 + timedelta(hours=4))
    signature = text_signature("unrelated words entirely", "")
    rugby = report_text("Brave Blossoms beat Ireland in Dublin", "Japan won 31-28.", T0)
    drifted = replace(later, first=rugby)  # a story that began as something else
    assert choose_story(signature, report.text.published, [drifted], report=report) is None
    true_to_it = replace(later, first=report_text(*LAUNCH, T0))
    assert choose_story(signature, report.text.published, [true_to_it], report=report) == 7


def test_a_missing_model_leaves_words_and_time_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embed, "PACKAGE", "no_such_model_package")
    monkeypatch.setattr(meaning_module, "_LOADED", None)
    with caplog.at_level(logging.INFO):
        first = meaning_module.meaning()
        second = meaning_module.meaning()
    assert first is second and not first.available
    lines = [r.getMessage() for r in caplog.records if "stories.grouping" in r.getMessage()]
    assert len(lines) == 1
    assert "mode=words+time" in lines[0] and "not installed" in lines[0]
    assert first.similarity((1, "a", ""), (2, "b", "")) is None


def test_a_broken_model_file_degrades_instead_of_crashing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> None:
    broken = tmp_path / "model"  # type: ignore[operator]
    broken.mkdir()
    (broken / "vocab.txt").write_text("[UNK]\n[CLS]\n[SEP]\n")
    (broken / "config.json").write_text("{}")
    monkeypatch.setattr(embed, "model_directory", lambda: broken)
    found, reason = load_encoder()
    assert found is None and "did not load" in reason


@needs_model
def test_embeddings_are_unit_vectors_and_a_paraphrase_is_closer_than_another_topic() -> None:
    assert encoder is not None
    v = encoder.embed([LAUNCH[0], SAME_LAUNCH[0], "Rugby: Brave Blossoms win in Dublin", ""])
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


def test_the_word_piece_tokenizer_splits_like_bert() -> None:
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "run", "!", "日", "本"]
    pieces = WordPieces(vocab)
    assert pieces.encode("Unaffable RUN! 日本 xyz") == [2, 4, 5, 6, 7, 8, 9, 10, 1, 3]
    assert len(pieces.encode("run " * 1000)) == embed.MAX_TOKENS


def test_the_index_words_are_the_rarest_and_bounded() -> None:
    text = report_text(
        "Kishida and Yoon agree to normalize relations at Seoul summit " * 50,
        "Pyongyang Hiroshima Albanese Modi Biden Trudeau Joly",
        T0,
    )
    # Only the first MAX_WORDS words are read: the names in the teaser come too late.
    assert set(distinctive_words(text)) == {"kishida", "yoon", "normalize", "seoul", "summit"}
    names = report_text(
        "Pyongyang Hiroshima Albanese Trudeau Joly Kishida Yoon Fumio Biden Modi Xi Sunak the",
        "",
        T0,
    )
    found = distinctive_words(names)
    assert len(found) == DISTINCTIVE_WORDS and "the" not in found


@needs_model
def test_a_report_edited_under_the_same_id_is_embedded_anew() -> None:
    model = Meaning(encoder)
    first = model.similarity((1, *LAUNCH), (2, *SAME_LAUNCH))
    # Article 2 now holds other text (an edit, or another database in the same process).
    other = model.similarity((1, *LAUNCH), (2, "Rugby: Brave Blossoms win in Dublin", ""))
    assert first is not None and other is not None and other < first - 0.3


@needs_model
def test_the_word_table_is_read_row_by_row_as_the_mapped_file_would_give_it() -> None:
    assert encoder is not None
    directory = embed.model_directory()
    assert directory is not None
    mapped = embed.read_safetensors(directory / "model.safetensors")
    table = mapped["embeddings.word_embeddings.weight"]
    ids = np.array([[101, 7592, 2088, 102], [101, 102, 0, 0]])
    assert np.array_equal(encoder.words[ids], table[ids])
    with pytest.raises(IndexError):
        encoder.words[np.array([table.shape[0]])]


def test_a_words_rarity_is_wordfreqs_zipf_whatever_the_word() -> None:
    """Plain words are looked up in wordfreq's list directly (no tokenizer, no cache of
    every word asked); the weights the story model was fitted with must not move."""
    from wordfreq import get_frequency_dict, zipf_frequency

    from service.stories.features import TOP_RARITY, rarity

    listed = sorted(get_frequency_dict("en", wordlist="small"))[::7]
    others = ["kishida", "zzqx", "u.s.", "japan's", "2023", "g7", "naïve", "über", "北朝鮮", "a"]
    for word in listed + others:
        expected = max(0.5, TOP_RARITY - zipf_frequency(word, "en", wordlist="small"))
        assert rarity(word) == expected, word
