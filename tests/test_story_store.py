"""Story placement against a real database (SQLite and PostgreSQL): near-duplicates from
two outlets join one story, and pruning old LSH bands keeps recent grouping intact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from service.store import Database
from service.store.models import ArticleRow, SourceRow, StoryBandRow
from service.store.sources import SourceSpec, sync_sources
from service.store.stories import first_reports, prune_bands
from service.stories.decide import Grouping
from service.stories.place import place_in_stories

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TITLE = "Japan and South Korea agree to restore shuttle diplomacy after 12-year pause"
SUMMARY = "Leaders of the two countries met in Tokyo and pledged regular summit visits."


def _sources(db: Database, count: int) -> list[int]:
    specs = [
        SourceSpec(
            name=f"Outlet {n}", url=f"https://outlet{n}.example/feed", interval=timedelta(minutes=5)
        )
        for n in range(count)
    ]
    with db.transaction() as session:
        sync_sources(session, specs, NOW)
        return list(session.scalars(select(SourceRow.id).order_by(SourceRow.id)))


def _store(db: Database, source_id: int, key: str, published: datetime) -> int:
    """One article of `source_id` placed in a story; returns the story id."""
    with db.transaction() as session:
        row = ArticleRow(
            source_id=source_id, key=key, guid=None, link=f"https://example.org/{key}",
            canonical_url=f"https://example.org/{key}", title=TITLE, summary=SUMMARY,
            published=published, first_seen=NOW, fingerprint=key, authors=[], tags=[],
        )  # fmt: skip
        session.add(row)
        session.flush()
        placed = place_in_stories(session, [row], source_id, Grouping())
        return placed[row.id].story_id


def _band_count(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(StoryBandRow)) or 0)


def test_a_second_outlet_with_the_same_text_joins_the_story(database: Database) -> None:
    first, second = _sources(database, 2)
    story = _store(database, first, "a", NOW)
    assert _store(database, second, "b", NOW + timedelta(hours=1)) == story


def test_pruning_drops_only_bands_older_than_the_cutoff(database: Database) -> None:
    first, second, third = _sources(database, 3)
    old_story = _store(database, first, "old", NOW - timedelta(days=10))
    recent_story = _store(database, second, "recent", NOW)
    assert old_story != recent_story  # ten days apart: outside the window
    bands = _band_count(database)
    with database.transaction() as session:
        assert prune_bands(session, NOW - timedelta(days=6)) == 1
    assert 0 < _band_count(database) < bands
    with database.transaction() as session:
        assert prune_bands(session, NOW - timedelta(days=6)) == 0  # nothing left to prune
    # The recent story still collects near-duplicates after the prune.
    assert _store(database, third, "later", NOW + timedelta(hours=2)) == recent_story


def test_pruning_works_in_batches(database: Database) -> None:
    sources = _sources(database, 3)
    for n, source in enumerate(sources):  # four days apart: three stories, three band sets
        _store(database, source, f"old-{n}", NOW - timedelta(days=10 + 4 * n))
    with database.transaction() as session:
        assert prune_bands(session, NOW, limit=2) == 2
    with database.transaction() as session:
        assert prune_bands(session, NOW, limit=2) == 1
    assert _band_count(database) == 0


def test_a_storys_first_report_is_the_earliest_published_then_the_lowest_id(
    database: Database,
) -> None:
    """Stored in another order than published (a backfill): the first report is the one
    published first, and of reports published at one instant, the one stored first."""
    sources = _sources(database, 4)
    story = _store(database, sources[0], "later", NOW + timedelta(hours=2))
    assert _store(database, sources[1], "first", NOW) == story
    assert _store(database, sources[2], "same-instant", NOW) == story
    other = _store(database, sources[3], "alone", NOW - timedelta(days=30))
    with database.transaction() as session:
        ids = {key: id_ for key, id_ in session.execute(select(ArticleRow.key, ArticleRow.id))}
        found = first_reports(session, [story, other, 999_999])
    assert found == {story: ids["first"], other: ids["alone"]}
