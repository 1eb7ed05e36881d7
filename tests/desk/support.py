"""A desk with real stored history: two outlets' feeds polled through the real CLI into a
real database, then the service's HTTP app on top."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.support import Item, cli, rss, write_config
from tests.feedserver import FeedServer

TOKEN = "desk-token-0123456789abcdef"
# What survives the feed cleaner and would run in a browser if it were not escaped.
HOSTILE = 'Quad talks <img/src=x onerror=alert(1)// "q" & 1 < 2'
NOW = datetime.now(UTC).replace(microsecond=0)

SUMMIT = Item(
    title="Quad leaders meet in Tokyo to expand maritime cooperation",
    link="https://news.example/2026/quad-summit",
    summary="The Quad leaders agreed to widen maritime surveillance in the Indo-Pacific.",
    published=NOW - timedelta(hours=5),
)
KYODO = [
    SUMMIT,
    Item(
        title="Kishida and Yoon agree to normalize relations at Seoul summit",
        link="https://kyodo.example/jp-kr-thaw",
        summary="Japan and South Korea moved to normalize ties.",
        published=NOW - timedelta(days=2),
    ),
    Item(
        title="Rugby: Brave Blossoms win in Dublin",
        link="https://kyodo.example/rugby",
        summary="A late try sealed it.",
        published=NOW - timedelta(days=3),
    ),
    Item(
        title="Quadruple cooperation framework proposed by Canada",
        link="https://kyodo.example/canada-quad",
        summary="Ottawa floated the idea of a quadruple framework with Tokyo and Seoul.",
        published=NOW - timedelta(days=40),
    ),
]
YONHAP = [
    Item(
        title="Quad summit: leaders widen maritime surveillance",
        link="https://news.example/2026/quad-summit",
        summary="Leaders of the Quad met in Tokyo.",
        published=NOW - timedelta(hours=3),
    ),
    Item(
        title=HOSTILE,
        link="javascript:alert(document.cookie)",
        summary="<b>bold</b> & a teaser about the Quad",
        published=NOW - timedelta(hours=1),
    ),
    Item(
        title="Seoul and Tokyo officials discuss export controls",
        link="https://yonhap.example/export-controls",
        summary="Trade officials met; no agreement on normalization was announced.",
        published=NOW - timedelta(days=1),
    ),
]


@dataclass(frozen=True)
class Desk:
    config: Path


def build_desk(
    feeds: FeedServer,
    db_url: str,
    directory: Path,
    capsys: pytest.CaptureFixture[str],
    server: str = f"server:\n  token: {TOKEN}\n  public_url: https://desk.example\n",
    more_sources: tuple[tuple[str, str], ...] = (),
) -> Desk:
    feeds.route("/kyodo.xml", body=rss(KYODO, "Kyodo"))
    feeds.route("/yonhap.xml", body=rss(YONHAP, "Yonhap"))
    config = write_config(
        directory,
        db_url,
        [
            ("Kyodo News", feeds.url("/kyodo.xml")),
            ("Yonhap", feeds.url("/yonhap.xml")),
            *more_sources,
        ],
        extra=server,
    )
    code, _, err = cli(capsys, "-c", str(config), "poll")
    assert code == 0, err
    return Desk(config)
