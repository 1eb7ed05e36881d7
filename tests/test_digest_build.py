"""Pure digest decisions: order, ranking, counts, subject, sparkline, snippets."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from service.digest.build import (
    is_empty,
    order_themes,
    outlets_label,
    rank_stories,
    sparkline,
    story_count,
    subject,
)
from service.digest.model import DigestStory, DigestTheme
from service.digest.segments import Segment, highlight, snippet
from service.domain import Span
from tests.digest_sample import sample_digest

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def story(title: str, outlets: int = 1, minutes: int = 0, link: str = "") -> DigestStory:
    return DigestStory(
        title=title,
        link=link or f"https://example.org/{title}",
        outlets=tuple(f"Outlet {i}" for i in range(outlets)),
        first_seen=T0 + timedelta(minutes=minutes),
        summary="",
    )


def theme(name: str, priority: str, *stories: DigestStory) -> DigestTheme:
    return DigestTheme(name.lower(), name, priority, stories, len(stories), (0,) * 14)


def test_themes_go_high_then_normal_then_low_and_by_name_within_a_priority() -> None:
    themes = [
        theme("b", "low"),
        theme("Zeta", "high"),
        theme("a", "normal"),
        theme("Alpha", "high"),
    ]
    assert [t.name for t in order_themes(themes)] == ["Alpha", "Zeta", "a", "b"]


def test_stories_rank_by_number_of_outlets_then_newest_first() -> None:
    ranked = rank_stories(
        [story("old-wide", 3, 0), story("new-narrow", 1, 50), story("new-wide", 3, 10)]
    )
    assert [s.title for s in ranked] == ["new-wide", "old-wide", "new-narrow"]


def test_sparkline_scales_to_the_peak_and_keeps_quiet_days_above_empty_ones() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█"
    assert sparkline([0, 1, 100]) == "▁▂█"
    assert sparkline([0] * 14) == "▁" * 14
    assert len(sparkline(range(14))) == 14


def test_subject_names_the_digest_day_and_counts() -> None:
    assert subject(sample_digest()) == "Morning digest · Sat 28 Nov · 9 stories in 3 themes"


def test_subject_of_an_empty_digest_says_nothing_new() -> None:
    empty = dataclasses.replace(sample_digest(), themes=(theme("Quad", "high"),))
    assert is_empty(empty)
    assert subject(empty) == "Morning digest · Sat 28 Nov · nothing new"


def test_subject_uses_singulars_and_counts_a_story_in_two_themes_once() -> None:
    shared = story("shared")
    d = dataclasses.replace(sample_digest(), name="evening", themes=(theme("A", "high", shared),))
    assert subject(d) == "Evening digest · Sat 28 Nov · 1 story in 1 theme"
    both = dataclasses.replace(d, themes=(theme("A", "high", shared), theme("B", "low", shared)))
    assert story_count(both) == 1
    assert subject(both).endswith("1 story in 2 themes")


def test_outlets_label_names_two_outlets_then_counts_the_rest() -> None:
    assert outlets_label(["Kyodo News", "The Japan Times", "NHK", "Yonhap"]) == (
        "Kyodo News · The Japan Times +2"
    )
    assert outlets_label(["Reuters"]) == "Reuters"


def test_highlight_splits_a_title_at_its_spans() -> None:
    title = "Kishida and Yoon agree to normalize ties"
    spans = (Span("title", 0, 7, "Kishida"), Span("title", 26, 35, "normalize"))
    assert highlight(title, spans, "title") == (
        Segment("Kishida", True),
        Segment(" and Yoon agree to ", False),
        Segment("normalize", True),
        Segment(" ties", False),
    )


def test_highlight_ignores_spans_of_the_other_field_and_merges_overlaps() -> None:
    spans = (Span("summary", 0, 3, "abc"), Span("title", 0, 4, "abcd"), Span("title", 2, 6, "cdef"))
    assert highlight("abcdefgh", spans, "title") == (Segment("abcdef", True), Segment("gh", False))


def test_a_span_whose_offsets_no_longer_fit_is_found_by_its_text() -> None:
    spans = (Span("title", 40, 45, "Quad"),)
    assert highlight("The Quad meets", spans, "title")[1] == Segment("Quad", True)


def test_a_long_summary_is_cut_around_the_first_match_on_word_boundaries() -> None:
    summary = " ".join(f"word{i}" for i in range(100)) + " Quad " + "tail " * 60
    at = summary.index("Quad")
    pieces = snippet(summary, (Span("summary", at, at + 4, "Quad"),))
    text = "".join(p.text for p in pieces)
    assert pieces[0] == Segment("…", False) and pieces[-1] == Segment("…", False)
    assert Segment("Quad", True) in pieces
    assert len(text) <= 252
    assert text[1:].startswith("word") and not text[1:-1].endswith(("tai", "ta", "t"))


def test_a_short_summary_is_kept_whole() -> None:
    assert snippet("Short and sweet.", ()) == (Segment("Short and sweet.", False),)
