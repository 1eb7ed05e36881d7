"""Run the feed farm as its own process (its CPU is never counted as the client's) and
drive it over its control API."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

FARM = Path(__file__).resolve().parent / "farm.py"


class FarmProcess:
    def __init__(
        self,
        sources: int,
        hosts: int = 32,
        delay: float = 0.0,
        seed: int = 1,
        jitter: float = 0.5,
        initial_items: int | None = None,
        real_news: Path | None = None,
    ) -> None:
        argv = [sys.executable, str(FARM), "--sources", str(sources), "--hosts", str(hosts)]
        if real_news is not None:
            argv += ["--real-news", str(real_news)]
        argv += ["--delay", str(delay), "--jitter", str(jitter), "--seed", str(seed)]
        if initial_items is not None:
            argv += ["--initial-items", str(initial_items)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=10)
            raise RuntimeError(f"the farm did not start (status {self.proc.returncode})")
        ready = json.loads(line)
        self.control_url: str = ready["control"]
        self.port: int = ready["port"]
        self.urls: list[str] = self.control("urls")

    def control(self, action: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.control_url}/{action}",
            data=data,
            headers={"Content-Type": "application/json"},
            method="GET" if data is None else "POST",
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.load(answer)

    def set_delay(self, delay: float, jitter: float = 0.5) -> None:
        self.control("delay", {"delay": delay, "jitter": jitter})

    def change(self, fraction: float) -> int:
        return int(self.control("change", {"fraction": fraction})["changed"])

    def churn(self, count: int | None = None) -> int:
        return int(self.control("churn", {} if count is None else {"count": count})["changed"])

    def publish(self, source: int) -> dict[str, Any]:
        return dict(self.control("publish", {"source": source}))

    def stats(self) -> dict[str, Any]:
        return dict(self.control("stats"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> FarmProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
