"""Slack payloads are built by a pure function: golden files, escaping, bolding and limits.

After an intended change, regenerate the golden files:
    UPDATE_GOLDEN=1 pytest tests/test_notify_messages.py
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from service.clock import local_time
from service.domain import Span
from service.notify.base import AlertMessage
from service.notify.blocks import build_blocks
from service.notify.mrkdwn import ZERO_WIDTH_SPACE, fit, safe_url, shorten
from tests.test_notify_samples import alert, followup, notice, summary, summary_span

GOLDEN = Path(__file__).parent / "golden" / "slack"


def texts(payload: dict[str, Any]) -> list[str]:
    """Every string Slack will render from a payload: the fallback and each text object."""
    found = [payload["text"]]
    for block in payload["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [element["text"] for element in block.get("elements", [])]
    return found


def mrkdwn_texts(payload: dict[str, Any]) -> list[str]:
    found = [payload["text"]]
    for block in payload["blocks"]:
        objects = [block.get("text")] + block.get("elements", [])
        found += [o["text"] for o in objects if o and o["type"] == "mrkdwn"]
    return found


def assert_matches_golden(name: str, payload: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    rendered = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "msg"),
    [
        ("alert", alert()),
        ("followup", followup()),
        ("summary", summary()),
        ("notice", notice("config.yaml line 12: themes[2].query: unknown alias @koreaa")),
    ],
)
def test_payloads_match_the_golden_files(name: str, msg: AlertMessage) -> None:
    assert_matches_golden(name, build_blocks(msg))


def test_an_alert_links_the_headline_and_names_outlet_local_time_theme_and_priority() -> None:
    payload = build_blocks(alert())
    headline, context = payload["blocks"][0]["text"]["text"], payload["blocks"][1]
    assert headline.startswith("*<https://news.example.org/politics/2025/03/14/kishida-yoon?")
    assert headline.endswith("|Kishida and Yoon agree to resume shuttle diplomacy>*")
    meta = context["elements"][0]["text"]
    for part in ("Kyodo News", "2025-03-14 09:30 JST", "Japan–South Korea normalization", "High"):
        assert part in meta
    assert payload["unfurl_links"] is False
    assert "thread_ts" not in payload


@pytest.mark.parametrize(
    "attack",
    ["<!channel>", "<!here>", "<!everyone>", "<@U123|x>", "<#C123>", "<!subteam^S1|team>"],
)
def test_feed_text_can_never_produce_a_mention(attack: str) -> None:
    text = f"Breaking {attack} & more > less"
    msg = alert(title=text, summary=text, outlet=text, spans=(summary_span(text, "Breaking"),))
    for kind in ("alert", "followup"):
        payload = build_blocks(AlertMessage(**{**msg.__dict__, "kind": kind}))
        for rendered in texts(payload):
            assert "<!" not in rendered and "<@" not in rendered and "<#" not in rendered
            assert attack not in rendered
    assert "Breaking &lt;" in build_blocks(msg)["text"]


def test_bare_broadcast_words_are_defused() -> None:
    payload = build_blocks(alert(title="Everyone @channel @here @everyone", summary="@here now"))
    for rendered in texts(payload):
        assert not re.search(r"@(channel|here|everyone)\b", rendered)


def test_every_ampersand_and_angle_bracket_from_feeds_is_escaped() -> None:
    msg = alert(title="A & B > C < D", summary="x & y <b>bold</b>", spans=())
    for rendered in mrkdwn_texts(build_blocks(msg)):
        without_links = re.sub(r"<https?://[^|>]+\|", "", rendered).replace(">*", "*")
        assert not re.search(r"&(?!amp;|lt;|gt;)", without_links)
        assert "<b>" not in rendered


def test_a_link_cannot_be_closed_early_by_its_url() -> None:
    assert safe_url("https://example.org/a|b>c d?x=<y>") == (
        "https://example.org/a%7Cb%3Ec%20d?x=%3Cy%3E"
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "/relative", ""])
def test_only_http_links_are_linked(url: str) -> None:
    headline = build_blocks(alert(link=url))["blocks"][0]["text"]["text"]
    assert headline == "*Kishida and Yoon agree to resume shuttle diplomacy*"


def test_an_international_domain_is_linked_in_ascii() -> None:
    assert safe_url("https://例え.jp/記事") == "https://xn--r8jz45g.jp/%E8%A8%98%E4%BA%8B"


def test_matched_terms_are_bold_and_overlapping_spans_merge() -> None:
    text = "Seoul and Tokyo talks"
    spans = (Span("summary", 0, 5, "Seoul"), Span("summary", 3, 9, "ul and"))
    snippet = build_blocks(alert(summary=text, spans=spans))["blocks"][2]["text"]["text"]
    assert snippet == "*Seoul and* Tokyo talks"


def test_a_prefix_match_bolds_the_whole_word() -> None:
    snippet = build_blocks(alert())["blocks"][2]["text"]["text"]
    assert "*normalizing*" in snippet
    assert "*Kishida*" in snippet and "*Yoon*" in snippet


def test_terms_inside_unspaced_scripts_get_zero_width_spaces_so_slack_bolds_them() -> None:
    text = "日韓関係の正常化に向けて首脳が会談"
    snippet = build_blocks(alert(summary=text, spans=(summary_span(text, "正常化"),)))
    rendered = snippet["blocks"][2]["text"]["text"]
    assert f"の{ZERO_WIDTH_SPACE}*正常化*{ZERO_WIDTH_SPACE}に" in rendered


def test_an_asterisk_inside_a_term_cannot_end_the_bold_early() -> None:
    text = "The G*7 summit"
    rendered = build_blocks(alert(summary=text, spans=(summary_span(text, "G*7"),)))
    assert "*G\u22177*" in rendered["blocks"][2]["text"]["text"]


def test_title_spans_are_not_bolded_into_the_summary() -> None:
    text = "Kishida spoke."
    msg = alert(summary=text, spans=(Span("title", 0, 7, "Kishida"),))
    assert build_blocks(msg)["blocks"][2]["text"]["text"] == "Kishida spoke."


def test_offsets_that_do_not_fit_the_text_are_relocated_by_term() -> None:
    text = "Officials in Seoul welcomed it."
    msg = alert(summary=text, spans=(Span("summary", 0, 5, "Seoul"),))
    assert build_blocks(msg)["blocks"][2]["text"]["text"] == "Officials in *Seoul* welcomed it."


def test_the_snippet_is_a_window_around_the_first_match_cut_between_words() -> None:
    text = " ".join(f"word{i}" for i in range(400)) + " Kishida met Yoon " + "tail " * 300
    snippet_block = build_blocks(alert(summary=text, spans=(summary_span(text, "Kishida"),)))
    snippet = snippet_block["blocks"][2]["text"]["text"]
    assert snippet.startswith("…word") and snippet.endswith("…")
    assert "*Kishida*" in snippet
    assert 250 <= len(snippet) <= 330
    assert re.match(r"…word\d+ ", snippet)  # starts on a whole word
    assert snippet[:-1].endswith("tail")


def test_an_empty_summary_leaves_out_the_snippet() -> None:
    assert len(build_blocks(alert(summary="", spans=()))["blocks"]) == 2


def test_a_followup_is_one_line_in_the_alerts_thread() -> None:
    payload = build_blocks(followup())
    assert payload["thread_ts"] == "1700000000.000100"
    [block] = payload["blocks"]
    line = block["text"]["text"]
    assert "\n" not in line
    link = "<https://en.example.co.kr/news/AEN20250314000100315|"
    assert (
        line
        == f"Also reported by *Yonhap*: {link}Japan, South Korea leaders revive shuttle diplomacy>"
    )


def test_a_followup_says_how_much_later_the_outlet_reported() -> None:
    from dataclasses import replace
    from datetime import timedelta

    msg = followup()
    later = replace(msg, first_published=msg.published - timedelta(hours=2, minutes=10))
    payload = build_blocks(later)
    assert payload["text"].startswith("Also reported by Yonhap · 2 h later: ")
    assert "Also reported by *Yonhap* · 2 h later: <" in payload["blocks"][0]["text"]["text"]
    soon = replace(msg, first_published=msg.published - timedelta(minutes=35))
    assert "· 35 min later" in build_blocks(soon)["text"]
    assert "later" not in build_blocks(replace(msg, first_published=msg.published))["text"]


def test_a_summary_names_the_count_and_links_up_to_ten_headlines() -> None:
    more = tuple((f"Headline {i}", f"https://example.org/{i}") for i in range(15))
    payload = build_blocks(summary(more=more, more_count=15))
    assert payload["text"] == "15 more stories matched Japan–South Korea normalization"
    assert payload["blocks"][0]["type"] == "header"
    listed = payload["blocks"][1]["text"]["text"]
    assert listed.count("• <https://example.org/") == 10
    assert "…and 5 more in the digest" in listed


def test_a_summary_of_one_story_is_singular() -> None:
    payload = build_blocks(summary(more=(("Only one", "https://example.org/1"),), more_count=1))
    assert payload["text"] == "1 more story matched Japan–South Korea normalization"


def test_a_notice_is_escaped_plain_text() -> None:
    payload = build_blocks(notice("Bad query <!channel> & friends"))
    assert payload["text"] == "Bad query &lt;!channel&gt; &amp; friends"
    assert payload["blocks"][0]["text"]["text"] == payload["text"]


def hostile(n: int) -> str:
    return ("&<> " * n)[:n]


def test_huge_feed_text_is_truncated_within_block_kit_limits() -> None:
    msg = alert(
        title=hostile(20000),
        summary="x" * 50 + hostile(100000),
        outlet=hostile(5000),
        theme_name=hostile(5000),
        link="https://example.org/" + "a" * 5000,
        spans=(Span("summary", 0, 10000, "x"),),
    )
    for payload in (build_blocks(msg), build_blocks(summary(theme_name="T" * 400))):
        assert_within_limits(payload)


def test_a_huge_notice_is_split_into_sections_within_limits() -> None:
    payload = build_blocks(notice("\n".join(hostile(2500) for _ in range(200))))
    assert_within_limits(payload)
    assert len(payload["blocks"]) == 50
    assert payload["blocks"][-1]["text"]["text"] == "… (truncated)"


def test_summaries_with_long_links_stay_within_limits() -> None:
    more = tuple((hostile(3000), "https://example.org/" + "b" * 2900) for _ in range(10))
    assert_within_limits(build_blocks(summary(more=more, more_count=10)))


def assert_within_limits(payload: dict[str, Any]) -> None:
    assert len(payload["blocks"]) <= 50
    assert len(payload["text"]) <= 4000
    for block in payload["blocks"]:
        limit = 150 if block["type"] == "header" else 3000
        for obj in [block.get("text")] + block.get("elements", []):
            if obj:
                assert 0 < len(obj["text"]) <= limit
    for rendered in mrkdwn_texts(payload):
        no_links = re.sub(r"<https?://[^|>]*\|[^<>]*>", "", rendered)
        assert "<" not in no_links and ">" not in no_links  # no broken or half link
        assert not re.search(r"&(?!amp;|lt;|gt;)", rendered)  # no half escape


@pytest.mark.parametrize("limit", range(1, 30))
def test_fit_never_cuts_inside_an_escape_sequence(limit: int) -> None:
    out = fit("Tom & Jerry <3 > all", limit)
    assert len(out) <= limit
    assert not re.search(r"&(?!amp;|lt;|gt;)", out)


def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    assert shorten("Kishida and Yoon agree to resume", 20) == "Kishida and Yoon…"
    assert shorten("short", 20) == "short"


def test_published_time_is_shown_in_the_configured_timezone() -> None:
    when = datetime(2025, 3, 14, 0, 30, tzinfo=UTC)
    assert local_time(when, "Asia/Tokyo") == "2025-03-14 09:30 JST"
    assert local_time(when, "Europe/London") == "2025-03-14 00:30 GMT"
    assert local_time(when, "Not/AZone") == "2025-03-14 00:30 UTC"


def test_an_alert_that_matched_only_in_its_headline_says_which_terms_matched() -> None:
    from service.domain import Span
    from service.notify.base import AlertMessage
    from service.notify.blocks import build_blocks
    from service.notify.console import render_console

    title = "Quad leaders meet in Wilmington"
    msg = AlertMessage(
        kind="alert",
        channel="#news-alerts",
        theme_id="quad",
        theme_name="Quad",
        title=title,
        link="https://example.org/quad",
        outlet="Kyodo News",
        published=datetime(2024, 9, 21, 9, 0, tzinfo=UTC),
        summary="The leaders discussed maritime security.",
        spans=(Span("title", 0, 4, "Quad"),),
    )
    context = build_blocks(msg)["blocks"][1]["elements"][0]["text"]
    assert context.endswith("matched: Quad")
    assert "  matched: Quad" in render_console(msg)
