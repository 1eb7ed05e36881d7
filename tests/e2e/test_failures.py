"""Failures a user can cause or meet end in one clear line and a non-zero exit, never a
traceback; /healthz answers JSON 503 whenever the database cannot be used (issue 17)."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from service.config import load_config
from service.store import Database
from service.store.migrate import upgrade
from service.web.server import make_app
from tests.e2e.support import cli, write_config

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _run_failing(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code, out, err = cli(capsys, *args)
    assert "Traceback" not in out + err
    return code, err.strip()


def test_run_on_an_address_in_use_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        extra = f"server:\n  listen: 127.0.0.1:{port}\n"
        config = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [], extra=extra)
        code, err = _run_failing(capsys, "-c", str(config), "run")
    assert code == 1
    assert err.startswith(f"wirewatch run: cannot listen on 127.0.0.1:{port}")
    assert "server.listen" in err and len(err.splitlines()) == 1


def test_a_read_only_database_is_named_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.db"
    upgrade(Database(f"sqlite:///{path}"))
    # mode=ro: read-only whoever runs the test (file modes do not stop root).
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    config = write_config(tmp_path, url, [("Feed", "https://example.org/feed")])
    code, err = _run_failing(capsys, "-c", str(config), "sources")
    assert code == 1
    assert err.startswith("wirewatch sources: the database") and "read-only" in err


def test_an_unreachable_database_is_named_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://wirewatch:hunter2@127.0.0.1:{port}/wirewatch"
    config = write_config(tmp_path, url, [])
    code, err = _run_failing(capsys, "-c", str(config), "sources")
    assert code == 1
    assert "cannot reach the database" in err and "is the server running" in err
    assert "hunter2" not in err  # the password never shows


@pytest.mark.parametrize("damage", ["drop_schema", "drop_table"])
def test_healthz_answers_json_503_when_the_schema_is_gone(tmp_path: Path, damage: str) -> None:
    db = Database(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade(db)
    config = load_config(str(write_config(tmp_path, db.url, [])))
    with db.engine.begin() as conn:
        if damage == "drop_schema":
            conn.execute(text("DROP TABLE alembic_version"))
        else:
            conn.execute(text("DROP TABLE deliveries"))

    async def ask() -> tuple[int, str, dict[str, object]]:
        async with TestClient(TestServer(make_app(db, NOW, lambda: NOW, lambda: config))) as client:
            response = await client.get("/healthz")
            return response.status, response.content_type, await response.json()

    try:
        status, kind, body = asyncio.run(ask())
    finally:
        db.dispose()
    assert (status, kind, body["status"]) == (503, "application/json", "error")
    reasons = " ".join(map(str, body["reasons"]))  # type: ignore[call-overload]
    assert "db upgrade" in reasons
