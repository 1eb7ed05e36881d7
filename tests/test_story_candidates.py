"""Candidates per report stay bounded whatever the text: on templated, low-diversity
headlines (briefings, market or weather reports) the index buckets overflow, and the
over-full ones are skipped instead of read (issue 15)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from service.store import stories as story_repo
from service.store.models import ArticleRow, StoryBandRow
from service.stories import place
from service.worker.app import open_app
from tests.e2e.support import Item, cli, rss, write_config
from tests.feedserver import FeedServer

_WORDS = (
    "market index shares rise fall points trading session close open dollar yen bond yields "
    "oil gold futures investors report weather rain sunny cloudy forecast morning evening "
    "traffic update briefing daily local region north south east west high low"
)
VOCABULARY = _WORDS.split()
NOW = datetime.now(UTC).replace(microsecond=0)


def _templated(rng: random.Random, n: int, outlet: str) -> list[Item]:
    return [
        Item(
            " ".join(rng.choice(VOCABULARY) for _ in range(9)),
            f"https://{outlet}.example/{n}-{i}",
            published=NOW - timedelta(minutes=5 * i),
        )
        for i in range(n)
    ]


def _bucket_sizes(config: Path) -> dict[int, int]:
    app = open_app(str(config))
    try:
        with app.db.transaction() as session:
            query = select(StoryBandRow.band, func.count()).group_by(StoryBandRow.band)
            return {band: count for band, count in session.execute(query).all()}
    finally:
        app.close()


def test_templated_headlines_skip_over_full_buckets_and_cap_candidates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(40)
    with FeedServer() as feeds:
        names = [f"Desk {n}" for n in range(4)]
        for n in range(len(names)):
            feeds.route(f"/{n}.xml", body=rss(_templated(rng, 120, f"o{n}")))
        config = write_config(
            tmp_path,
            f"sqlite:///{tmp_path / 'w.db'}",
            [(name, feeds.url(f"/{n}.xml")) for n, name in enumerate(names)],
        )
        for name in names[:3]:
            assert cli(capsys, "-c", str(config), "poll", "--source", name)[0] == 0

        stored = _bucket_sizes(config)
        monkeypatch.setattr(place, "BUCKET_CAP", 8)  # this small farm overflows 8, not 64
        read: list[tuple[int, int, int]] = []
        compared: list[int] = []
        original_rows, original_choose = story_repo.band_rows, place.choose_story

        def counting_rows(*args: Any, **kwargs: Any) -> list[tuple[int, int, int]]:
            rows = original_rows(*args, **kwargs)
            read.extend(rows)
            return rows

        def counting_choose(*args: Any, **kwargs: Any) -> int | None:
            compared.append(len(args[2]))
            return original_choose(*args, **kwargs)

        monkeypatch.setattr(story_repo, "band_rows", counting_rows)
        monkeypatch.setattr(place, "choose_story", counting_choose)
        assert cli(capsys, "-c", str(config), "poll", "--source", names[3])[0] == 0

    full = {band for band, count in stored.items() if count > 8}
    assert full, "the templated text should overflow some index buckets"
    assert read, "the new reports should have found candidates"
    assert not {band for band, _, _ in read} & full  # over-full buckets were never read
    assert max(Counter(band for band, _, _ in read).values()) <= 8
    assert len(compared) == 120 and max(compared) <= place.MAX_CANDIDATES


def test_a_backfill_of_a_year_finds_the_candidates_live_polling_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name in the news all year fills its index bucket over the year, not in any one
    window: counted over all stored reports it would be skipped as boilerplate, and a
    backfill would group less than live polling did."""
    start = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
    items = [
        Item(f"Fukushima plant update number {n}", f"https://a.example/{n}",
             published=start + timedelta(days=3 * n))
        for n in range(100)
    ]  # fmt: skip
    with FeedServer() as feeds:
        feeds.route("/a.xml", body=rss(items))
        config = write_config(
            tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [("Outlet A", feeds.url("/a.xml"))]
        )
        assert cli(capsys, "-c", str(config), "poll")[0] == 0
    key = place._word_key("fukushima")
    assert key in place.word_keys(place.report_text(items[0].title, "", start))
    app = open_app(str(config))
    try:
        with app.db.transaction() as session:
            assert _bucket_sizes_of(session, key) == 100  # over the cap of 64, over the year
            when = items[50].published
            rows = story_repo.band_rows(
                session, {key}, -1, when - timedelta(hours=80), when + timedelta(hours=80), 64
            )
    finally:
        app.close()
    assert len(rows) == 3  # the reports of days 147, 150 and 153: a live poll's view


def _bucket_sizes_of(session: Any, band: int) -> int:
    query = select(func.count()).select_from(StoryBandRow).where(StoryBandRow.band == band)
    return int(session.execute(query).scalar_one())


def test_a_report_is_compared_with_the_first_report_of_the_story_the_index_points_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The index remembers one report per story and key, here the story's founder (stored
    first, published last, with a name and an age the new report lacks); the new report
    says what the story's first-published report says, and joins through it."""
    day = datetime(2023, 1, 30, tzinfo=UTC)
    reports = [
        Item(
            "Kyle Smaine: US freestyle skier dies aged 31 in avalanche in Japan",
            "https://a.example/skier",
            "Former US world champion freestyle skier Kyle Smaine dies in an avalanche in Japan.",
            published=day.replace(hour=17, minute=28),
        ),
        Item(
            "U.S. freestyle skier dies in avalanche in Japan",
            "https://b.example/skier",
            "U.S. freestyle skier Kyle Smaine has died after being caught in an avalanche in "
            "Japan's Nagano Prefecture on Sunday, his family confirmed.",
            published=day.replace(hour=10, minute=45),
        ),
        Item(
            "US pro skier 'killed after being thrown 50 metres and buried by avalanche'",
            "https://c.example/skier",
            "A US professional skier has been named as one of two people killed in an "
            "avalanche in Japan.",
            published=day.replace(hour=13, minute=16),
        ),
    ]
    names = ["Outlet A", "Outlet B", "Outlet C"]
    with FeedServer() as feeds:
        for n, item in enumerate(reports):
            feeds.route(f"/{n}.xml", body=rss([item]))
        config = write_config(
            tmp_path,
            f"sqlite:///{tmp_path / 'w.db'}",
            [(name, feeds.url(f"/{n}.xml")) for n, name in enumerate(names)],
        )
        for name in names:  # stored in this order: the founder first
            assert cli(capsys, "-c", str(config), "poll", "--source", name)[0] == 0
    app = open_app(str(config))
    try:
        with app.db.transaction() as session:
            stories = dict(session.execute(select(ArticleRow.link, ArticleRow.story_id)).all())
    finally:
        app.close()
    assert len(stories) == 3 and len(set(stories.values())) == 1
