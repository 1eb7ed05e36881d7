"""Without Slack, alerts are printed to standard output, one readable block each."""

from __future__ import annotations

import io

import pytest

from service.notify.base import Delivered
from service.notify.console import ANSI_BOLD, ANSI_RESET, ConsoleNotifier
from tests.test_notify_samples import alert, followup, notice, summary


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_it_prints_one_readable_block_per_alert() -> None:
    out = io.StringIO()
    delivered = await ConsoleNotifier(out).send(alert())
    assert out.getvalue() == (
        "● [HIGH] Japan–South Korea normalization\n"
        "  **Kishida and Yoon agree to resume shuttle diplomacy**\n"
        "  Kyodo News · 2025-03-14 09:30 JST\n"
        "  https://news.example.org/politics/2025/03/14/kishida-yoon?ref=rss&id=42\n"
        "  Japanese Prime Minister **Kishida** and South Korean President **Yoon** agreed on "
        "Thursday to resume regular shuttle diplomacy, a step officials in Tokyo and Seoul "
        "described as central to **normalizing** ties after years of disputes over wartime "
        "labour.\n"
        "  matched: Kishida, Yoon, normalizing\n"
        "\n"
    )
    assert delivered.channel == "console" and delivered.ts


async def test_it_writes_to_standard_output_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    await ConsoleNotifier().send(alert())
    assert "Kishida and Yoon agree" in capsys.readouterr().out


async def test_a_followup_is_an_indented_also_reported_by_line() -> None:
    out = io.StringIO()
    await ConsoleNotifier(out).send(followup())
    assert out.getvalue() == (
        "  ↳ also reported by Yonhap: Japan, South Korea leaders revive shuttle diplomacy\n"
        "    https://en.example.co.kr/news/AEN20250314000100315\n\n"
    )


async def test_a_summary_lists_the_held_stories_and_the_rest_count() -> None:
    out = io.StringIO()
    await ConsoleNotifier(out).send(summary())
    printed = out.getvalue()
    assert printed.startswith("● **12 more stories matched Japan–South Korea normalization**\n")
    assert printed.count("  - Story number") == 10
    assert "…and 2 more in the digest" in printed


async def test_a_notice_prints_its_text() -> None:
    out = io.StringIO()
    await ConsoleNotifier(out).send(notice("line one\nline two"))
    assert out.getvalue() == "● **Wirewatch notice**\n  line one\n  line two\n\n"


async def test_matched_terms_are_bold_on_a_terminal() -> None:
    out = FakeTty()
    await ConsoleNotifier(out).send(alert())
    assert f"{ANSI_BOLD}Kishida{ANSI_RESET}" in out.getvalue()
    assert "**" not in out.getvalue()


async def test_feed_text_cannot_send_escape_sequences_to_the_terminal() -> None:
    out = FakeTty()
    evil = "Headline\x1b[2J\x1b]0;pwned\x07 end"
    await ConsoleNotifier(out).send(alert(title=evil, summary=evil, outlet=evil, spans=()))
    printed = out.getvalue().replace(ANSI_BOLD, "").replace(ANSI_RESET, "")
    assert "\x1b" not in printed and "\x07" not in printed


async def test_each_message_gets_its_own_id() -> None:
    notifier = ConsoleNotifier(io.StringIO())
    first: Delivered = await notifier.send(alert())
    second: Delivered = await notifier.send(alert())
    assert first.ts != second.ts
