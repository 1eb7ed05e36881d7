"""No Docker engine runs here, so the image's documented commands are run outside Docker:
the CMD starts the service and the HEALTHCHECK command reports it healthy."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instruction(name: str) -> list[str]:
    """The exec-form argument list of the last NAME instruction (CMD, HEALTHCHECK ... CMD)."""
    text = DOCKERFILE.replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.startswith(name + " ")]
    assert lines, f"Dockerfile has no {name}"
    found = re.search(r"CMD\s+(\[.*\])", lines[-1])
    assert found, f"{name} is not in exec form"
    return list(json.loads(found.group(1)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_image_runs_as_a_non_root_user_with_a_data_volume() -> None:
    assert re.search(r"^USER (?!root)\w+", DOCKERFILE, re.M)
    assert 'VOLUME ["/app/data", "/app/outbox"]' in DOCKERFILE
    assert "COPY config.yaml" not in DOCKERFILE  # mounted, so edits apply live
    assert DOCKERFILE.count("FROM ") >= 2  # multi-stage


def test_the_image_command_starts_the_service_and_its_health_check_passes(tmp_path: Path) -> None:
    command, health = instruction("CMD"), instruction("HEALTHCHECK")
    assert command == ["wirewatch", "run"] and health[0] == "wirewatch"
    port = free_port()
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: sqlite:///{tmp_path / 'data' / 'wirewatch.db'}\n"
        f"server:\n  listen: 127.0.0.1:{port}\n"
    )
    env = {**os.environ, "WIREWATCH_CONFIG": str(config)}
    bindir = Path(sys.executable).parent
    argv = [str(bindir / command[0]), *command[1:]]
    service = subprocess.Popen(argv, env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            probe = subprocess.run(
                [str(bindir / health[0]), *health[1:]], env=env, cwd=tmp_path,
                capture_output=True, text=True,
            )  # fmt: skip
            if probe.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert probe.returncode == 0, probe.stderr
        assert json.loads(probe.stdout.split(" ", 1)[1])["status"] == "ok"
        # A rejected edit: the health check still asks the service, which says so.
        config.write_text(config.read_text() + "polling:\n  intervall: 5m\n")
        deadline = time.monotonic() + 30
        while True:
            probe = subprocess.run(
                [str(bindir / health[0]), *health[1:]], env=env, cwd=tmp_path,
                capture_output=True, text=True,
            )  # fmt: skip
            if probe.returncode != 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert probe.returncode == 1 and probe.stdout.startswith("503 ")
        assert "rejected" in json.loads(probe.stdout.split(" ", 1)[1])["reasons"][0]
    finally:
        service.send_signal(signal.SIGTERM)
        _, err = service.communicate(timeout=60)
    assert service.returncode == 0, err
    assert "service.stopped" in err
