"""A realistic sample digest for previews, the screenshot in docs/ and the golden tests.

The headlines are invented for illustration; no outlet's text is reproduced.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from service.digest.model import Digest, DigestStory, DigestTheme, FailingSource
from service.domain import Field, Span

PERIOD_END = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # Sat 28 Nov 2026 07:30 JST


def sample_digest() -> Digest:
    return Digest(
        name="morning",
        period_label="Sat 28 Nov 2026",
        period_start=PERIOD_END - timedelta(days=1),
        period_end=PERIOD_END,
        timezone="Asia/Tokyo",
        themes=(_quad(), _maritime(), _jp_kr(), _export_controls()),
        failing_sources=(
            FailingSource(
                name="Yonhap",
                since=datetime(2026, 11, 25, 19, 10, tzinfo=UTC),
                last_error="HTTP 503 Service Unavailable (41 attempts, next retry in 30 min)",
            ),
        ),
    )


def _jp_kr() -> DigestTheme:
    terms = ("Japan", "South Korea", "Seoul", "Tokyo", "shuttle diplomacy", "normaliz", "thaw")
    return DigestTheme(
        theme_id="jp-kr-normalization",
        name="Japan–South Korea normalization",
        priority="high",
        today_count=4,
        trend=(1, 0, 2, 1, 1, 3, 0, 2, 5, 2, 1, 3, 6, 4),
        stories=(
            _story(
                "Japan and South Korea agree to resume shuttle diplomacy and restart finance talks",
                "Foreign ministers of Japan and South Korea agreed in Tokyo on Friday to resume "
                "regular leader visits and restart a finance dialogue suspended since 2016, the "
                "clearest step yet toward normalizing ties strained by wartime labour rulings.",
                ("Kyodo News", "The Japan Times", "Korea Herald", "NHK World"),
                hours_ago=9.5,
                terms=terms,
            ),
            _story(
                "Tokyo lifts last export curbs on chip materials bound for South Korea",
                "The trade ministry said hydrogen fluoride shipments to South Korean "
                "chipmakers will no longer need case-by-case licences, closing the dispute "
                "that began in 2019.",
                ("Reuters", "Nikkei Asia", "Kyodo News"),
                hours_ago=4.2,
                terms=terms,
            ),
            _story(
                "Seoul fund makes first payments to wartime labour plaintiffs under 2023 plan",
                "A foundation backed by South Korean companies paid compensation to the families "
                "of three plaintiffs, a step Tokyo welcomed as the thaw holds.",
                ("Korea Herald", "NHK World"),
                hours_ago=13,
                terms=terms,
            ),
            _story(
                "Analysis: The Japan–Korea thaw will need more than summits to last",
                "Public opinion in both countries has warmed, but history textbooks, the "
                "Dokdo/Takeshima dispute and Fukushima water remain ready to flare.",
                ("The Japan Times",),
                hours_ago=2,
                terms=terms,
            ),
        ),
    )


def _quad() -> DigestTheme:
    terms = ("Quad", "Malabar", "Indo-Pacific")
    return DigestTheme(
        theme_id="quad",
        name="Quad / quadrilateral security",
        priority="normal",
        today_count=3,
        trend=(0, 1, 0, 0, 2, 1, 0, 0, 1, 3, 1, 0, 2, 3),
        stories=(
            _story(
                "Quad foreign ministers to meet in New Delhi in January, India says",
                "India's external affairs ministry said the meeting would review the Quad's "
                "maritime surveillance partnership and a new Indo-Pacific cable security fund.",
                ("Reuters", "NHK World", "The Hindu"),
                hours_ago=6,
                terms=terms,
            ),
            _story(
                "Australia, India, Japan and US wrap up Malabar naval drills off Guam",
                "The four navies practised anti-submarine warfare for ten days; officials said "
                "the exercise showed the Quad partners' readiness to operate together.",
                ("ABC News (Australia)", "Kyodo News"),
                hours_ago=11,
                terms=terms,
            ),
            _story(
                "Quad space agencies to share early-warning satellite data on typhoons",
                "The joint announcement adds Japanese Himawari imagery to an Indo-Pacific "
                "disaster-response platform launched at last year's leaders' summit.",
                ("The Japan Times",),
                hours_ago=1.5,
                terms=terms,
            ),
        ),
    )


def _maritime() -> DigestTheme:
    terms = ("coast guard", "Senkaku", "South China Sea")
    return DigestTheme(
        theme_id="maritime",
        name="East & South China Sea incidents",
        priority="low",
        today_count=1,
        trend=(2, 1, 1, 0, 1, 2, 1, 1, 0, 1, 2, 1, 0, 1),
        stories=(
            _story(
                "Chinese coast guard ships stay in waters near the Senkakus for a third day",
                "Japan lodged a protest through diplomatic channels after four vessels entered "
                "the territorial sea around the Senkaku Islands, the Japan Coast Guard said.",
                ("NHK World", "Kyodo News"),
                hours_ago=7,
                terms=terms,
            ),
            _story(
                "Manila accuses Beijing of water-cannon attack on supply boat in South China Sea",
                "The Philippine coast guard said no one was hurt in the incident near Second "
                "Thomas Shoal.",
                ("Reuters",),
                hours_ago=15,
                terms=terms,
            ),
        ),
    )


def _export_controls() -> DigestTheme:
    return DigestTheme(
        theme_id="chip-controls",
        name="Semiconductor export controls",
        priority="low",
        today_count=0,
        trend=(1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0),
        stories=(),
    )


def _story(
    title: str,
    summary: str,
    outlets: tuple[str, ...],
    hours_ago: float,
    terms: tuple[str, ...],
) -> DigestStory:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower())[:60].strip("-")
    return DigestStory(
        title=title,
        link=f"https://news.example.org/2026/11/{slug}",
        outlets=outlets,
        first_seen=PERIOD_END - timedelta(hours=hours_ago),
        # Published shortly before it was found, as outlets' feeds say.
        published=PERIOD_END - timedelta(hours=hours_ago, minutes=4),
        summary=summary,
        spans=_spans("title", title, terms) + _spans("summary", summary, terms),
    )


def _spans(field: Field, text: str, terms: tuple[str, ...]) -> tuple[Span, ...]:
    # Stands in for the matcher: whole-word-ish, case-insensitive occurrences of each term.
    found = []
    for term in terms:
        for m in re.finditer(rf"\b{re.escape(term)}\w*", text, flags=re.IGNORECASE):
            found.append(Span(field, m.start(), m.end(), m.group()))
    return tuple(sorted(found, key=lambda s: s.start))
