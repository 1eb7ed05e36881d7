"""Story assignment: one story from many outlets, different stories kept apart."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from service.store import Database
from service.store.models import ArticleRow, SourceRow
from service.store.sources import SourceSpec, sync_sources
from service.stories.decide import (
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW,
    Grouping,
    candidate,
    choose_story,
)
from service.stories.keys import exact_keys, story_url_key
from service.stories.place import place_in_stories
from service.stories.signature import (
    lsh_keys,
    lsh_keys_many,
    signature_from_bytes,
    signature_to_bytes,
    text_signature,
)

T0 = datetime(2023, 12, 27, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    link: str
    title: str
    summary: str = ""
    guid: str | None = None
    published: datetime = T0


class PlacedReports:
    """Reports placed in stories by the service's own code, on a real (SQLite) database;
    the n-th report comes from the n-th outlet unless `outlet` is given."""

    def __init__(self, db: Database, window: timedelta = DEFAULT_WINDOW) -> None:
        self.db, self.grouping, self.count = db, Grouping(window=window), 0
        self.sources: dict[int, int] = {}

    def _source(self, outlet: int) -> int:
        if outlet not in self.sources:
            spec = SourceSpec(f"Outlet {outlet}", f"https://o{outlet}.example/f", timedelta(1))
            with self.db.transaction() as session:
                sync_sources(session, [spec], T0)
                session.flush()
                ids = session.execute(select(SourceRow.id, SourceRow.name)).all()
            self.sources = {int(name.split()[1]): i for i, name in ids}
        return self.sources[outlet]

    def assign(self, item: Item, outlet: int | None = None) -> tuple[int, bool]:
        """(story id, whether the report started a new story)."""
        self.count += 1
        source_id = self._source(self.count if outlet is None else outlet)
        with self.db.transaction() as session:
            row = ArticleRow(
                source_id=source_id, key=f"k{self.count}", guid=item.guid, link=item.link,
                canonical_url=item.link, title=item.title, summary=item.summary,
                published=item.published, first_seen=item.published, fingerprint="f",
                authors=[], tags=[],
            )  # fmt: skip
            session.add(row)
            session.flush()
            placed = place_in_stories(session, [row], source_id, self.grouping)[row.id]
            return placed.story_id, placed.new_story


# Real headlines (news-2023 fixture) of one story, as five outlets might serve it.
PARASITE = [
    Item(
        "https://www.japantoday.com/category/entertainment/parasite-actor-lee-found-dead?utm_source=rss",
        "'Parasite' actor Lee found dead amid drug allegations: Yonhap",
        'Lee Sun-kyun, a South Korean actor of the Oscar-winning film "Parasite", has been '
        "found dead, Yonhap news agency said.",
    ),
    Item(
        "https://japantoday.com/category/entertainment/parasite-actor-lee-found-dead/amp",
        "'Parasite' actor Lee found dead amid drug allegations",
        "Lee Sun-kyun, a South Korean actor of the Oscar-winning film Parasite, has been found "
        "dead, Yonhap news agency said.",
        published=T0 + timedelta(minutes=20),
    ),
    Item(
        "https://m.example-wire.com/world/asia/parasite-actor-found-dead?fbclid=xyz#top",
        "Parasite actor Lee Sun-kyun found dead amid drug allegations, Yonhap says",
        "Lee Sun-kyun, the South Korean actor of the Oscar-winning film Parasite, was found "
        "dead, Yonhap news agency said.",
        published=T0 + timedelta(hours=1),
    ),
    Item(
        "https://news.example.org/asia/lee-sun-kyun?amp=1&ocid=rss",
        "PARASITE ACTOR LEE FOUND DEAD AMID DRUG ALLEGATIONS - YONHAP",
        "Lee Sun-kyun, a South Korean actor of the Oscar-winning film 'Parasite,' has been found "
        "dead, according to Yonhap news agency.",
        published=T0 + timedelta(hours=2),
    ),
    Item(
        "http://example-wire.com/world/asia/parasite-actor-found-dead/?utm_medium=social",
        "Parasite actor Lee found dead",
        "Lee Sun-kyun, South Korean actor of Oscar-winning film Parasite, found dead: Yonhap",
        published=T0 + timedelta(hours=3),
    ),
]


def test_it_groups_five_sources_of_one_story_into_one_story(sqlite_db: Database) -> None:
    index = PlacedReports(sqlite_db)
    results = [index.assign(item) for item in PARASITE]
    assert {story for story, _ in results} == {results[0][0]}
    assert [is_new for _, is_new in results] == [True, False, False, False, False]


def test_it_keeps_two_stories_on_the_same_topic_apart(sqlite_db: Database) -> None:
    # Real headlines (news-2023): the satellite launch and Seoul's reaction a day later.
    index = PlacedReports(sqlite_db)
    first = Item(
        "https://a.example/launch",
        "North Korea launches suspected spy satellite, its neighbors say",
        "North Korea made what appeared to be its third attempt to launch its first spy "
        "satellite into orbit on Tuesday.",
    )
    second = Item(
        "https://b.example/no-fly",
        "South Korea scraps no-fly zone near border with North Korea",
        "It decided to resume surveillance flights there a day after North Korea claimed to "
        "have launched its first military spy satellite.",
        published=T0 + timedelta(hours=20),
    )
    assert index.assign(first) == (1, True)
    assert index.assign(second) == (2, True)


def test_it_starts_a_new_story_once_the_window_has_passed(sqlite_db: Database) -> None:
    index = PlacedReports(sqlite_db, window=timedelta(hours=72))
    late = Item(
        "https://other.example/story",
        PARASITE[1].title,
        PARASITE[1].summary,
        published=T0 + timedelta(hours=73),
    )
    index.assign(PARASITE[0])
    assert index.assign(late) == (2, True)


GUID = "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"


def test_it_groups_by_a_global_guid_even_with_different_text(sqlite_db: Database) -> None:
    index = PlacedReports(sqlite_db)
    index.assign(Item("https://a.example/1", "First headline", guid=GUID))
    assert index.assign(Item("https://b.example/2", "Unrelated words", guid=GUID)) == (1, False)


@pytest.mark.parametrize("guid", ["12345", "urn:wire:123"])
def test_a_short_or_numeric_guid_is_no_story_key(sqlite_db: Database, guid: str) -> None:
    # Such guids repeat across outlets: "12345" of one is not "12345" of another.
    index = PlacedReports(sqlite_db)
    index.assign(Item("https://a.example/1", "First headline", guid=guid))
    assert index.assign(Item("https://b.example/2", "Unrelated words", guid=guid)) == (2, True)


def test_it_groups_by_url_key_even_with_rewritten_text(sqlite_db: Database) -> None:
    index = PlacedReports(sqlite_db)
    index.assign(Item("https://www.a.example/story?utm_source=x", "Headline one"))
    assert index.assign(Item("http://a.example/story/", "Completely new words")) == (1, False)


def test_it_never_text_matches_empty_texts(sqlite_db: Database) -> None:
    index = PlacedReports(sqlite_db)
    index.assign(Item("https://a.example/1", ""))
    assert index.assign(Item("https://a.example/2", "")) == (2, True)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.example.com/a/b/?utm_source=rss&utm_medium=x", "example.com/a/b"),
        ("http://example.com/a/b", "example.com/a/b"),
        ("https://m.example.com/a/b#comments", "example.com/a/b"),
        ("https://amp.example.com/a/b", "example.com/a/b"),
        ("https://example.com/a/b/amp", "example.com/a/b"),
        ("https://example.com/a/b/amp/", "example.com/a/b"),
        ("https://example.com/amp/a/b", "example.com/a/b"),
        ("https://example.com/a/b.amp", "example.com/a/b"),
        ("https://example.com/a/b.amp.html", "example.com/a/b.html"),
        ("https://example.com/a/b?amp=1", "example.com/a/b"),
        ("https://example.com/a/b?amp=true", "example.com/a/b"),
        ("https://example.com/a/b?outputType=amp", "example.com/a/b"),
        (
            "https://EXAMPLE.com/a/b?fbclid=1&gclid=2&ocid=3&cmpid=4&mc_cid=5&mc_eid=6&ref=7",
            "example.com/a/b",
        ),
        ("https://example.com/a?id=2&page=1", "example.com/a?id=2&page=1"),
        ("https://example.com/a?page=1&id=2&utm_campaign=z", "example.com/a?id=2&page=1"),
        ("https://example.com:8443/a", "example.com:8443/a"),
        ("https://example.com/", "example.com"),
        ("example.com/a/", "example.com/a"),
    ],
)
def test_it_canonicalizes_story_urls(url: str, key: str) -> None:
    assert story_url_key(url) == key


def test_it_keeps_path_case_because_servers_may_care() -> None:
    assert story_url_key("https://example.com/Article/X") == "example.com/Article/X"


def test_it_round_trips_signatures_through_bytes() -> None:
    sig = text_signature("Kim and Putin meet", "The leaders met at a cosmodrome.")
    assert signature_from_bytes(signature_to_bytes(sig)) == sig


def test_it_rejects_unknown_signature_formats() -> None:
    data = bytearray(signature_to_bytes(text_signature("a title", "")))
    data[0] = 99
    with pytest.raises(ValueError, match="format 99"):
        signature_from_bytes(bytes(data))


def test_it_is_robust_to_case_punctuation_and_possessives() -> None:
    a = text_signature("Japan's PM visits Seoul", "Kishida’s trip marks a thaw.")
    b = text_signature("JAPAN PM VISITS SEOUL!", "Kishida trip marks a thaw")
    assert a.similarity(b) == 1.0


def test_near_duplicates_share_an_lsh_key_and_unrelated_texts_do_not() -> None:
    a = text_signature(PARASITE[0].title, PARASITE[0].summary)
    b = text_signature(PARASITE[2].title, PARASITE[2].summary)
    c = text_signature("Nikkei rises 0.9%, led by electronics stocks", "Tokyo shares gained.")
    assert set(lsh_keys(a)) & set(lsh_keys(b))
    assert not set(lsh_keys(a)) & set(lsh_keys(c))


def test_lsh_keys_of_many_signatures_are_the_keys_of_each() -> None:
    sigs = [text_signature(item.title, item.summary) for item in PARASITE]
    sigs += [text_signature("", ""), text_signature("the of", "")]  # no shingles: no keys
    assert lsh_keys_many(sigs) == [lsh_keys(s) for s in sigs]
    assert lsh_keys_many(sigs[-2:]) == [[], []]


def test_choose_story_picks_the_best_candidate_inside_the_window() -> None:
    sig = text_signature(PARASITE[0].title, PARASITE[0].summary)
    close = candidate(7, text_signature(PARASITE[3].title, PARASITE[3].summary), T0)
    exact_but_old = candidate(8, sig, T0 - DEFAULT_WINDOW - timedelta(seconds=1))
    unrelated = candidate(9, text_signature("Tokyo stocks fall", "Exporters drag."), T0)
    assert choose_story(sig, T0, [unrelated, exact_but_old, close]) == 7
    assert choose_story(sig, T0, [unrelated, exact_but_old]) is None


def test_choose_story_prefers_the_earlier_story_on_a_tie() -> None:
    sig = text_signature("Same words here", "and here")
    later = candidate(5, sig, T0 + timedelta(hours=1))
    earlier = candidate(6, sig, T0)
    assert choose_story(sig, T0, [later, earlier]) == 6


def test_choose_story_honours_the_threshold() -> None:
    sig = text_signature(PARASITE[0].title, PARASITE[0].summary)
    other = text_signature(PARASITE[4].title, PARASITE[4].summary)
    score = sig.similarity(other)
    assert score >= DEFAULT_THRESHOLD
    stricter = Grouping(threshold=score + 0.01)
    assert choose_story(sig, T0, [candidate(1, other, T0)], stricter) is None
    assert choose_story(sig, T0, [candidate(1, other, T0)]) == 1


def test_signatures_and_keys_are_identical_in_another_process() -> None:
    code = (
        "from service.stories.signature import text_signature, lsh_keys, signature_to_bytes;"
        "s = text_signature('Kim and Putin meet', 'At a cosmodrome');"
        "print(signature_to_bytes(s).hex(), ','.join(map(str, lsh_keys(s))))"
    )
    sig = text_signature("Kim and Putin meet", "At a cosmodrome")
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345"},
        cwd=Path(__file__).resolve().parents[1],
    ).stdout.split()
    assert out == [signature_to_bytes(sig).hex(), ",".join(map(str, lsh_keys(sig)))]


@pytest.mark.parametrize(
    ("link", "guid", "keys"),
    [
        ("https://www.e.org/a?utm_source=x", None, ["url:e.org/a"]),
        ("", None, []),
        ("javascript:void(0)", None, []),
        ("https://e.org/", None, []),
        ("", GUID, [f"guid:{GUID}"]),
        ("", "12345", []),
    ],
)
def test_story_keys_come_only_from_a_page_url_or_a_global_guid(
    link: str, guid: str | None, keys: list[str]
) -> None:
    assert exact_keys(link, guid) == keys
