"""parse_feed on real feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) and the shapes they come in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.poll.fetch import FetchError
from service.poll.parse import parse_feed

DATA = Path(__file__).parent / "data" / "feeds"
URL = "https://example.org/feeds/world.xml"


def fixture(name: str) -> bytes:
    return next(DATA.glob(f"*/{name}")).read_bytes()


def rss(items: str, channel: str = "", version: str = "2.0") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="{version}"><channel>'
        f"<title>Wire</title><link>https://example.org/</link>{channel}{items}</channel></rss>"
    ).encode()


def test_it_reads_a_real_rss_2_feed() -> None:
    feed = parse_feed(fixture("1796df62c4a287cc__bbc-world.rss.xml"), {}, URL)
    assert feed.title == "BBC News"
    assert feed.lang == "en-gb"
    assert feed.ttl_seconds == 15 * 60
    assert len(feed.entries) == 33
    first = feed.entries[0]
    assert first.title.startswith("US civil rights leader Jesse Jackson")
    assert first.guid == "https://www.bbc.com/news/articles/cp81l0e1eg5o#0"
    assert (
        first.link == "https://www.bbc.com/news/articles/cp81l0e1eg5o?at_medium=RSS&at_campaign=rss"
    )
    assert first.published == datetime(2026, 2, 17, 18, 55, 33, tzinfo=UTC)


def test_it_reads_a_real_rdf_feed_with_dublin_core_dates_and_languages() -> None:
    feed = parse_feed(fixture("14dda539770f94e3__deutsche-welle.rdf.xml"), {}, URL)
    assert len(feed.entries) == 141
    first = feed.entries[0]
    assert first.updated == datetime(2026, 2, 18, 0, 15, tzinfo=UTC)
    assert first.lang == "en"
    assert first.tags == ("News",)
    assert feed.ttl_seconds == 3600  # sy:updatePeriod hourly


def test_it_reads_a_real_atom_feed_with_authors_and_xml_lang() -> None:
    feed = parse_feed(fixture("07403555c6b2ebea__loudandquiet.atom.xml"), {}, URL)
    assert feed.lang == "en-US"
    first = feed.entries[0]
    assert first.authors == ("Stuart Stubbs",)
    assert first.guid == "https://www.loudandquiet.com/?post_type=short&p=42262"
    assert first.published == datetime(2025, 2, 24, 17, 0, 31, tzinfo=UTC)


def test_it_reads_an_iso_8859_1_feed() -> None:
    feed = parse_feed(fixture("0014.dat"), {}, URL)
    assert feed.title.startswith("L'actualité informatique")
    assert len(feed.entries) == 15


def test_it_reads_a_feed_that_uses_an_undeclared_rss_prefix() -> None:
    feed = parse_feed(
        fixture("7ef13a42fa7e177a__dylanharris-malformed-namespaced.rss.xml"), {}, URL
    )
    assert len(feed.entries) == 35
    assert feed.entries[0].title == "jenni tucker"
    assert feed.warnings  # used, but the problem is recorded


def test_it_reads_a_json_feed() -> None:
    feed = parse_feed(
        fixture("json_feed_sample.json"), {"content-type": "application/feed+json"}, URL
    )
    assert (feed.title, feed.link, feed.lang) == (
        "Example JSON Feed",
        "https://example.org/",
        "en-US",
    )
    first = feed.entries[0]
    assert first.guid == "https://example.org/item1"
    assert first.summary == "First item summary"
    assert first.authors == ("Jane Smith",)
    assert first.tags == ("test", "json", "feed")
    assert first.published == datetime(2024, 1, 15, 12, tzinfo=UTC)
    assert first.updated == datetime(2024, 1, 15, 13, tzinfo=UTC)


def test_a_json_feed_is_recognised_without_a_json_content_type() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "title": "J",
            "items": [{"id": 7, "content_text": "Plain", "author": {"name": "Ann"}}],
        }
    ).encode()
    entry = parse_feed(body, {"content-type": "text/plain"}, URL).entries[0]
    assert (entry.guid, entry.summary, entry.authors) == ("7", "Plain", ("Ann",))


@pytest.mark.parametrize("version", ["0.91", "0.92", "2.0"])
def test_it_reads_every_rss_version(version: str) -> None:
    feed = parse_feed(
        rss("<item><title>A</title><link>https://e.org/a</link></item>", version=version), {}, URL
    )
    assert feed.entries[0].title == "A"


def test_it_reads_rss_1_0() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://e.org/"><title>R</title><link>https://e.org/</link></channel>
<item rdf:about="https://e.org/1"><title>One</title><link>https://e.org/1</link></item>
</rdf:RDF>"""
    assert [e.title for e in parse_feed(body, {}, URL).entries] == ["One"]


def test_rss_ttl_is_minutes_and_the_larger_freshness_hint_wins() -> None:
    sy = ' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'
    body = rss(
        "<item><title>A</title></item>",
        channel="<ttl>30</ttl><sy:updatePeriod>daily</sy:updatePeriod>"
        "<sy:updateFrequency>4</sy:updateFrequency>",
    ).replace(b'<rss version="2.0"', b'<rss version="2.0"' + sy.encode())
    assert parse_feed(body, {}, URL).ttl_seconds == 6 * 3600


def test_a_feed_without_freshness_hints_has_no_ttl() -> None:
    assert parse_feed(rss("<item><title>A</title></item>"), {}, URL).ttl_seconds is None


def test_dates_become_aware_utc() -> None:
    body = rss(
        "<item><title>A</title><pubDate>Wed, 18 Feb 2026 09:00:00 +0900</pubDate></item>"
        "<item><title>B</title><pubDate>not a date</pubDate></item>"
    )
    first, second = parse_feed(body, {}, URL).entries
    assert first.published == datetime(2026, 2, 18, 0, 0, tzinfo=UTC)
    assert second.published is None


def test_relative_links_are_left_for_normalize_to_resolve() -> None:
    body = rss("<item><title>A</title><link>/news/a.html</link></item>")
    assert parse_feed(body, {}, URL).entries[0].link == "/news/a.html"


def test_a_guid_is_never_rewritten_against_the_feed_url() -> None:
    # A permalink guid resolved against the feed URL would change when the feed moves.
    body = rss("<item><guid>12345</guid><title>A</title></item>")
    headers = {"content-location": "https://cdn.example.org/world/index.xml"}
    assert parse_feed(body, headers, URL).entries[0].guid == "12345"


def test_entries_without_guid_or_link_are_kept() -> None:
    body = rss("<item><title>Only a title</title><description>Text</description></item>")
    entry = parse_feed(body, {}, URL).entries[0]
    assert (entry.guid, entry.link, entry.title, entry.summary) == (
        None,
        None,
        "Only a title",
        "Text",
    )


def test_duplicate_guids_are_reported_as_they_are() -> None:
    # Identity is decided by normalize.entry_key; the parser does not drop anything.
    body = rss(
        "<item><guid>x</guid><title>A</title></item><item><guid>x</guid><title>B</title></item>"
    )
    assert [(e.guid, e.title) for e in parse_feed(body, {}, URL).entries] == [
        ("x", "A"),
        ("x", "B"),
    ]


def test_the_summary_falls_back_to_the_content() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
<entry><id>1</id><title>A</title>
<content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>"""
    assert parse_feed(body, {}, URL).entries[0].summary == "<p>Body</p>"


def test_html_in_the_summary_is_left_for_normalize_and_not_sanitised() -> None:
    body = rss(
        "<item><title>A</title><description>&lt;b&gt;Bold&lt;/b&gt; text</description></item>"
    )
    assert parse_feed(body, {}, URL).entries[0].summary == "<b>Bold</b> text"


def test_a_valid_feed_with_no_entries_is_an_empty_feed_not_an_error() -> None:
    feed = parse_feed(rss(""), {}, URL)
    assert (feed.title, feed.entries) == ("Wire", ())


def test_a_feed_with_warnings_but_entries_is_used() -> None:
    body = rss("<item><title>A &nbsp; B</title></item>")  # &nbsp; is not an XML entity
    feed = parse_feed(body, {}, URL)
    assert feed.entries[0].title.startswith("A")
    assert feed.warnings and "undefined entity" in feed.warnings[0]


def test_parsing_never_touches_the_network_or_the_file_system(tmp_path: Path) -> None:
    # Handed a str, feedparser would open it as a path or URL; we only ever pass bytes.
    local = tmp_path / "feed.xml"
    local.write_bytes(rss("<item><title>Secret</title></item>"))
    with pytest.raises(FetchError) as caught:
        parse_feed(str(local).encode(), {}, URL)
    assert caught.value.kind in ("not_a_feed", "parse_error")
