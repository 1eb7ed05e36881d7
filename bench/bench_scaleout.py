"""Scale-out: polls per second of 1 and of 3 `wirewatch run` workers sharing one PostgreSQL.

Usage: .venv/bin/python bench/bench_scaleout.py [--sources 1500] [--delay 0.3] [--json FILE]

The farm answers after `--delay` seconds and each worker keeps at most `--concurrency`
requests in flight, so one worker's rate is bounded by the farm's latency, not by the CPU:
three workers should then poll about three times as much (target: at least 2.5x). Both runs
use a fresh schema of the PostgreSQL at $WIREWATCH_TEST_POSTGRES_URL (default: local `test`),
warm up (until every source was polled twice: the first poll stores its items), then count
the farm's requests.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from farmclient import FarmProcess  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from wwconfig import write_config  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(
    workers: int, urls: list[str], farm: FarmProcess, base: str, args: argparse.Namespace
) -> float:
    """Polls per second of `workers` workers on a fresh schema, after the warm-up."""
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    procs: list[subprocess.Popen[str]] = []
    try:
        with tempfile.TemporaryDirectory() as work:
            config = write_config(
                Path(work) / "config.yaml", urls, Path(work) / "unused.db",
                themes=20, interval=f"{args.interval}s",
            )  # fmt: skip
            text_ = config.read_text().replace(
                "concurrency: 256", f"concurrency: {args.concurrency}"
            )
            config.write_text(text_)
            env = {**os.environ, "WIREWATCH_CONFIG": str(config), "WIREWATCH_DATABASE_URL": url}
            subprocess.run([str(BIN / "wirewatch"), "db", "upgrade"], env=env, check=True,
                           capture_output=True)  # fmt: skip
            for _ in range(workers):
                procs.append(
                    subprocess.Popen(
                        [str(BIN / "wirewatch"), "run"],
                        env={**env, "WIREWATCH_LISTEN": f"127.0.0.1:{free_port()}"},
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        text=True,
                    )  # fmt: skip
                )
            # Warm up: every source polled twice, so the first polls' stores are done.
            target = farm.stats()["requests"] + 2 * len(urls)
            deadline = time.monotonic() + args.warmup
            while farm.stats()["requests"] < target and time.monotonic() < deadline:
                time.sleep(0.5)
            if farm.stats()["requests"] < target:
                print(f"warning: {workers} worker(s) did not finish warming up in {args.warmup} s")
            before, start = farm.stats()["requests"], time.monotonic()
            time.sleep(args.seconds)
            polls = farm.stats()["requests"] - before
            return polls / (time.monotonic() - start)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1500)
    parser.add_argument("--delay", type=float, default=0.3, help="farm latency, seconds")
    parser.add_argument("--concurrency", type=int, default=16, help="in flight, per worker")
    parser.add_argument("--interval", type=int, default=2, help="polling interval, seconds")
    parser.add_argument("--warmup", type=float, default=240.0, help="at most, seconds")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    base = os.environ.get("WIREWATCH_TEST_POSTGRES_URL", DEFAULT_PG)
    farm_process = FarmProcess(
        args.sources, hosts=32, delay=args.delay, jitter=0.2, initial_items=2
    )
    with farm_process as farm:
        urls = farm.urls
        one = measure(1, urls, farm, base, args)
        three = measure(3, urls, farm, base, args)
    ratio = three / one if one else 0.0
    figures: dict[str, Any] = {
        "sources": args.sources, "delay_s": args.delay, "concurrency": args.concurrency,
        "one_worker_polls_per_s": round(one, 1), "three_workers_polls_per_s": round(three, 1),
        "ratio": round(ratio, 2), "target": 2.5,
    }  # fmt: skip
    bound = args.concurrency / args.delay
    print(
        f"farm latency {args.delay} s, {args.concurrency} requests in flight a worker (at most "
        f"~{bound:.0f} polls/s each), {args.sources} sources, interval {args.interval} s"
    )
    print("| workers | polls/s |\n|---|---|")
    print(f"| 1 | {one:.1f} |\n| 3 | {three:.1f} |")
    print(f"\nthree workers poll {ratio:.2f}x one worker (target >= 2.5x): "
          f"{'met' if ratio >= 2.5 else 'missed'}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
