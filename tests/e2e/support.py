"""Helpers for end-to-end tests: build feeds and config files, run the real CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from service.cli import main

THEMES = """
aliases:
  japan: [Japan, Japanese, Tokyo, Kishida]
  korea: [South Korea, South Korean, Seoul, Yoon]
themes:
  - id: quad
    name: Quad / quadrilateral security frameworks
    query: '{Quad} OR quadrilateral OR (quadruple NEAR/3 (framework OR cooperation))'
    priority: high
  - id: jp-kr
    name: Japan–South Korea normalization
    query: '(@japan NEAR/15 @korea) AND (normaliz* OR thaw OR summit)'
"""

# Twelve different Quad stories (no two alike enough to be grouped as one).
QUAD_HEADLINES = [
    "Quad ministers pledge maritime surveillance network for Indian Ocean",
    "Vaccine factory in Hyderabad gets Quad funding boost",
    "Undersea cables: Quad unveils repair ship programme",
    "Australia hosts Quad talks on rare earth stockpiles",
    "Typhoon response drills bring Quad navies to Okinawa",
    "Quad satellites to share space debris tracking data",
    "Chipmakers welcome Quad semiconductor supply map",
    "Pacific islands tap Quad climate adaptation fund",
    "Quad counterterrorism group meets in Canberra",
    "Quad hydrogen standard draft published for comment",
    "Cyber agencies of the Quad stage joint exercise",
    "Quad fellowship opens applications for engineers",
]


@dataclass(frozen=True)
class Item:
    title: str
    link: str
    summary: str = ""
    guid: str | None = None
    published: datetime = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def rss(items: Sequence[Item], title: str = "Test feed") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://example.org/</link>",
    ]
    for item in items:
        guid = f"<guid>{escape(item.guid)}</guid>" if item.guid else ""
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>{guid}"
            f"<description>{escape(item.summary)}</description>"
            f"<pubDate>{format_datetime(item.published)}</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def write_config(
    directory: Path,
    db_url: str,
    sources: Sequence[tuple[str, str]],
    slack_api: str | None = None,
    extra: str = "",
    themes: str = THEMES,
) -> Path:
    lines = [
        f"database: {db_url}",
        "timezone: Asia/Tokyo",
        "polling:",
        "  interval: 10m",
        "  timeout: 5s",
        "  backfill: all",
        "sources:",
    ]
    for name, url in sources:
        lines += [f"  - name: {json.dumps(name)}", f"    url: {url}"]
    if slack_api:
        lines += [
            "slack:",
            "  token: xoxb-wirewatch-test",
            f"  api_url: {slack_api}",
            '  channel: "#news-alerts"',
        ]
    path = directory / "config.yaml"
    path.write_text("\n".join(lines) + "\n" + themes + extra, encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real command line in-process; (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sources_json(capsys: pytest.CaptureFixture[str], config: Path) -> dict[str, dict[str, Any]]:
    code, out, _ = cli(capsys, "-c", str(config), "sources", "--json")
    assert code == 0
    return {s["name"]: s for s in json.loads(out)}
