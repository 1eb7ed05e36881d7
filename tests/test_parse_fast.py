"""The fast path (service.parse_fast) returns exactly what feedparser's path returns, or None.

The differential test runs both paths over every shared fixture feed (the fast one first; the
slow one only where the fast one answered), comparing the whole ParsedFeed and the articles
normalize_entry makes of it. The other tests pin, shape by shape, that the fast path takes the
plain feeds and agrees with feedparser, and declines what it does not reproduce.
"""

from __future__ import annotations

import importlib.util
import sys
import xml.sax
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock
from xml.sax.expatreader import ExpatParser

import pytest

from service.domain import Article, ParsedFeed
from service.poll import entries, parse
from service.poll.charset import relabel_utf8
from service.poll.normalize import normalize_entry
from service.poll.parse import parse_feed
from service.poll.parse_fast import parse_simple
from tests.test_parse_corpus import CORPUS, corpus_files, header_comment

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from feedstate import FeedState  # noqa: E402

URL = "https://example.org/feeds/world.xml"
NOW = datetime(2026, 2, 18, tzinfo=UTC)
FOLDERS = [
    "outlets-2026",
    "whitehouse",
    "wild-2011",
    "integration",
    "feedparser-corpus",
]
# Share of the files in a folder the fast path must take (of those that are feeds at all).
MIN_ACCEPTED = {"outlets-2026": 0.8, "whitehouse": 0.95}
# What bench/farm.py (FeedFarm._feed) sends with a 200, as the fetcher hands it on.
FARM_HEADERS = {
    "content-type": "application/rss+xml; charset=utf-8",
    "vary": "Accept-Encoding",
    "content-encoding": "gzip",
    "server": "Python/3.11 aiohttp",
}


@contextmanager
def feedparser_only() -> Iterator[None]:
    with mock.patch.object(parse, "parse_simple", lambda *args: None):
        yield


def slow_parse(body: bytes, headers: Mapping[str, str]) -> ParsedFeed | Exception:
    with feedparser_only():
        try:
            return parse_feed(body, headers, URL)
        except Exception as error:  # FetchError, or whatever feedparser raised
            return error


def fast_parse(body: bytes, headers: Mapping[str, str]) -> ParsedFeed | None:
    return parse_simple(body, relabel_utf8(body, headers) or headers, URL)  # as parse_feed does


def articles(feed: ParsedFeed) -> list[Article]:
    return [normalize_entry(e, "src", feed.lang, "en", NOW, URL) for e in feed.entries]


def same(body: bytes, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """The fast path's result, after checking it takes the feed and agrees with feedparser."""
    headers = headers or {}
    fast = fast_parse(body, headers)
    assert fast is not None, "the fast path declined"
    slow = slow_parse(body, headers)
    assert isinstance(slow, ParsedFeed), slow
    assert fast == slow
    assert articles(fast) == articles(slow)
    assert parse_feed(body, headers, URL) == fast  # through the hook
    return fast


def declined(body: bytes, headers: Mapping[str, str] | None = None) -> bool:
    return fast_parse(body, headers or {}) is None


def agrees(body: bytes, headers: Mapping[str, str] | None = None) -> None:
    """Declined, or taken and the same as feedparser's."""
    if not declined(body, headers):
        same(body, headers)


def rss(items: str, channel: str = "", root: str = "", decl: str = "") -> bytes:
    decl = decl or '<?xml version="1.0" encoding="utf-8"?>'
    namespaces = (
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom"'
    )
    return (
        f'{decl}<rss version="2.0"{namespaces}{root}><channel><title>Wire</title>'
        f"<link>https://example.org/</link>{channel}{items}</channel></rss>"
    ).encode()


def atom(entries: str, feed: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>Wire</title><link href="https://example.org/"/>{feed}{entries}</feed>'
    ).encode()


ITEM = "<item><title>A</title><link>https://example.org/a</link><guid>a-1</guid></item>"
XML = {"content-type": "application/rss+xml; charset=utf-8"}


# -- every fixture feed --------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared feed fixtures not found at {CORPUS}")
@pytest.mark.parametrize("folder", FOLDERS)
def test_the_fast_path_agrees_with_feedparser_on_every_fixture_feed(folder: str) -> None:
    files = corpus_files(folder)
    if not files:
        pytest.skip(f"{folder} is not in this fixture set")
    answers: list[ParsedFeed | None] = []  # what parse_feed's call to the fast path returned

    def spy(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed | None:
        answers.append(parse_simple(body, headers, url))
        return answers[-1]

    accepted = feeds = 0
    for path in files:
        body = path.read_bytes()
        headers = header_comment(body)
        answers.clear()
        with mock.patch.object(parse, "parse_simple", spy):
            try:
                outcome: ParsedFeed | Exception = parse_feed(body, headers, URL)
            except Exception as error:
                outcome = error
        feeds += isinstance(outcome, ParsedFeed)
        if not answers or answers[0] is None:
            continue  # declined (or blank / JSON): feedparser's path answered
        accepted += 1
        slow = slow_parse(body, headers)
        assert isinstance(slow, ParsedFeed), f"{path.name}: {slow!r}"
        assert outcome == slow, path.name
        assert articles(answers[0]) == articles(slow), path.name
    print(f"\n{folder}: fast path took {accepted} of {len(files)} files ({feeds} feeds)")
    if folder in MIN_ACCEPTED:
        assert accepted >= MIN_ACCEPTED[folder] * feeds, (accepted, feeds)


@pytest.mark.parametrize("gzipped", [False, True])
def test_the_bench_farms_feeds_are_taken(gzipped: bool) -> None:
    state = FeedState(7, items=30, match_rate=0.03, seed=1)
    headers = {**FARM_HEADERS, "etag": state.etag, "last-modified": state.last_modified}
    if not gzipped:
        del headers["content-encoding"]
    feed = same(state.body(), headers)
    assert len(feed.entries) == 30 and feed.warnings == () and feed.lang == "en"
    assert all(e.guid and e.link and e.title and e.summary and e.published for e in feed.entries)


# -- declines ------------------------------------------------------------------------------


def test_a_plain_feed_is_taken() -> None:
    assert same(rss(ITEM)).entries[0].title == "A"


@pytest.mark.parametrize(
    "body",
    [
        rss(ITEM).replace(b"<rss", b'<!DOCTYPE rss SYSTEM "http://x/rss.dtd"><rss', 1),
        rss(ITEM.replace("A<", "&a;<")).replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY a "b">]><rss'),
    ],
    ids=["doctype", "entity"],
)
def test_it_declines_dtds_and_entities(body: bytes) -> None:
    assert declined(body)


def test_an_entity_declaration_inside_cdata_is_just_text() -> None:
    agrees(rss(ITEM.replace("<title>A", "<title>A <![CDATA[<!ENTITY x 'y'>]]>")))


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (rss(ITEM), {"content-type": "application/rss+xml; charset=iso-8859-1"}),
        (rss(ITEM), {"content-type": "text/xml; charset=windows-1252"}),
        (rss(ITEM), {"content-type": "text/xml"}),
        (rss(ITEM, decl='<?xml version="1.0" encoding="ISO-8859-1"?>'), {}),
        (rss(ITEM.replace("A", "café")), {"content-type": "text/xml; charset=iso-8859-1"}),
        (rss(ITEM.replace("A", "café")), {"content-type": "text/xml"}),  # us-ascii, then UTF-8
        (b"\xef\xbb\xbf" + rss(ITEM.replace("A", "café"), decl=" ").strip(), {}),
    ],
    ids=[
        "ascii-latin1",
        "ascii-cp1252",
        "ascii-text-xml",
        "ascii-decl-latin1",
        "relabelled",
        "override",
        "bom",
    ],  # fmt: skip
)
def test_it_reads_the_charsets_feedparser_reads_the_same(
    body: bytes, headers: dict[str, str]
) -> None:
    same(body, headers)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (rss(ITEM, decl='<?xml version="1.0" encoding="shift_jis"?>'), {}),
        (rss(ITEM.replace("A", "caf\xe9")).replace(b"caf\xc3\xa9", b"caf\xe9"), {}),  # latin-1
        (rss(ITEM).decode().encode("utf-16"), {}),
        (rss(ITEM.replace("A", "café"), decl=" ").strip(), {"content-type": "text/xml"}),
        (rss(ITEM, decl='<?xml version = "1.0" encoding = "utf-8" ?>'), {}),
        (rss(ITEM, decl='<?xml version="1.0"?><?x encoding="latin-1"?>'), {}),
    ],
    ids=["decl-sjis", "not-utf8", "utf16", "us-ascii-unsure", "odd-declaration", "second-pi"],
)
def test_it_declines_other_charsets(body: bytes, headers: dict[str, str]) -> None:
    assert declined(body, headers)


@pytest.mark.parametrize(
    "body",
    [
        rss(ITEM)[:-20],  # cut off
        rss(ITEM.replace("</title>", "")),
        rss(ITEM).replace(b"<rss", b"<rss:rss", 1),  # undeclared prefix
        b"<html><body><p>Not a feed</p></body></html>",
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><item><title>A</title></item></rdf:RDF>',
        b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><title>A</title>'
        b"</entry></feed>",
        rss("<item><title>A</title></item>").replace(b"<channel>", b"").replace(b"</channel>", b""),
    ],
    ids=["truncated", "unclosed", "undeclared-prefix", "html", "rss-1.0", "atom-0.3", "no-channel"],
)
def test_it_declines_other_documents(body: bytes) -> None:
    assert declined(body)


@pytest.mark.parametrize(
    "entry",
    [
        '<entry><title>A</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>x</p></div></content></entry>",
        '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A</div></title>'
        "</entry>",
        '<entry><title>A</title><content type="application/octet-stream">YWJj</content></entry>',
        '<entry><title>A</title><content mode="base64">YWJj</content></entry>',
        "<entry><title>A <b>bold</b></title></entry>",  # markup inside a text element
        '<entry xmlns:x="urn:x"><title x:type="html">A</title></entry>',  # namespaced attribute
        "<entry><title>A</title><contributor><name>C</name></contributor></entry>",
        "<entry><title>A</title><source><title>S</title></source></entry>",
        '<entry><title>A</title><link href="https://example.org/a"><title>x</title></link></entry>',
        "<entry><title>A</title><author><name>B</name></author><author><name>C</name></author>"
        "</entry>",
        '<entry><title>A</title><link rel="alternate" href=""/></entry>',
    ],
    ids=[
        "xhtml-content",
        "xhtml-title",
        "base64-type",
        "base64-mode",
        "markup",
        "ns-attr",
        "contributor",
        "source",
        "link-children",
        "two-authors",
        "empty-href",
    ],  # fmt: skip
)
def test_it_declines_what_it_does_not_reproduce(entry: str) -> None:
    assert declined(atom(entry))
    assert isinstance(slow_parse(atom(entry), {}), ParsedFeed)  # feedparser still reads it


@pytest.mark.parametrize(
    "item",
    [
        "<item><title>A</title><itunes:summary>S</itunes:summary></item>",
        "<item><title>A</title><source url='https://x/'>S</source></item>",
        "<item><title>A</title><image><url>https://x/i.png</url></image></item>",
        "<item><title>A</title><media:rating>adult</media:rating></item>",
        "<item><title>A</title><pubDate>not a date</pubDate></item>",
        "<item><title>A</title><pubDate>Tue, 10 Jun 03 04:00:00 GMT</pubDate></item>",
        "<item><title>A</title><pubDate>2003-06-10T04:00:00+0530</pubDate></item>",
        "<item><title>A</title><author>Jane &lt;jane@example.org&gt;</author></item>",
        "<item><title>A</title><author>jane@under_score.org (Jane)</author></item>",
        "<item><title>A</title><link>https://a.example/?x=1&amp;amp;y=2</link></item>",
        '<item><title>A</title><guid IsPermaLink="false">g</guid></item>',
        '<item lang="fr"><title>A</title></item>',
    ],
    ids=[
        "itunes",
        "source",
        "image-box",
        "media-rating",
        "bad-date",
        "two-digit-year",
        "half-hour-no-colon",
        "angle-address",
        "odd-address",
        "entity-in-link",
        "attr-case",
        "bare-lang",
    ],  # fmt: skip
)
def test_it_declines_elements_it_does_not_model(item: str) -> None:
    body = rss(item, root=' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"')
    assert declined(body)


def test_it_declines_when_a_prefix_is_rebound_under_an_open_element() -> None:
    # feedparser dispatches </dc:creator> by the prefix's meaning at the end tag: here the
    # inner declaration makes it </content:creator>, so the outer author is never closed.
    body = rss(
        "<item><title>A</title><dc:creator><author>j@example.org (Jane)</author>"
        '<dc:creator xmlns:dc="http://purl.org/rss/1.0/modules/content/">x</dc:creator>'
        "Joe</dc:creator></item>"
    )
    assert declined(body)
    slow = slow_parse(body, {})
    assert isinstance(slow, ParsedFeed)
    assert slow.entries[0].authors == ("Jane", "j@example.org (Jane)")


def test_it_reads_an_unknown_namespace_the_way_its_prefix_says() -> None:
    # feedparser does not know https://purl.org/dc/..., so it goes by the prefix: dc.
    body = rss("<item><title>A</title><dc:creator>Jane</dc:creator></item>").replace(
        b'xmlns:dc="http://', b'xmlns:dc="https://'
    )
    assert same(body).entries[0].authors == ("Jane",)
    itunes = body.replace(b"xmlns:dc=", b"xmlns:itunes=").replace(b"dc:creator", b"itunes:x")
    assert declined(itunes)


def test_it_declines_a_feed_without_usable_entries() -> None:
    assert declined(rss(""))  # feedparser's path decides whether that is an error


def test_it_declines_when_feedparser_would_rewrite_html() -> None:
    with mock.patch.object(entries, "SANITIZE_HTML", True):
        assert declined(rss(ITEM))


def test_it_never_raises() -> None:
    body = Path(__file__).parent.joinpath("data").glob("feeds/*/*bbc-world*")
    real = next(body).read_bytes()
    for cut in range(0, len(real), 997):
        parse_simple(real[:cut], {}, URL)
        parse_simple(real[:cut] + b"\xff" + real[cut:], {}, URL)
    for junk in (b"", b"\x00", b"<", b"<rss>", b"<?xml?>", b"\xef\xbb\xbf", "é".encode()):
        assert parse_simple(junk, {"content-type": "x"}, URL) is None


# -- feedparser's ways, reproduced -----------------------------------------------------------


def test_a_permalink_guid_is_the_link_only_when_there_is_none() -> None:
    feed = same(
        rss(
            "<item><title>1</title><guid>https://example.org/1</guid></item>"
            '<item><title>2</title><guid isPermaLink="false">https://example.org/2</guid></item>'
            "<item><title>3</title><link>https://example.org/3a</link>"
            "<guid>https://example.org/3b</guid></item>"
            "<item><title>4</title><guid>https://example.org/4b</guid>"
            "<link>https://example.org/4a</link></item>"
            '<item><title>5</title><guid isPermaLink="True">https://example.org/5</guid></item>'
        )
    )
    links = [(e.guid, e.link) for e in feed.entries]
    assert links == [
        ("https://example.org/1", "https://example.org/1"),
        ("https://example.org/2", None),
        ("https://example.org/3b", "https://example.org/3a"),
        ("https://example.org/4b", "https://example.org/4a"),
        ("https://example.org/5", None),  # only the exact string "true" counts
    ]
    feed = same(atom("<entry><title>1</title><id>tag:x,2020:1</id></entry>"))
    assert feed.entries[0].link == "tag:x,2020:1"  # an Atom id is a permalink too


def test_authors_from_dc_creator_rss_author_and_atom_author() -> None:
    feed = same(
        rss(
            "<item><title>1</title><dc:creator>Jane Doe</dc:creator></item>"
            "<item><title>2</title><author>jane@example.org (Jane Doe)</author></item>"
            "<item><title>3</title><dc:creator>A</dc:creator><dc:creator>B</dc:creator></item>"
            "<item><title>4</title><author>jane@example.org</author></item>"
            "<item><title>5</title><author>j_d+x@mail.example.co.uk(J D)</author></item>"
        )
    )
    assert [e.authors for e in feed.entries] == [
        ("Jane Doe",),
        ("Jane Doe", "jane@example.org (Jane Doe)"),  # the name, then the raw <author>
        ("A", "B"),
        ("jane@example.org",),
        ("J D", "j_d+x@mail.example.co.uk(J D)"),
    ]
    feed = same(
        atom(
            "<entry><title>1</title><author><name>N</name><email>n@example.org</email>"
            "<uri>https://example.org/n</uri></author></entry>"
            "<entry><title>2</title><author><email>e@example.org</email></author></entry>"
        )
    )
    assert [e.authors for e in feed.entries] == [("N", "N (n@example.org)"), ("e@example.org",)]


def test_categories_from_every_source_once() -> None:
    feed = same(
        rss(
            '<item><title>1</title><category domain="d">World</category><category>World'
            "</category><category>Asia</category><dc:subject>Japan</dc:subject>"
            "<media:category>Tokyo</media:category><media:keywords>a, b,,c</media:keywords>"
            "<category/></item>"
        )
    )
    assert feed.entries[0].tags == ("World", "Asia", "Japan", "Tokyo", "a", "b", "c")
    feed = same(atom('<entry><title>1</title><category term="t" label="L"/>'
                     '<category term="" label="L2"/><category scheme="s"/></entry>'))  # fmt: skip
    assert feed.entries[0].tags == ("t", "L2")


def test_languages_from_xml_lang_language_elements_and_the_header() -> None:
    feed = same(
        rss(
            '<item><title xml:lang="fr">Un</title></item>'
            "<item><title>Two</title><dc:language>de</dc:language></item>"
            '<item xml:lang="es"><title xml:lang="">Tres</title></item>'
            '<item xml:lang="pt_BR"><title>Quatro</title></item>',
            channel="<language>en_GB</language>",
        ),
        {"content-type": "application/rss+xml", "content-language": "en-US"},
    )
    assert feed.lang == "en_GB"
    assert [e.lang for e in feed.entries] == ["fr", "de", None, "pt-BR"]
    feed = same(atom("<entry><title>A</title></entry>").replace(b"<feed", b'<feed xml:lang="ja"'))
    assert feed.lang == "ja"


def test_dates_in_the_formats_feedparser_reads() -> None:
    feed = same(
        rss(
            "<item><title>1</title><pubDate>Tue, 10 Jun 2003 04:00:00 +0200</pubDate></item>"
            "<item><title>2</title><dc:date>2020-01-02T03:04:05-05:00</dc:date></item>"
            "<item><title>3</title><pubDate></pubDate></item>"
            "<item><title>4</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
            "<atom:updated>2003-06-11T00:00:00Z</atom:updated></item>"
            "<item><title>5</title><pubDate>10 Jun 2003 04:00 EST</pubDate>"
            "<updated>2003-06-11</updated></item>"
            "<item><title>6</title><pubDate>2026-02-17T17:36:36.5-0500</pubDate></item>"
        )
    )
    stamps = [(e.published, e.updated) for e in feed.entries]
    assert stamps == [
        (datetime(2003, 6, 10, 2, tzinfo=UTC), None),
        (None, datetime(2020, 1, 2, 8, 4, 5, tzinfo=UTC)),
        (None, None),
        (datetime(2003, 6, 10, 4, tzinfo=UTC), datetime(2003, 6, 11, tzinfo=UTC)),
        (datetime(2003, 6, 10, 9, tzinfo=UTC), datetime(2003, 6, 11, tzinfo=UTC)),
        (datetime(2026, 2, 17, 22, 36, 36, tzinfo=UTC), None),
    ]


def test_titles_and_summaries_from_media_elements() -> None:
    feed = same(
        rss(
            "<item><title>T</title><description>D</description><media:content url='u'>"
            "<media:title>MT</media:title><media:description>MD</media:description>"
            "</media:content></item>"
            "<item><media:title>MT</media:title><title>T</title></item>"
            "<item><description/><media:description>MD</media:description></item>"
            "<item><media:description>MD</media:description><description>D</description></item>"
            "<item><title>T</title><image>https://example.org/i.png</image>"
            "<media:group><media:title>MT</media:title></media:group></item>"
        )
    )
    assert [(e.title, e.summary) for e in feed.entries] == [
        ("T", "D"),
        ("T", ""),
        ("", "MD"),
        ("", "MD"),  # the first summary wins: the second one becomes content
        ("T", ""),
    ]


def test_content_encoded_and_atom_content() -> None:
    feed = same(
        rss(
            "<item><title>1</title><content:encoded><![CDATA[<p>Full</p>]]></content:encoded>"
            "</item><item><title>2</title><description>Short</description>"
            "<content:encoded>Full</content:encoded></item>"
        )
    )
    assert [e.summary for e in feed.entries] == ["<p>Full</p>", "Short"]
    # <content> leaves an entry on feedparser's element stack: the rest must still match.
    feed = same(
        atom(
            '<entry><title>1</title><content type="html">&lt;p&gt;C&lt;/p&gt;</content>'
            "<id>tag:1</id></entry><entry><title>2</title><summary>S</summary>"
            "<content>C2</content></entry>"
        )
    )
    assert [e.summary for e in feed.entries] == ["<p>C</p>", "S"]


def test_links_and_xml_base() -> None:
    feed = same(
        atom(
            '<entry><title>1</title><link rel="alternate" type="text/html" href="https://a/1"/>'
            '<link rel="enclosure" href="https://a/1.mp3"/><content xml:base="https://b/x/">'
            'C</content></entry><entry><title>2</title><link href="https://a/2" title="t"/>'
            "<id>https://a/?p=2&amp;q=3</id></entry>"
        )
    )
    assert [(e.link, e.guid) for e in feed.entries] == [
        ("https://a/1", None),
        ("https://a/2", "https://a/?p=2&q=3"),
    ]
    # feedparser resolves relative links against xml:base (and forgets to restore it).
    assert declined(atom('<entry><title>1</title><link href="a/1"/></entry>').replace(
        b"<feed", b'<feed xml:base="https://example.org/news/"'))  # fmt: skip


def test_namespaced_attributes_no_handler_reads() -> None:
    body = atom(
        '<entry><title>1</title><link rel="replies" href="https://example.org/1#c" '
        'thr:count="2"/><link href="https://example.org/1"/><media:thumbnail url="u" '
        'media:x="y"/></entry>'
    ).replace(
        b"<feed",
        b'<feed xmlns:thr="http://purl.org/syndication/thread/1.0"'
        b' xmlns:media="http://search.yahoo.com/mrss/"',
    )
    agrees(body)


@pytest.mark.parametrize(
    "item",
    [
        "<item><title>CafÃ©</title></item>",  # feedparser repairs the mojibake
        "<item><title>A</title><description>&#150; &#128;</description></item>",  # C1 -> cp1252
    ],
    ids=["mojibake", "c1"],
)
def test_it_declines_texts_feedparser_would_fix(item: str) -> None:
    assert declined(rss(item))
    assert not declined(rss(item.replace("Ã©", "é").replace("&#150; &#128;", "– €")))


def test_a_utf8_body_feedparser_reads_as_latin1_then_repairs() -> None:
    # No charset anywhere: feedparser decodes Latin-1, then repairs the text element by element.
    body = rss("<item><title>Café</title><description>’ and é</description></item>", decl=" ")
    feed = same(body.strip())
    assert (feed.entries[0].title, feed.entries[0].summary) == ("Café", "’ and é")
    assert feed.warnings == ("NonXMLContentType: no Content-type specified",)
    for unsure in ("&#8217; and é", "à"):  # a reference it does not repair; a stripped byte
        assert declined(body.replace("’ and é".encode(), unsure.encode()).strip())


@pytest.mark.parametrize(
    ("headers", "warnings"),
    [
        (XML, ()),
        ({"content-type": "application/xml"}, ()),
        ({"content-type": "text/xml"}, ()),
        ({}, ("NonXMLContentType: no Content-type specified",)),
        ({"content-type": "text/html; charset=utf-8"},
         ("NonXMLContentType: text/html; charset=utf-8 is not an XML media type",)),
        ({"Content-Type": "Application/XML"},
         ("NonXMLContentType: Application/XML is not an XML media type",)),
    ],
    ids=["rss+xml", "application-xml", "text-xml", "none", "text-html", "odd-case"],
)  # fmt: skip
def test_warnings_feedparser_gives_are_kept(
    headers: dict[str, str], warnings: tuple[str, ...]
) -> None:
    assert same(rss(ITEM), headers).warnings == warnings


def test_ttl_and_feed_fields() -> None:
    feed = same(
        rss(
            ITEM,
            channel="<ttl>30</ttl><image><title>Logo</title><url>https://example.org/l.png</url>"
            "<link>https://example.org/</link></image><atom:link rel='self' href='https://x/'/>"
            "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>",
            root=' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"',
        )
    )
    assert (feed.title, feed.link, feed.ttl_seconds) == ("Wire", "https://example.org/", 1800)


# -- what the fast path rests on -----------------------------------------------------------


def test_feedparser_parses_with_expat_and_keeps_html_as_it_is() -> None:
    # feedparser prefers libxml2's SAX driver when it is installed; then well-formedness and
    # texts could differ from ElementTree's expat.
    assert importlib.util.find_spec("drv_libxml2") is None
    assert importlib.util.find_spec("libxml2") is None
    assert isinstance(xml.sax.make_parser(), ExpatParser)
    assert not entries.SANITIZE_HTML and not entries.RESOLVE_RELATIVE_URIS
