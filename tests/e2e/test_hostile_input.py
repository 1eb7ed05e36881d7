"""Hostile or odd input fails alone and fast, and loses no alert (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.e2e.support import QUAD_HEADLINES, Item, cli, rss, write_config
from tests.feedserver import FeedServer

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _linkless_rss(items: list[tuple[str, str | None]]) -> bytes:
    """Items whose link is missing or no web address, as some generators write them."""
    parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>']
    for n, (title, link) in enumerate(items):
        when = format_datetime(T0 - timedelta(minutes=n))
        element = f"<link>{escape(link)}</link>" if link is not None else ""
        parts.append(
            f"<item><title>{escape(title)}</title>{element}<pubDate>{when}</pubDate></item>"
        )
    return ("".join(parts) + "</channel></rss>").encode()


@pytest.mark.parametrize(
    "link", [None, "", "javascript:void(0)", "mailto:desk@wire.example", "https://wire.example/"]
)
def test_unrelated_items_without_a_usable_link_each_alert(
    feeds: FeedServer,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    link: str | None,
) -> None:
    # The same odd link on three unrelated reports is no story identity.
    items = [(title, link) for title in QUAD_HEADLINES[:3]]
    feeds.route("/wire.xml", body=_linkless_rss(items))
    feeds.route("/other.xml", body=_linkless_rss([(QUAD_HEADLINES[3], link)]))
    config = write_config(
        tmp_path, db_url, [("Wire", feeds.url("/wire.xml")), ("Other", feeds.url("/other.xml"))]
    )
    code, out, _ = cli(capsys, "-c", str(config), "poll")
    assert code == 0
    assert out.splitlines()[-1].endswith("4 new articles, 4 alerts")
    for title in QUAD_HEADLINES[:4]:
        assert title in out


def test_the_alerts_of_one_poll_go_out_oldest_first(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newest_first = [
        Item(title, f"https://wire.example/{n}", published=T0 - timedelta(hours=n))
        for n, title in enumerate(QUAD_HEADLINES[:4])
    ]
    feeds.route("/wire.xml", body=rss(newest_first))
    config = write_config(tmp_path, db_url, [("Wire", feeds.url("/wire.xml"))])
    code, out, _ = cli(capsys, "-c", str(config), "poll")
    assert code == 0
    alerts = out.split("SOURCE")[0]
    positions = [alerts.index(item.title) for item in newest_first]
    assert positions == sorted(positions, reverse=True)  # the oldest story first
