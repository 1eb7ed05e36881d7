"""`wirewatch demo`: the real service, offline, on bundled real outlet snapshots.

It writes a config whose sources point at the loopback DemoFeedServer and whose watch rules
are the shipped ones, then drives the same code `wirewatch run` does (Poller, Deliverer with
the console notifier, DigestSender) for a few poll cycles on a throwaway SQLite database.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from service.config.raw import DATABASE_ENV
from service.demo.server import (
    DemoError,
    DemoFeedServer,
    DemoSource,
    bundled_sources,
    rule_sections,
    snapshot_time,
)
from service.digest.build import subject
from service.poll.poller import PollOutcome
from service.store import articles as article_repo
from service.store import outbox_admin
from service.store import stories as story_repo
from service.store.models import ArticleRow, StoryRow
from service.worker.app import App, digest_sender, open_app
from service.worker.wiring import Runtime

CONFIG_NAME = "config.yaml"
DATABASE_NAME = "demo.db"
PREVIEW_NAME = "digest-preview.html"
DIGEST_NAME = "morning"
FOLLOWUP_WAIT = 0.5  # a follow-up waits ~2 s for its alert; wait for it, a little at a time


@dataclass(frozen=True)
class ThemeAlerts:
    theme_id: str
    name: str
    alerts: int


@dataclass(frozen=True)
class DemoResult:
    directory: Path
    config: Path
    preview: Path
    digest_subject: str
    sources: int
    articles: int
    stories: int
    alerts: tuple[ThemeAlerts, ...]  # every configured theme, alerted or not
    followups: int
    failing: tuple[str, ...]
    history_days: int  # how far back the bundled items go (for a `backtest --since`)
    shared: tuple[tuple[str, tuple[str, ...]], ...] = ()  # stories several outlets carried


def demo_config(
    directory: Path, server: DemoFeedServer, sources: tuple[DemoSource, ...], rules: dict[str, Any]
) -> dict[str, Any]:
    return {
        "database": f"sqlite:///{(directory / DATABASE_NAME).resolve()}",
        "timezone": "Asia/Tokyo",
        # backfill all: the snapshots are from 2023-2026, and a first poll would otherwise
        # store everything older than 24 h silently, which is right live but shows nothing.
        # per_host: every demo outlet lives on 127.0.0.1, where live ones are separate hosts.
        # timeout: storing a big first poll holds the event loop for seconds (a known cost),
        # and a fetch queued behind it must not time out on a machine that is merely busy.
        "polling": {
            "interval": "1s",
            "timeout": "60s",
            "per_host": len(sources),
            "backfill": "all",
        },
        "sources": [
            {"name": s.name, "url": server.url(s), "tags": list(s.tags), "lang": "en"}
            for s in sources
        ],
        "digests": [
            {
                "name": DIGEST_NAME,
                "at": "07:30",
                "to": ["desk@example.org"],
                "send_empty": True,
            }
        ],
        **rules,
    }


def write_config(path: Path, config: Mapping[str, Any], rules_origin: str) -> None:
    header = (
        "# Written by `wirewatch demo`: sources are bundled snapshots served on 127.0.0.1\n"
        f"# (gone once the demo exits); watch rules from {rules_origin}.\n"
        "# The database stays: try `wirewatch -c <this file> backtest --theme ID --since 2000d`\n"
        "# (the bundled items were published from 2023 on).\n"
    )
    body = yaml.safe_dump(dict(config), sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + body, encoding="utf-8")


@contextmanager
def offline_environment() -> Iterator[None]:
    """No WIREWATCH_DATABASE_URL (it would point the demo at a real database) and no proxy
    for loopback (an http_proxy would otherwise carry 127.0.0.1 requests off the machine)."""
    saved = {k: os.environ.get(k) for k in (DATABASE_ENV, "NO_PROXY", "no_proxy")}
    os.environ.pop(DATABASE_ENV, None)
    for key in ("NO_PROXY", "no_proxy"):
        os.environ[key] = ",".join(filter(None, [saved[key], "127.0.0.1", "localhost"]))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def cycle_header(number: int, cycles: int, outcomes: list[PollOutcome], as_of: str) -> str:
    changed = sum(o.status == "ok" for o in outcomes)
    unchanged = sum(o.status in ("not_modified", "unchanged") for o in outcomes)
    failing = [f"{o.source}: {o.error}" for o in outcomes if o.status in ("error", "disabled")]
    lines = [
        f"━━ cycle {number}/{cycles}{as_of}",
        f"   {len(outcomes)} sources polled ({changed} with new content, {unchanged} not "
        f"modified), {sum(o.new for o in outcomes)} new articles, "
        f"{sum(o.alerts for o in outcomes)} alerts",
    ]
    lines += [f"   ! {line}" for line in failing]
    return "\n".join(lines) + "\n"


def as_of(server: DemoFeedServer, series: DemoSource) -> str:
    when = snapshot_time(server.current_file(series))
    return f" · {series.name} as of {when:%a %d %b %Y %H:%M} UTC" if when else ""


async def run_cycles(
    app: App, server: DemoFeedServer, replayed: DemoSource, cycles: int, out: TextIO
) -> list[PollOutcome]:
    """Poll, print the cycle's header, deliver (the console prints the alerts); repeat.
    Returns the last cycle's outcomes."""
    runtime = Runtime(app, pace=0)  # the console needs no Slack-style pacing
    outcomes: list[PollOutcome] = []
    try:
        for number in range(1, cycles + 1):
            if number > 1:
                server.advance()
            outcomes = await runtime.poller.poll_due_once(force=True)
            out.write(cycle_header(number, cycles, outcomes, as_of(server, replayed)) + "\n")
            out.flush()
            await runtime.deliverer.deliver_backlog(wait=FOLLOWUP_WAIT)
    finally:
        await runtime.aclose()
    return outcomes


def alert_counts(app: App) -> tuple[tuple[ThemeAlerts, ...], int]:
    """Alerts delivered per theme (every theme listed), and follow-ups delivered."""
    with app.db.transaction() as session:
        rows = outbox_admin.sent_counts(session)
    by_id = {theme_id: 0 for theme_id in app.rules.themes}
    followups = 0
    for (kind, theme_id), count in rows.items():
        if kind == "alert" and theme_id in by_id:
            by_id[theme_id] += count
        elif kind == "followup":
            followups += count
    themes = app.rules.themes
    return tuple(ThemeAlerts(t, themes[t].name, n) for t, n in by_id.items()), followups


def history_days(app: App) -> int:
    with app.db.transaction() as session:
        oldest = article_repo.oldest_published(session)
    return (app.clock.now() - oldest).days + 1 if oldest else 1


def _shared(app: App) -> tuple[tuple[str, tuple[str, ...]], ...]:
    with app.db.transaction() as session:
        found = story_repo.carried_by_several(session, limit=3)
    return tuple((title, tuple(outlets)) for title, outlets in found)


def _count(app: App, model: type[ArticleRow] | type[StoryRow]) -> int:
    with app.db.transaction() as session:
        return article_repo.count_rows(session, model)


def write_preview(app: App, directory: Path) -> tuple[Path, str]:
    digest, html = digest_sender(app).preview(DIGEST_NAME)
    path = directory / PREVIEW_NAME
    path.write_text(html, encoding="utf-8")
    return path, subject(digest)


async def _run(
    directory: Path, cycles: int, rules: dict[str, Any], origin: str, out: TextIO
) -> DemoResult:
    sources = bundled_sources()
    server = DemoFeedServer(sources)
    await server.start()
    try:
        config_path = directory / CONFIG_NAME
        write_config(config_path, demo_config(directory, server, sources, rules), origin)
        app = open_app(str(config_path))
        try:
            last = await run_cycles(app, server, sources[0], cycles, out)
            preview, digest_subject = write_preview(app, directory)
            alerts, followups = alert_counts(app)
            return DemoResult(
                directory=directory,
                config=config_path,
                preview=preview,
                digest_subject=digest_subject,
                sources=len(sources),
                articles=_count(app, ArticleRow),
                stories=_count(app, StoryRow),
                alerts=alerts,
                followups=followups,
                failing=tuple(o.source for o in last if o.status in ("error", "disabled")),
                history_days=history_days(app),
                shared=_shared(app),
            )
        finally:
            app.close()
    finally:
        await server.aclose()


def run_demo(directory: Path, cycles: int, rules_from: str | None, out: TextIO) -> DemoResult:
    """Run the demo in `directory` (created; earlier demo files there are replaced)."""
    rules, origin = rule_sections(rules_from)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DemoError(f"{directory}: cannot create the folder: {exc.strerror}") from None
    for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm", PREVIEW_NAME):
        (directory / name).unlink(missing_ok=True)  # a rerun starts from an empty database
    out.write(f"Wirewatch demo: watch rules from {origin}; files in {directory}\n\n")
    with offline_environment():
        return asyncio.run(_run(directory, cycles, rules, origin, out))
