"""Editing config.yaml while `wirewatch run` runs: applied live, bad edits rejected."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.commands.run import serve
from service.store.models import ConfigVersionRow
from service.worker.app import App, open_app
from tests.e2e.support import Item, cli, rss, write_config
from tests.feedserver import FeedServer

QUAD_ONLY = """
themes:
  - id: quad
    name: Quad
    query: '{Quad}'
"""
WITH_JP_KR = (
    QUAD_ONLY
    + """
  - id: jp-kr
    name: Japan–South Korea
    query: '(Japan OR Tokyo) AND (Seoul OR "South Korea")'
"""
)
FAST = "\n".join(["", "polling:", "  interval: 1s"])


def items(*titles: str) -> bytes:
    return rss([Item(t, f"https://example.com/{n}-{len(t)}") for n, t in enumerate(titles)])


async def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.2)


def test_a_theme_added_while_running_alerts_and_a_broken_edit_keeps_the_old_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = "Tokyo and Seoul agree to resume shuttle diplomacy"
    second = "Japan and South Korea hold first summit in Tokyo in 12 years"
    third = "Quad leaders meet in Wilmington"
    with FeedServer() as server:
        server.route("/feed", body=items(first))
        config = write_config(
            tmp_path,
            f"sqlite:///{tmp_path / 'w.db'}",
            [("Feed", server.url("/feed"))],
            themes=QUAD_ONLY,
        )
        text = config.read_text().replace("  interval: 10m", "  interval: 1s")
        config.write_text(text)
        app = open_app(str(config))
        out: list[str] = []

        def seen() -> str:
            out.append(capsys.readouterr().out)
            return "".join(out)

        async def scenario() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(serve(app, stop))
            try:
                await wait_for(lambda: len(server.requests_to("/feed")) >= 1)
                config.write_text(text.replace(QUAD_ONLY, WITH_JP_KR))
                await wait_for(lambda: versions(app) >= 2)
                server.route("/feed", body=items(first, second))
                await wait_for(lambda: second in seen())
                config.write_text(text.replace(QUAD_ONLY, WITH_JP_KR) + "\n  - id: [broken\n")
                await wait_for(lambda: rejected(app) >= 1)
                server.route("/feed", body=items(first, second, third))
                await wait_for(lambda: third in seen())
                config.write_text(text.replace(QUAD_ONLY, WITH_JP_KR))
                await wait_for(lambda: versions(app) >= 2 and rejected(app) >= 1)
            finally:
                stop.set()
                await task

        asyncio.run(scenario())
        app.close()
    printed = seen()
    assert printed.count(second) == 1
    assert printed.count(third) == 1
    assert first not in printed  # found before the theme existed: its backtest shows it


def count_configs(app: App, status: str) -> int:
    with app.db.transaction() as session:
        query = select(func.count()).where(ConfigVersionRow.status == status)
        return session.scalar(query) or 0


def versions(app: App) -> int:
    return count_configs(app, "applied")


def rejected(app: App) -> int:
    return count_configs(app, "rejected")


def test_check_diff_shows_the_headlines_an_edited_theme_would_gain_and_lose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FeedServer() as server:
        server.route(
            "/feed",
            body=items(
                "Quad foreign ministers meet in Delhi",
                "QUAD bike rally draws thousands",
                "Quadrilateral dialogue resumes in Tokyo",
            ),
        )
        config = write_config(
            tmp_path,
            f"sqlite:///{tmp_path / 'w.db'}",
            [("Feed", server.url("/feed"))],
            themes=QUAD_ONLY,
        )
        assert cli(capsys, "-c", str(config), "poll")[0] == 0
    config.write_text(
        config.read_text().replace("query: '{Quad}'", "query: 'quadrilateral OR {QUAD}'")
    )
    code, out, _ = cli(capsys, "-c", str(config), "check", "--diff", "--days", "36500")
    assert code == 0
    assert "quad (changed): +2 stories, −1 stories" in out
    assert "+ QUAD bike rally draws thousands" in out
    assert "+ Quadrilateral dialogue resumes in Tokyo" in out
    assert "− Quad foreign ministers meet in Delhi" in out


class _Runtime:
    """Just what ConfigWatcher touches of a Runtime."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.applied: list[object] = []

    def apply(self, config: object) -> None:
        self.applied.append(config)


def test_a_slow_config_validation_does_not_stall_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.worker import reload

    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [], themes=QUAD_ONLY)
    app = open_app(str(config))
    runtime = _Runtime(app)
    watcher = reload.ConfigWatcher(runtime)
    real = reload.validate

    def slow_validate(path: str | None) -> tuple[object, list[object]]:
        time.sleep(0.6)  # as a big or hostile config might take
        return real(path)  # type: ignore[return-value]

    monkeypatch.setattr(reload, "validate", slow_validate)
    config.write_text(config.read_text() + "\n# edited\n", encoding="utf-8")

    async def scenario() -> tuple[str, int]:
        ticks = 0

        async def heartbeat() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        beat = asyncio.create_task(heartbeat())
        outcome = await watcher.check_once(force=True)
        beat.cancel()
        return outcome, ticks

    try:
        outcome, ticks = asyncio.run(scenario())
    finally:
        app.close()
    assert outcome == "applied" and len(runtime.applied) == 1
    assert ticks >= 5  # the loop kept running while the file was validated
