"""A report of an event and an explainer, analysis, live page or briefing about it are two
stories: the headline's own markers say which is which (service/stories/forms.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.stories.features import report_text
from service.stories.forms import not_a_report
from service.stories.model import same_story


@pytest.mark.parametrize(
    "headline",
    [
        "Analysis: Japan's inflation comeback prompts investors to tear up old playbooks",
        "Ukraine live briefing: Kim Jong Un arrives in Russia; Kyiv recaptures oil rigs",
        "What to know about North Korea's spy satellite launch",
        "North Korea's spy satellite launch: All you need to know",
        "Kim Jong Un and Vladimir Putin meeting: What we know so far",
        "How risky is Japan's release of radioactive water from Fukushima?",
        "Zelenskiy to attend G7 in person as leaders prepare new sanctions | First Thing",
        "Explainer: Why North Korea's satellite launches draw condemnation",
        "Wednesday briefing: What went wrong at South Korea's World Scout Jamboree",
        "Russia-Ukraine war: two killed in strike on Zaporizhzhia – as it happened",
        "Photos: When Vladimir Putin met Kim Jong Un",
    ],
)
def test_explainers_analyses_live_pages_and_questions_are_not_reports(headline: str) -> None:
    assert not_a_report(headline)


@pytest.mark.parametrize(
    "headline",
    [
        "WHO confirms monkeypox spreads sexually in DR Congo amid outbreak",
        "US, South Korea Plan 'Largest-Ever' Live-Fire Drills in June",
        "Japan Public Opinion Turns Most Negative on China in Nine Years",
        "US Steel Seeks Biden Administration Review of Deal With Japan's Nippon",
        "Israeli military video said to show Hamas operations center",
        "North Korea fires ballistic missile into sea, Seoul says",
        "Japan's PM to replace chief cabinet secretary: Report",
    ],
)
def test_reports_that_mention_such_words_are_still_reports(headline: str) -> None:
    assert not not_a_report(headline)


def test_a_very_long_headline_is_read_only_so_far() -> None:
    assert not not_a_report("Kishida meets Yoon " * 2_000 + "?")


def test_an_explainer_does_not_join_the_report_it_explains() -> None:
    t0 = datetime(2023, 11, 21, 14, 0, tzinfo=UTC)
    report = report_text(
        "North Korea says it put a spy satellite into orbit",
        "Pyongyang says its Malligyong-1 reconnaissance satellite reached orbit.",
        t0,
    )
    teaser = "Pyongyang says its Malligyong-1 satellite is in orbit, but some remain sceptical."
    later = t0 + timedelta(hours=2)
    rewrite = report_text("North Korea says its spy satellite reached orbit", teaser, later)
    explainer = report_text(
        "North Korea's spy satellite launch: All you need to know", teaser, later
    )
    # The same teaser and meaning: only the headline's form differs.
    joined, apart = same_story(report, rewrite, 0.7), same_story(report, explainer, 0.7)
    assert joined[1] and not apart[1]
    assert joined[0] - apart[0] > 0.15
