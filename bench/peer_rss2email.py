"""The peer: rss2email 3.x (`r2e run --no-send`) polling the same farm, sequentially.

rss2email is installed into a throwaway venv under bench/.work/ (gitignored), never into the
project. Each run is a child process whose own CPU time and peak RSS come from os.wait4, so
the farm (another process) is never counted. `startup()` measures a run with no feeds, so
per-feed figures can subtract the interpreter start-up and state load/save.

    python bench/peer_rss2email.py --control http://127.0.0.2:PORT/_farm --feeds 100
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
VENV = WORK / "r2e"
REQUIREMENT = "rss2email>=3.12,<4"


@dataclass(frozen=True)
class ProcessRun:
    """One child process: wall time, CPU time (user+system) and peak RSS."""

    wall: float
    cpu: float
    max_rss_mb: float
    returncode: int


def run_measured(argv: Sequence[str], cwd: Path | None = None) -> ProcessRun:
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(errors[-2000:])
    return ProcessRun(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode
    )


def ensure_installed() -> Path:
    """The r2e executable, installing rss2email into bench/.work/r2e on first use."""
    r2e = VENV / "bin" / "r2e"
    if not r2e.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, REQUIREMENT], check=True)
    return r2e


def version() -> str:
    out = subprocess.run(
        [str(ensure_installed()), "--version"], capture_output=True, text=True, check=False
    )
    return (out.stdout or out.stderr).strip().splitlines()[-1] if out.returncode == 0 else "?"


class Rss2Email:
    """One rss2email configuration (config + data file) over a list of feed URLs."""

    def __init__(self, name: str, urls: Sequence[str]) -> None:
        self.r2e = ensure_installed()
        self.dir = WORK / f"r2e-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config = self.dir / "rss2email.cfg"
        self.data = self.dir / "rss2email.json"
        self.data.unlink(missing_ok=True)
        self._write_config(urls)

    def _write_config(self, urls: Sequence[str]) -> None:
        # Written directly: `r2e add` once per feed would take minutes for thousands of feeds.
        lines = [
            "[DEFAULT]",
            "to = desk@example.org",
            "from = bench@example.org",
            "same-server-fetch-interval = 0",
            "feed-timeout = 60",
            "",
        ]
        for n, url in enumerate(urls):
            lines += [f"[feed.f{n:05d}]", f"url = {url}", ""]
        self.config.write_text("\n".join(lines))

    def run(self) -> ProcessRun:
        argv = [str(self.r2e), "-c", str(self.config), "-d", str(self.data), "run", "--no-send"]
        result = run_measured(argv, cwd=self.dir)
        if result.returncode != 0:
            raise RuntimeError(f"r2e run failed with status {result.returncode}")
        return result


def startup() -> ProcessRun:
    """`r2e run --no-send` with no feeds: the fixed cost of one run."""
    return Rss2Email("empty", []).run()


def _control(url: str, action: str, body: dict[str, object] | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{url}/{action}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--control", required=True, help="the farm's control URL")
    p.add_argument("--feeds", type=int, default=100)
    args = p.parse_args(argv)
    urls = _control(args.control, "urls")
    assert isinstance(urls, list)
    peer = Rss2Email("cli", urls[: args.feeds])
    first, second = peer.run(), peer.run()
    print(json.dumps({"first": asdict(first), "second": asdict(second)}, indent=2))


if __name__ == "__main__":
    main()
