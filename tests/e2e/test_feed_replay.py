"""Replaying a real feed over time: every distinct item is new exactly once."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from service.notify.console import ConsoleNotifier
from service.worker.app import open_app
from service.worker.wiring import Runtime
from tests.e2e.support import write_config
from tests.feedserver import FeedServer

SERIES = Path(__file__).parents[1] / "data" / "whitehouse" / "kishida-state-visit-2024-04"


def distinct_guids(paths: list[Path]) -> set[str]:
    guids: set[str] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        guids |= {g.strip() for g in re.findall(r"<guid[^>]*>(.*?)</guid>", text, re.S)}
    return guids


def test_replaying_the_white_house_series_makes_each_distinct_item_new_exactly_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshots = sorted(SERIES.glob("*.xml"))
    assert len(snapshots) == 26
    with FeedServer() as server:
        config = write_config(
            tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [("White House", server.url("/feed"))]
        )

        async def replay() -> list[int]:
            app = open_app(str(config))
            runtime = Runtime(app, notifier=ConsoleNotifier())
            news = []
            try:
                for snapshot in snapshots:
                    server.route("/feed", body=snapshot.read_bytes())
                    outcomes = await runtime.poller.poll_due_once(force=True)
                    assert outcomes[0].status in ("ok", "unchanged"), outcomes
                    news.append(outcomes[0].new)
            finally:
                await runtime.aclose()
                app.close()
            return news

        news = asyncio.run(replay())
    capsys.readouterr()
    assert sum(news) == len(distinct_guids(snapshots)) == 86
    assert news[0] == 30
