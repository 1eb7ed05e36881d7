"""Every real feed and broken response of the shared fixtures, served over loopback HTTP:
the service never crashes and every source ends with a status a user can read."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from service.notify.console import ConsoleNotifier
from service.store.models import SourceRow
from service.worker.app import open_app
from service.worker.wiring import Runtime
from tests.e2e.support import write_config
from tests.feedserver import FeedServer

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "feeds"


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"shared fixtures not found at {FIXTURES}")
def test_every_fixture_feed_served_over_http_ends_with_a_readable_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(
        p for p in FIXTURES.rglob("*") if p.is_file() and not p.name.startswith("LICENSE")
    )
    assert len(files) > 1500
    # feedparser's 1,749 "wellformed" cases are tiny variations of one another (and each is
    # parsed by tests/test_parse_corpus.py): every fourth keeps this run short.
    files = [p for n, p in enumerate(files) if "wellformed" not in p.parts or n % 4 == 0]
    with FeedServer() as server:
        sources = []
        for n, path in enumerate(files):
            server.route(
                f"/{n}", body=path.read_bytes(), headers={"Content-Type": "application/xml"}
            )
            sources.append((str(path.relative_to(FIXTURES)), server.url(f"/{n}")))
        config = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", sources)
        config.write_text(
            config.read_text().replace("  timeout: 5s", "  timeout: 30s\n  per_host: 16")
        )
        app = open_app(str(config))

        async def poll() -> None:
            runtime = Runtime(app, notifier=ConsoleNotifier())
            try:
                await runtime.poller.poll_due_once(force=True)
            finally:
                await runtime.aclose()

        asyncio.run(poll())
        with app.db.transaction() as session:
            rows = list(session.scalars(select(SourceRow)))
        app.close()
    capsys.readouterr()
    assert len(rows) == len(files)
    assert {r.status for r in rows} <= {"ok", "error"}
    failing = [r for r in rows if r.status == "error"]
    assert all(r.last_error and r.error_kind != "internal" for r in failing), [
        (r.name, r.last_error) for r in failing if r.error_kind == "internal"
    ]
    outlets = [r for r in rows if r.name.startswith("outlets-2026/") and r.name.endswith(".xml")]
    assert outlets and all(r.status == "ok" for r in outlets), [
        (r.name, r.last_error) for r in outlets if r.status != "ok"
    ]
