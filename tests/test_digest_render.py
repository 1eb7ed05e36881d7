"""Rendering the digest: golden HTML/text, escaping of feed text, and the wire format."""

from __future__ import annotations

import dataclasses
import os
import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest

from service.digest.model import Digest, DigestStory, DigestTheme, FailingSource
from service.digest.render import build_message, render_html, render_text
from service.digest.view import STORIES_PER_THEME
from service.domain import Span
from tests.digest_sample import sample_digest

GOLDEN = Path(__file__).parent / "golden" / "digest"
NOW = datetime(2026, 11, 27, 22, 30, 4, tzinfo=UTC)
SENDER = "Wirewatch <wirewatch@example.org>"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(actual.encode("utf-8"))
    assert actual == path.read_bytes().decode("utf-8"), "regenerate with UPDATE_GOLDEN=1"


def empty_digest() -> Digest:
    quiet = dataclasses.replace(sample_digest().themes[3])
    return dataclasses.replace(sample_digest(), themes=(quiet,), failing_sources=())


def masked_wire(msg: EmailMessage) -> str:
    wire = msg.as_bytes().decode("ascii")
    boundary = msg.get_boundary()
    assert boundary
    wire = wire.replace(boundary, "BOUNDARY")
    wire = re.sub(r"^Message-ID: .*$", "Message-ID: <MASKED>", wire, flags=re.M)
    return re.sub(r"^Date: .*$", "Date: MASKED", wire, flags=re.M)


def hostile_digest() -> Digest:
    title = '<script>alert(1)</script> Quad & "friends" &amp; co'
    summary = '"><img src=x onerror=alert(1)> the Quad met <b>today</b>'
    evil = DigestStory(
        title=title,
        link="javascript:alert(document.cookie)",
        outlets=("<b>Evil Outlet</b>",),
        first_seen=NOW,
        summary=summary,
        spans=(
            Span("title", 0, 8, "<script>"),
            Span("summary", summary.index("Quad"), summary.index("Quad") + 4, "Quad"),
        ),
    )
    theme = DigestTheme("x", "<i>Theme</i> & co", "high", (evil,), 1, (0,) * 13 + (1,))
    failing = FailingSource("<svg onload=alert(1)>", NOW, "<iframe src=//evil>")
    return dataclasses.replace(sample_digest(), themes=(theme,), failing_sources=(failing,))


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._depth += 1
            self.titles.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.titles[-1] += data


def test_the_html_matches_the_golden_file() -> None:
    check_golden("sample.html", render_html(sample_digest()))


def test_the_text_matches_the_golden_file() -> None:
    check_golden("sample.txt", render_text(sample_digest()))


def test_the_wire_message_matches_the_golden_file_with_volatile_headers_masked() -> None:
    msg = build_message(sample_digest(), SENDER, ["desk@example.org"], NOW)
    check_golden("sample.eml", masked_wire(msg))


def test_an_empty_digest_renders_a_short_nothing_new_note() -> None:
    check_golden("empty.html", render_html(empty_digest()))
    check_golden("empty.txt", render_text(empty_digest()))
    assert "Nothing new" in render_text(empty_digest())


def test_feed_text_cannot_inject_html() -> None:
    html = render_html(hostile_digest())
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "<iframe" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;amp;" in html  # a literal "&amp;" in a headline is shown as typed


def test_a_non_http_link_is_not_made_clickable() -> None:
    html = render_html(hostile_digest())
    assert "javascript:" not in html
    assert "javascript:" not in render_text(hostile_digest())


def test_the_text_part_shows_feed_text_as_typed() -> None:
    text = render_text(hostile_digest())
    assert '*<script>*alert(1)</script> Quad & "friends" &amp; co' in text


def test_the_message_parses_back_as_text_then_html_alternatives() -> None:
    d = sample_digest()
    raw = build_message(d, SENDER, ["desk@example.org", "Ōno Ken <ono@example.org>"], NOW)
    msg = message_from_bytes(raw.as_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p["Content-Transfer-Encoding"] == "quoted-printable" for p in parts)
    # The wire uses CRLF line ends (RFC 5322); the parser keeps them in the content.
    assert parts[0].get_content().replace("\r\n", "\n") == render_text(d)
    assert parts[1].get_content().replace("\r\n", "\n") == render_html(d)
    assert msg["To"].addresses[1].display_name == "Ōno Ken"
    assert msg["From"].addresses[0].addr_spec == "wirewatch@example.org"
    assert msg["Date"].datetime == NOW
    assert msg["Message-ID"].endswith("@example.org>")


def test_both_parts_carry_the_same_stories_in_the_same_order() -> None:
    d = sample_digest()
    anchors = _Anchors()
    anchors.feed(render_html(d))
    assert len(anchors.titles) == 9
    text = " ".join(render_text(d).replace("*", "").split())
    positions = [text.find(title) for title in anchors.titles]
    assert -1 not in positions and positions == sorted(positions)


def test_every_line_on_the_wire_fits_in_78_characters() -> None:
    d = hostile_digest()
    long_title = "Quad " + "x" * 300 + " " + "ĳ" * 200
    story = dataclasses.replace(d.themes[0].stories[0], title=long_title)
    d = dataclasses.replace(d, themes=(dataclasses.replace(d.themes[0], stories=(story,)),))
    for digest in (sample_digest(), d):
        wire = build_message(digest, SENDER, ["desk@example.org"], NOW).as_bytes()
        assert max(len(line) for line in wire.split(b"\r\n")) <= 78
        assert wire.isascii()


def test_a_non_ascii_subject_is_encoded_and_reads_back_exactly() -> None:
    d = dataclasses.replace(sample_digest(), name="Tōkyō desk")
    wire = build_message(d, SENDER, ["desk@example.org"], NOW).as_bytes()
    assert b"=?utf-8?" in wire
    back = message_from_bytes(wire, policy=policy.default)
    assert back["Subject"] == "Tōkyō desk digest · Sat 28 Nov · 9 stories in 3 themes"


def test_a_given_message_id_is_kept_so_a_retry_resends_the_same_message() -> None:
    msg = build_message(
        sample_digest(), SENDER, ["desk@example.org"], NOW, message_id="<run-42@example.org>"
    )
    assert msg["Message-ID"] == "<run-42@example.org>"


def test_a_message_id_domain_can_be_chosen() -> None:
    msg = build_message(
        sample_digest(), SENDER, ["d@example.org"], NOW, message_id_domain="mail.example.net"
    )
    assert msg["Message-ID"].endswith("@mail.example.net>")


@pytest.mark.parametrize("render", [render_html, render_text])
def test_a_busy_theme_lists_its_top_stories_and_counts_the_rest(render: object) -> None:
    d = sample_digest()
    many = tuple(
        dataclasses.replace(
            d.themes[1].stories[0], title=f"Story {i:02}", link=f"https://e.org/{i}"
        )
        for i in range(STORIES_PER_THEME + 5)
    )
    busy = dataclasses.replace(d, themes=(dataclasses.replace(d.themes[1], stories=many),))
    out = render(busy)  # type: ignore[operator]
    assert "and 5 more stories in this theme" in out
    assert f"Story {STORIES_PER_THEME - 1:02}" in out and f"Story {STORIES_PER_THEME:02}" not in out


def test_a_paused_slack_channel_is_in_the_footer_with_what_to_do() -> None:
    from dataclasses import replace

    notice = "Slack delivery paused for #asia-desk: invite the bot: /invite @app in #asia-desk"
    digest = replace(sample_digest(), notices=(notice,))
    text = " ".join(render_text(digest).split())  # lines are wrapped
    assert "Needs attention - Slack delivery paused for #asia-desk" in text
    assert "/invite @app in #asia-desk" in text
    html = render_html(digest)
    assert "Needs attention" in html and "/invite @app in #asia-desk" in html


def test_a_story_shows_when_it_was_published_and_labels_a_time_it_was_only_found() -> None:
    from dataclasses import replace

    from service.digest.view import digest_view

    digest = sample_digest()
    theme = digest.themes[0]
    first = theme.stories[0]
    old = replace(first, published=datetime(2023, 5, 20, 5, 0, tzinfo=UTC))  # a backfilled item
    undated = replace(first, published=None)
    for story, shown in ((old, "Sat 20 May 2023 14:00"), (undated, "found ")):
        changed = replace(digest, themes=(replace(theme, stories=(story,)),))
        assert digest_view(changed).themes[0].stories[0].time.startswith(shown)
