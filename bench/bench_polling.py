"""Polling benchmarks, Wirewatch and its peers side by side on one loopback feed farm.

Scenarios (issue 9): steady state at 100 ms latency (5 % of sources with new items), CPU per
304 poll at zero latency, churn (every source changed, 30 new items, full pipeline with 100
themes) and peak RSS while polling 10,000 sources. Peers: rss2email 3.x (`r2e run
--no-send`) and a plain sequential feedparser.parse(url) loop, on a subset of the same farm
(they are sequential, so a few hundred feeds already take tens of seconds at 100 ms).

    .venv/bin/python bench/bench_polling.py [--sources 2000] [--peer-sources 300] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from farmclient import FarmProcess  # noqa: E402
from peer_rss2email import ProcessRun, Rss2Email, run_measured, startup  # noqa: E402
from wwconfig import write_config  # noqa: E402

WORK = HERE / ".work"
REAL_NEWS = HERE.parent.parent / "shared" / "fixtures" / "news-2023" / "labelled.jsonl"


class Worker:
    """A bench/ww_worker.py process polling one config."""

    def __init__(self, config: Path, log: Path) -> None:
        self.log = log.open("w")
        argv = [sys.executable, str(HERE / "ww_worker.py"), str(config)]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True
        )
        self.ready = self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the Wirewatch worker died; see {self.log.name}")
        return dict(json.loads(line))

    def _send(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def poll(self) -> dict[str, Any]:
        return self._send({"cmd": "poll"})

    def profile(self, out: Path) -> dict[str, Any]:
        return self._send({"cmd": "profile", "out": str(out)})

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write('{"cmd": "quit"}\n')
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        self.log.close()


class FeedparserLoop:
    """bench/peer_feedparser.py over a fixed URL list, validators kept between rounds."""

    def __init__(self, name: str, urls: Sequence[str]) -> None:
        self.dir = WORK / f"fp-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.urls = self.dir / "urls.txt"
        self.urls.write_text("\n".join(urls))
        self.state = self.dir / "state.json"
        self.state.unlink(missing_ok=True)

    def run(self, urls: Path | None = None) -> dict[str, Any]:
        argv = [sys.executable, str(HERE / "peer_feedparser.py")]
        argv += ["--urls", str(urls or self.urls), "--state", str(self.state)]
        out = subprocess.run(argv, capture_output=True, text=True, check=True)
        return dict(json.loads(out.stdout))


def fresh_dir(name: str) -> Path:
    path = WORK / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def polling_suite(
    sources: int,
    peer_sources: int,
    steady_peer: int,
    initial_items: int,
    profile: bool,
    real_news: Path | None = None,
) -> dict[str, Any]:
    """Prime, 304s at zero latency, steady state at 100 ms, then churn; peers alongside.

    Feeds start with `initial_items` items (young feeds) so that priming stays cheap; the
    churn then gives the first `peer_sources` sources a full feed of 30 new items each.
    With `real_news`, the farm serves real reports' headlines and teasers from that file."""
    work = fresh_dir("polling")
    out: dict[str, Any] = {"sources": sources, "peer_sources": peer_sources}
    out["text"] = f"real news ({real_news.name})" if real_news else "synthetic"
    farm_process = FarmProcess(
        sources, hosts=32, delay=0.0, initial_items=initial_items, real_news=real_news
    )
    with farm_process as farm:
        config = write_config(work / "config.yaml", farm.urls, work / "bench.db", themes=100)
        worker = Worker(config, work / "worker.log")
        r2e = Rss2Email("polling", farm.urls[:peer_sources])
        loop = FeedparserLoop("polling", farm.urls[:peer_sources])
        steady_urls = loop.dir / "steady.txt"
        steady_urls.write_text("\n".join(farm.urls[:steady_peer]))
        try:
            out["r2e_startup"] = asdict(startup())
            out["prime"] = {"ww": worker.poll(), "r2e": asdict(r2e.run()), "fp": loop.run()}
            out["idle"] = {"ww": [worker.poll(), worker.poll()], "r2e": asdict(r2e.run())}
            out["idle"]["fp"] = loop.run()
            farm.set_delay(0.1, 0.5)
            out["steady"] = steady_rounds(farm, worker, r2e, loop, steady_urls, steady_peer)
            farm.set_delay(0.0)
            worker.poll()  # absorb the peers' last change, so the churn poll sees churn only
            farm.churn(peer_sources)
            out["churn"] = {"ww": worker.poll(), "r2e": asdict(r2e.run()), "fp": loop.run()}
            if profile:
                farm.churn(peer_sources)
                out["churn_profile"] = worker.profile(work / "profile-churn.html")
                out["idle_profile"] = worker.profile(work / "profile-idle.html")
            out["farm"] = farm.stats()
        finally:
            worker.close()
    return out


def steady_rounds(
    farm: FarmProcess,
    worker: Worker,
    r2e: Rss2Email,
    loop: FeedparserLoop,
    steady_urls: Path,
    steady_peer: int,
) -> dict[str, Any]:
    """5 % of the farm gets 1-3 new items; everyone polls the same state of the farm."""
    ww = []
    for _ in range(2):
        farm.change(0.05)
        ww.append(worker.poll())
    farm.change(0.05)
    r2e_run = r2e_subset(r2e, steady_peer)
    return {"ww": ww, "r2e": asdict(r2e_run), "fp": loop.run(steady_urls), "n_peer": steady_peer}


def r2e_subset(r2e: Rss2Email, count: int) -> ProcessRun:
    """`r2e run --no-send 0 1 ... count-1`: its own way to poll only some feeds."""
    argv = [str(r2e.r2e), "-c", str(r2e.config), "-d", str(r2e.data), "run", "--no-send"]
    return run_measured([*argv, *map(str, range(count))], cwd=r2e.dir)


def memory_suite(sources: int) -> dict[str, Any]:
    """Peak RSS of a worker that polls `sources` sources: a first poll, then a steady one.

    Feeds start with one item: storing 300,000 articles first would take far longer than
    the suite's few minutes, and stored articles live in SQLite, not in the process."""
    work = fresh_dir("memory")
    with FarmProcess(sources, hosts=32, delay=0.0, seed=2, initial_items=1) as farm:
        config = write_config(work / "config.yaml", farm.urls, work / "bench.db", themes=100)
        worker = Worker(config, work / "worker.log")
        try:
            first = worker.poll()
            farm.change(0.05)
            steady = worker.poll()
        finally:
            worker.close()
    return {"sources": sources, "start": worker.ready, "first": first, "steady": steady}


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sources", type=int, default=1000)
    p.add_argument("--peer-sources", type=int, default=200, help="also the churned sources")
    p.add_argument("--initial-items", type=int, default=5, help="items per feed at start")
    p.add_argument("--steady-peer", type=int, default=150, help="peer feeds at 100 ms")
    p.add_argument("--memory-sources", type=int, default=10_000)
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--profile", action="store_true", help="pyinstrument churn and 304 polls")
    p.add_argument("--json", type=Path, help="write the raw figures here")
    p.add_argument(
        "--real-news",
        type=Path,
        help="serve these real reports' headlines and teasers instead of the generator's "
        f"(e.g. {REAL_NEWS})",
    )
    args = p.parse_args(argv)
    results: dict[str, Any] = {
        "polling": polling_suite(
            args.sources,
            args.peer_sources,
            args.steady_peer,
            args.initial_items,
            args.profile,
            args.real_news,
        )
    }
    if not args.skip_memory:
        results["memory"] = memory_suite(args.memory_sources)
    text = json.dumps(results, indent=2)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
