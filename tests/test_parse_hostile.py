"""Broken and hostile bodies fail cleanly as FetchError; entities never expand; charsets survive."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from service.poll.fetch import FetchError
from service.poll.guard import drop_expanding_entities
from service.poll.parse import parse_feed

DATA = Path(__file__).parent / "data" / "feeds"
URL = "https://example.org/feed.xml"

LAUGHS = "\n".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
)  # each level 10x the previous: 10**9 "lol"s if expanded
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY lol0 "lol">
{LAUGHS}
]>
<rss version="2.0"><channel><title>T</title>
<item><guid>1</guid><title>a &lol9; b</title><description>&lol9;</description></item>
</channel></rss>""".encode()


def external_entity(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY xxe SYSTEM "{target}">
]>
<rss version="2.0"><channel><title>T</title>
<item><guid>1</guid><title>before &xxe; after</title><description>&xxe;</description></item>
</channel></rss>""".encode()


def quadratic_blowup(broken: bool) -> bytes:
    # One 100 KB entity referenced 1,000 times: 100 MB if expanded. `broken` forces
    # feedparser onto its fallback parser, which has no expansion limit of its own.
    junk = "<oops attr=>" if broken else ""
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY big "{"A" * 100_000}">
]>
<rss version="2.0"><channel><title>T</title>
<item>{junk}<guid>1</guid><title>{"&big;" * 1000}</title></item>
</channel></rss>""".encode()


def error_of(body: bytes, headers: dict[str, str] | None = None) -> FetchError:
    with pytest.raises(FetchError) as caught:
        parse_feed(body, headers or {}, URL)
    return caught.value


def test_billion_laughs_is_not_expanded() -> None:
    feed = parse_feed(BILLION_LAUGHS, {}, URL)
    entry = feed.entries[0]
    assert "lol" * 10 not in entry.title + entry.summary
    assert len(entry.title) < 100


@pytest.mark.parametrize("broken", [False, True], ids=["well-formed", "forces-fallback-parser"])
def test_a_quadratic_entity_blowup_is_not_expanded(broken: bool) -> None:
    tracemalloc.start()
    try:
        feed = parse_feed(quadratic_blowup(broken), {}, URL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "AAAA" not in feed.entries[0].title
    assert peak < 20_000_000


def test_the_quadratic_guard_also_covers_utf16_documents() -> None:
    body = (
        quadratic_blowup(True).decode().replace('version="1.0"', 'version="1.0" encoding="utf-16"')
    )
    feed = parse_feed(body.encode("utf-16"), {}, URL)
    assert "AAAA" not in feed.entries[0].title


def test_short_character_entities_still_work() -> None:
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY nbsp "&#160;">
<!ENTITY org "ACME">
]>
<rss version="2.0"><channel><title>T</title>
<item><title>a&nbsp;b &org;</title></item></channel></rss>"""
    assert parse_feed(body, {}, URL).entries[0].title == "a\xa0b ACME"


def test_the_entity_guard_keeps_documents_without_a_dtd_byte_for_byte() -> None:
    body = b"<rss><channel><title>&lt;&amp;</title></channel></rss>"
    assert drop_expanding_entities(body) is body


@pytest.mark.skipif(not os.path.exists("/etc/passwd"), reason="needs a local file to point at")
def test_an_external_entity_never_reads_a_local_file() -> None:
    feed = parse_feed(external_entity("file:///etc/passwd"), {}, URL)
    text = feed.entries[0].title + feed.entries[0].summary
    assert "root:" not in text


def test_an_external_parameter_entity_is_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY leak "TOP-SECRET">')
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{secret.as_uri()}"> %ext;]>
<rss version="2.0"><channel><title>T</title>
<item><title>x &leak; y</title></item></channel></rss>"""
    feed = parse_feed(body.encode(), {}, URL)
    assert "TOP-SECRET" not in feed.entries[0].title


def test_an_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "feed.dtd"
    dtd.write_text('<!ENTITY leak "TOP-SECRET">')
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">
<rss version="2.0"><channel><title>T</title>
<item><title>x &leak; y</title></item></channel></rss>"""
    assert "TOP-SECRET" not in parse_feed(body.encode(), {}, URL).entries[0].title


def test_an_html_page_is_not_a_feed() -> None:
    error = error_of((DATA / "wild-2011" / "0008.dat").read_bytes(), {"content-type": "text/html"})
    assert error.kind == "not_a_feed"
    assert error.message == "Got an HTML page instead of a feed from example.org"


@pytest.mark.parametrize(
    "body",
    [b"<!DOCTYPE html><html><body>Login</body></html>", b"\n <html lang=en><p>Moved</p></html>"],
)
def test_html_without_a_doctype_or_with_leading_space_is_not_a_feed(body: bytes) -> None:
    assert error_of(body).kind == "not_a_feed"


def test_an_xml_api_error_is_not_a_feed() -> None:
    assert error_of((DATA / "wild-2011" / "0093.dat").read_bytes()).kind == "not_a_feed"


def test_a_php_warning_is_a_parse_error() -> None:
    assert error_of((DATA / "wild-2011" / "0095.dat").read_bytes()).kind == "parse_error"


@pytest.mark.parametrize("body", [b"", b"   \r\n\t ", b"\xef\xbb\xbf\n"])
def test_an_empty_body_is_empty(body: bytes) -> None:
    error = error_of(body)
    assert error.kind == "empty"
    assert error.message == "Empty response from example.org"


def test_binary_garbage_is_a_parse_error() -> None:
    garbage = bytes(range(256)) * 64
    assert error_of(garbage).kind == "parse_error"


def test_a_gzip_body_that_reached_the_parser_is_a_parse_error() -> None:
    assert error_of((DATA / "wild-2011" / "0416.dat").read_bytes()).kind == "parse_error"


def test_a_truncated_feed_with_no_complete_entry_is_a_parse_error() -> None:
    assert error_of(b'<?xml version="1.0"?><rss version="2.0"><channel><item><tit').kind == (
        "parse_error"
    )


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "parse_error"),
        (b"[" * 200_000, "parse_error"),  # nesting deep enough to exhaust the recursion limit
        (b'{"error": "rate limited"}', "not_a_feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": "nope"}', None),
    ],
)
def test_bad_json_fails_cleanly(body: bytes, kind: str | None) -> None:
    headers = {"content-type": "application/json"}
    if kind is None:
        assert parse_feed(body, headers, URL).entries == ()
    else:
        assert error_of(body, headers).kind == kind


# Charsets: feedparser-corpus files carry the header they should be served with.


def test_an_euc_kr_feed_is_decoded() -> None:
    body = (DATA / "feedparser-encoding" / "euc-kr-item.xml").read_bytes()
    assert parse_feed(body, {}, URL).entries[0].summary == "\ub144"


def test_windows_1252_bytes_without_a_declaration_are_decoded() -> None:
    body = (DATA / "feedparser-encoding" / "demoronize-1.xml").read_bytes()
    assert parse_feed(body, {}, URL).entries[0].summary == "don\u2019t"


def test_utf_16_and_utf_32_feeds_are_decoded() -> None:
    for name in ("utf-16le-bom.xml", "utf-32be-autodetect.xml"):
        body = (DATA / "feedparser-encoding" / name).read_bytes()
        assert parse_feed(body, {}, URL).entries == ()  # valid, empty feeds


def test_invalid_bytes_after_a_bom_fail_cleanly() -> None:
    body = (DATA / "feedparser-encoding" / "bozo_invalid-bytes-with-bom.xml").read_bytes()
    assert error_of(body).kind == "parse_error"


def latin_feed(declared: str, title: str, encoding: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>C</title>'
        f"<item><title>{title}</title></item></channel></rss>"
    ).encode(encoding)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        # Header says UTF-8, body is really Latin-1 as its declaration says.
        (latin_feed("iso-8859-1", "Café Zürich", "latin-1"), "application/rss+xml; charset=utf-8"),
        # Header says Latin-1 (an old server default), body is really UTF-8.
        (latin_feed("utf-8", "Café Zürich", "utf-8"), "text/xml; charset=ISO-8859-1"),
        # The generator declared Latin-1 but wrote UTF-8.
        (latin_feed("iso-8859-1", "Café Zürich", "utf-8"), ""),
        # Header and declaration agree, and are right.
        (latin_feed("iso-8859-1", "Café Zürich", "latin-1"), "text/xml; charset=iso-8859-1"),
        # A charset that does not exist.
        (latin_feed("utf-8", "Café Zürich", "utf-8"), "application/xml; charset=bogus-9"),
    ],
)
def test_wrong_or_conflicting_charsets_still_give_the_right_text(body: bytes, headers: str) -> None:
    feed = parse_feed(body, {"content-type": headers} if headers else {}, URL)
    assert feed.entries[0].title == "Café Zürich"
