"""docker-compose.yml, checked without a Docker engine (none runs on these machines): its
services are what production needs, and its commands, run here as processes, scale out on
one PostgreSQL: three `wirewatch run` workers poll every source once per interval, post
every alert and the digest once, and one killed with SIGKILL loses nothing (issue 16)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.support import QUAD_HEADLINES, Item, rss, write_config
from tests.feedserver import FeedServer
from tests.slackserver import SlackServer

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SOURCES = 600
INTERVAL = 4.0  # seconds
BIN = Path(sys.executable).parent


def _workers() -> dict[str, dict[str, Any]]:
    return {n: s for n, s in COMPOSE["services"].items() if n.startswith("worker")}


def test_the_compose_file_has_postgres_a_migration_and_two_workers_with_the_config_mounted() -> (
    None
):
    services = COMPOSE["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["migrate"]["command"] == ["wirewatch", "db", "upgrade"]
    workers = _workers()
    assert len(workers) >= 2
    for worker in workers.values():
        assert worker["command"] == ["wirewatch", "run"]
        assert worker["healthcheck"]["test"] == ["CMD", "wirewatch", "health"]
        assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = worker["environment"]
        mounts = {m.split(":")[1]: m.split(":")[0] for m in worker["volumes"]}
        config_dir = str(Path(env["WIREWATCH_CONFIG"]).parent)
        assert mounts[config_dir] == "./"  # the folder: live reload survives editors' renames
        assert {"/app/data", "/app/outbox"} <= set(mounts)
        assert env["WIREWATCH_LISTEN"].startswith("0.0.0.0:")  # reachable from outside
        assert env["WIREWATCH_DATABASE_URL"].startswith("postgresql://")
    assert (ROOT / ".dockerignore").read_text().splitlines().count(".venv") == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _polls(feeds: FeedServer) -> dict[str, list[float]]:
    out: dict[str, list[float]] = defaultdict(list)
    for request in list(feeds.requests):
        out[request.path].append(request.at)
    return out


def _wait(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_three_workers_on_postgres_share_the_sources_and_survive_a_sigkill(
    pg_schema_url: str, tmp_path: Path
) -> None:
    with FeedServer() as feeds, SlackServer() as slack:
        sources = []
        for n in range(SOURCES):
            title = QUAD_HEADLINES[n] if n < len(QUAD_HEADLINES) else f"Market report {n}"
            body = rss([Item(title, f"https://wire.example/{n}")])
            feeds.route(f"/f{n}", body=body, etag=f'"v{n}"')
            sources.append((f"Outlet {n}", feeds.url(f"/f{n}")))
        # A digest due while they run: exactly one of the three may send it.
        due = (datetime.now(UTC) + timedelta(seconds=75)).strftime("%H:%M")
        digest = f'digests:\n  - name: desk\n    at: "{due}"\n    timezone: UTC\n'
        digest += "    to: [desk@example.org]\n    send_empty: true\n"
        config = write_config(
            tmp_path, "sqlite:///unused.db", sources, slack_api=slack.api_url, extra=digest
        )
        text = config.read_text()
        text = text.replace("interval: 10m", f"interval: {int(INTERVAL)}s")
        text = text.replace("timeout: 5s", "timeout: 5s\n  per_host: 64")
        config.write_text(text)
        env = {
            **os.environ,
            "WIREWATCH_CONFIG": str(config),
            "WIREWATCH_DATABASE_URL": pg_schema_url,
        }
        migrate = COMPOSE["services"]["migrate"]["command"]
        done = subprocess.run(
            [str(BIN / migrate[0]), *migrate[1:]], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        command = next(iter(_workers().values()))["command"]
        workers = [
            subprocess.Popen(
                [str(BIN / command[0]), *command[1:]],
                env={**env, "WIREWATCH_LISTEN": f"127.0.0.1:{_free_port()}"},
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        try:
            assert _wait(lambda: len(_polls(feeds)) == SOURCES, 60), "not every source polled"
            time.sleep(INTERVAL * 1.5)
            workers[0].send_signal(signal.SIGKILL)  # mid-poll: no goodbye, no released leases
            killed_at = time.monotonic()
            time.sleep(30 + INTERVAL * 2.5)  # a lease, then two intervals
            polls = _polls(feeds)
            assert _wait(lambda: len(slack.messages) >= len(QUAD_HEADLINES), 30)
            sent = tmp_path / "outbox"
            assert _wait(lambda: any(sent.glob("*.eml")), 45), "the digest was not sent"
            time.sleep(2)  # room for a second copy, if one were coming
        finally:
            for worker in workers[1:]:
                worker.send_signal(signal.SIGTERM)
            errors = [w.communicate(timeout=60)[1] for w in workers[1:]]
            workers[0].wait(timeout=10)
    assert all(w.returncode == 0 for w in workers[1:]), errors
    assert not [line for e in errors for line in e.splitlines() if " ERROR " in line]
    now = time.monotonic()
    stale = [p for p, times in polls.items() if now - max(times) > 30 + INTERVAL * 3]
    assert stale == [], f"{len(stale)} sources stopped being polled after the kill"
    assert all(max(times) > killed_at for times in polls.values())
    gaps = [b - a for times in polls.values() for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= INTERVAL * 0.85, "a source was polled twice within an interval"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1  # one digest, not three
    texts = [m.text for m in slack.messages]
    assert len(texts) == len(set(texts)) == len(QUAD_HEADLINES)  # each alert once, none lost


if os.environ.get("WIREWATCH_SKIP_SLOW") == "1":  # for a quick local run
    pytestmark = pytest.mark.skip("slow")
