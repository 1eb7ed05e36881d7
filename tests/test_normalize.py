"""normalize: canonical URLs, clean text, stable identity and Article fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from service.domain import Article, Entry
from service.poll.normalize import (
    canonical_url,
    clean_text,
    content_fingerprint,
    entry_key,
    is_page_link,
    normalize_entry,
)
from service.poll.parse import parse_feed

FIRST_SEEN = datetime(2026, 2, 18, 3, 0, tzinfo=UTC)
BASE = "https://example.org/feeds/world.xml"
ENTRY = Entry(
    guid=None,
    link=None,
    title="Title",
    summary="Summary",
    published=None,
    updated=None,
)


def normalize(
    entry: Entry, feed_lang: str | None = None, source_lang: str | None = None
) -> Article:
    return normalize_entry(entry, "Kyodo News", feed_lang, source_lang, FIRST_SEEN, BASE)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://WWW.Example.COM:80/a/b/", "https://example.com/a/b"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
        ("https://example.com/a?b=2&fbclid=x&a=1&gclid=y", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?mc_cid=1&mc_eid=2&id=7", "https://example.com/a?id=7"),
        ("https://www.bbc.com/news/x?at_medium=RSS&at_campaign=rss", "https://bbc.com/news/x"),
        ("https://example.com/story/amp", "https://example.com/story"),
        ("https://example.com/story.amp", "https://example.com/story"),
        ("https://example.com/story?amp=1", "https://example.com/story"),
        ("https://example.com/story?outputType=amp", "https://example.com/story"),
        (
            "https://example.com/story?outputType=print",
            "https://example.com/story?outputType=print",
        ),
        ("https://example.com/?q=a%20b&p=1", "https://example.com/?p=1&q=a%20b"),
        ("https://example.com", "https://example.com/"),
        ("tag:example.com,2026:1", "tag:example.com,2026:1"),
        ("  https://example.com/a  ", "https://example.com/a"),
    ],
)
def test_canonical_url_keeps_only_what_identifies_the_page(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTP://WWW.Example.COM/a/?z=1&utm_source=x&a=2#f")
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<p>Hello <b>world</b></p><p>Again</p>", "Hello world Again"),
        ("Tokyo<script>alert('x')</script> and <style>p{}</style>Seoul", "Tokyo and Seoul"),
        ("Japan &amp; Korea &#8211; talks&nbsp;resume", "Japan & Korea – talks resume"),
        ("&amp;lt;p&amp;gt;Doubly escaped&amp;lt;/p&amp;gt;", "Doubly escaped"),
        ("  lots \n\t of   space  ", "lots of space"),
        ("zero\u200bwidth soft\u00adhyphen", "zerowidth softhyphen"),
        ("AT&T and 3 < 4 > 2", "AT&T and 3 < 4 > 2"),
        ("line<br/>break", "line break"),
        ("", ""),
    ],
)
def test_clean_text_gives_plain_folded_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_is_idempotent() -> None:
    raw = "&lt;b&gt;Kishida&lt;/b&gt; &amp;amp; <i>Yoon</i>"
    assert clean_text(clean_text(raw)) == clean_text(raw)


def test_entry_key_prefers_the_guid_then_the_link() -> None:
    assert entry_key(replace(ENTRY, guid=" g-1 ", link="https://e.org/a")) == "g-1"
    assert entry_key(replace(ENTRY, link="https://e.org/a")) == "https://e.org/a"


def test_entry_key_without_guid_or_link_hashes_title_and_date() -> None:
    dated = replace(ENTRY, published=datetime(2026, 2, 1, tzinfo=UTC))
    key = entry_key(dated)
    assert key.startswith("sha1:")
    assert entry_key(dated) == key  # stable across polls
    assert entry_key(replace(dated, title="Other")) != key
    assert entry_key(replace(dated, published=datetime(2026, 2, 2, tzinfo=UTC))) != key
    tokyo = timezone(timedelta(hours=9))
    same_instant = replace(dated, published=datetime(2026, 2, 1, 9, tzinfo=tokyo))
    assert entry_key(same_instant) == key


def test_duplicate_guids_in_one_feed_share_one_key() -> None:
    body = (
        b'<rss version="2.0"><channel><title>W</title>'
        b"<item><guid>x</guid><title>A</title></item><item><guid>x</guid><title>B</title></item>"
        b"</channel></rss>"
    )
    first, second = parse_feed(body, {}, BASE).entries
    assert entry_key(first) == entry_key(second) == "x"


def test_an_article_carries_clean_text_and_identity() -> None:
    entry = Entry(
        guid="urn:kyodo:1",
        link="https://english.kyodonews.net/news/1.html?utm_source=rss",
        title=" <b>Kishida</b> meets Yoon ",
        summary="<p>Leaders &amp; ministers met.</p>",
        published=datetime(2026, 2, 17, 9, 0, tzinfo=timezone(timedelta(hours=9))),
        updated=None,
        authors=("Kyodo", "Kyodo", " "),
        tags=("Politics",),
        lang="en-US",
    )
    article = normalize(entry)
    assert article.source == "Kyodo News"
    assert article.key == "urn:kyodo:1"
    assert article.guid == "urn:kyodo:1"
    assert article.link == "https://english.kyodonews.net/news/1.html?utm_source=rss"
    assert article.canonical_url == "https://english.kyodonews.net/news/1.html"
    assert article.title == "Kishida meets Yoon"
    assert article.summary == "Leaders & ministers met."
    assert article.published == datetime(2026, 2, 17, 0, 0, tzinfo=UTC)
    assert article.published.tzinfo == UTC
    assert article.authors == ("Kyodo",)
    assert article.tags == ("Politics",)
    assert article.lang == "en-us"


def test_relative_links_are_resolved_against_the_feed_url() -> None:
    article = normalize(replace(ENTRY, link="../news/a.html"))
    assert article.link == "https://example.org/news/a.html"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", None, "  "])
def test_only_web_links_are_kept(link: str | None) -> None:
    article = normalize(replace(ENTRY, link=link))
    assert (article.link, article.canonical_url) == ("", "")


def test_published_falls_back_to_updated_then_first_seen() -> None:
    updated = datetime(2026, 2, 10, tzinfo=UTC)
    assert normalize(replace(ENTRY, updated=updated)).published == updated
    assert normalize(ENTRY).published == FIRST_SEEN


def test_language_falls_back_from_entry_to_feed_to_source() -> None:
    assert normalize(replace(ENTRY, lang="ja"), "en", "ko").lang == "ja"
    assert normalize(ENTRY, "en_GB", "ko").lang == "en-gb"
    assert normalize(ENTRY, None, "ko").lang == "ko"
    assert normalize(ENTRY).lang is None


def test_an_empty_title_falls_back_to_the_first_words_of_the_summary() -> None:
    summary = "Japan and South Korea agreed on Tuesday to resume shuttle diplomacy after " * 3
    article = normalize(replace(ENTRY, title="  ", summary=summary))
    assert (
        article.title
        == "Japan and South Korea agreed on Tuesday to resume shuttle diplomacy after…"
    )


def test_a_short_summary_becomes_the_whole_title() -> None:
    assert normalize(replace(ENTRY, title="", summary="<p>Quake hits Noto</p>")).title == (
        "Quake hits Noto"
    )


def test_the_fingerprint_changes_when_the_text_is_edited_and_only_then() -> None:
    article = normalize(ENTRY)
    same = normalize(replace(ENTRY, published=datetime(2026, 1, 1, tzinfo=UTC)))
    edited = normalize(replace(ENTRY, title="Title (updated)"))
    assert content_fingerprint(article) == content_fingerprint(same)
    assert content_fingerprint(article) != content_fingerprint(edited)
    assert content_fingerprint(article) != content_fingerprint(replace(article, summary="Other"))


def test_every_entry_of_a_real_feed_normalizes_to_a_usable_article() -> None:
    data = Path(__file__).parent / "data" / "feeds" / "outlets-2026"
    for path in sorted(data.glob("*.xml")):
        feed = parse_feed(path.read_bytes(), {}, BASE)
        for entry in feed.entries:
            article = normalize_entry(entry, path.name, feed.lang, None, FIRST_SEEN, BASE)
            assert article.title, path.name
            assert article.link.startswith("https://") or article.link.startswith("http://")
            assert article.published.tzinfo == UTC
            assert "<" not in article.title or "&lt;" in entry.title, article.title


@pytest.mark.parametrize(
    ("link", "page"),
    [
        ("https://e.org/a/b", True),
        ("/a/b", True),
        ("https://e.org/?p=12", True),
        ("https://e.org/", False),
        ("https://e.org", False),
        ("javascript:void(0)", False),
        ("mailto:desk@e.org", False),
        ("http://[bad", False),
    ],
)
def test_only_a_link_to_a_page_identifies_an_entry(link: str, page: bool) -> None:
    assert is_page_link(link) is page
    key = entry_key(replace(ENTRY, link=link, guid=None))
    assert (key == link) is page


@pytest.mark.parametrize(
    "control",
    [
        "\u202e",
        "\u202d",
        "\u202a",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u061c",
    ],
)
def test_bidi_controls_are_stripped_from_feed_text(control: str) -> None:
    # A right-to-left override in a headline would reverse the text around it downstream.
    assert (
        clean_text(f"Quad {control}leaders meet{control} in Tokyo") == "Quad leaders meet in Tokyo"
    )


def test_joiners_that_scripts_and_emoji_need_are_kept() -> None:
    assert (
        clean_text("می\u200cخواهم \U0001f469\u200d\U0001f4bb")
        == "می\u200cخواهم \U0001f469\u200d\U0001f4bb"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.Kyodonews.net/news/1",
        "http://user:pw@www.example.org:8080/x?y#z",
        "https://example.org",
        "https://example.org?x",
        "https://example.org:/x",
        "https://[::1]:8080/x",
        " https://example.org/x ",
        "https://exa mple.org/x",
        "javascript:alert(1)",
        "mailto:desk@example.org",
        "",
        "//example.org/x",
        "https://xn--wgv71a.example/x",
        "https://例え.jp/x",
        "https://a@b@c.example/x",
        "https://example.org\\@evil.example/x",
        "HTTPS://WWW.EXAMPLE.ORG/",
        "https://example.org./x",
        "ftp://files.example.org/x",
    ],
)
def test_the_quick_host_reading_agrees_with_urlsplit(url: str) -> None:
    from urllib.parse import urlsplit

    from service.domain import link_host

    assert link_host(url) == (urlsplit(url).hostname or "").lower().removeprefix("www.")
