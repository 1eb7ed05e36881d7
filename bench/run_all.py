"""`make bench`: run every benchmark and write bench/RESULTS.md.

Polling and latency (bench_polling.py, bench_latency.py) run against the loopback feed farm
with rss2email and a feedparser loop as peers; the other helpers' benchmarks (matching,
grouping, theme and dedup quality) run as they are and their output is included verbatim.
Ratios against the peer are the figures to read: this machine is shared and noisy.

    .venv/bin/python bench/run_all.py [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
REAL_NEWS = REPO.parent / "shared" / "fixtures" / "news-2023" / "labelled.jsonl"
sys.path.insert(0, str(HERE))

from report import render  # noqa: E402

OTHERS = [  # (script, extra arguments): run only when the script exists
    ("bench_match.py", []),
    ("bench_dedup.py", []),
    ("bench_wildcards.py", []),
    ("bench_desk.py", ["--articles", "100000", "--repeat", "9"]),
    ("bench_scaleout.py", ["--sources", "1000", "--seconds", "15"]),
    ("eval_dedup.py", []),
    ("eval_themes.py", [str(REPO / "config.yaml")]),
]


def machine() -> dict[str, str]:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {
        "cores": cores,
        "cpu": model,
        "python": platform.python_version(),
        "os": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run_json(argv: list[str], out: Path, timeout: float) -> tuple[dict[str, Any] | None, str]:
    """Run one of our benchmarks; its figures (or None) and the tail of its stderr."""
    out.unlink(missing_ok=True)
    try:
        done = subprocess.run(
            [sys.executable, *argv, "--json", str(out)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
        )
        error = done.stderr[-3000:] if done.returncode else ""
    except subprocess.TimeoutExpired:
        error = f"timed out after {timeout:.0f} s"
    return (json.loads(out.read_text()) if out.exists() else None), error


def run_text(script: str, args: list[str], timeout: float) -> str:
    try:
        done = subprocess.run(
            [sys.executable, str(HERE / script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        return f"(timed out after {timeout:.0f} s)"
    text = done.stdout.strip() or done.stderr.strip()
    if done.returncode:
        text += f"\n(exit status {done.returncode})\n{done.stderr.strip()[-1500:]}"
    lines = text.splitlines()
    return "\n".join(lines[-80:])


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="smaller sizes, for trying it out")
    p.add_argument("--profile", action="store_true", help="pyinstrument the churn/304 polls")
    p.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    p.add_argument(
        "--reuse-polling", action="store_true", help="reuse bench/.work/polling.json (re-render)"
    )
    args = p.parse_args(argv)
    WORK.mkdir(exist_ok=True)
    started = time.monotonic()
    polling_args = [str(HERE / "bench_polling.py")]
    latency_args = [str(HERE / "bench_latency.py")]
    if args.quick:
        polling_args += ["--sources", "300", "--peer-sources", "60", "--steady-peer", "40"]
        polling_args += ["--memory-sources", "10000"]  # the size, even when quick
        latency_args += ["--sources", "200", "--items", "10"]
    if args.profile:
        polling_args.append("--profile")
    saved = WORK / "polling.json"
    if args.reuse_polling and saved.exists():
        polling, polling_error = json.loads(saved.read_text()), ""
    else:
        print("polling benchmarks ...", flush=True)
        polling, polling_error = run_json(polling_args, saved, 1500)
    real_news = None
    if REAL_NEWS.exists():
        print("polling churn on real 2023 news ...", flush=True)
        real_args = [a for a in polling_args if a != "--profile"]  # one profile: the farm's
        real_args += ["--skip-memory", "--real-news", str(REAL_NEWS)]
        real_news, _ = run_json(real_args, WORK / "polling-real.json", 1500)
    print("latency benchmark ...", flush=True)
    latency, latency_error = run_json(latency_args, WORK / "latency.json", 600)
    print("farm_realism.py ...", flush=True)
    realism = run_text("farm_realism.py", [], 600)
    others = {}
    for script, extra in OTHERS:
        if (HERE / script).exists():
            print(f"{script} ...", flush=True)
            others[script] = run_text(script, extra, 600)
    command = "make bench  (.venv/bin/python bench/run_all.py" + (
        " --quick)" if args.quick else ")"
    )
    text = render(
        machine=machine(),
        command=command,
        minutes=(time.monotonic() - started) / 60,
        polling=polling,
        polling_error=polling_error,
        latency=latency,
        latency_error=latency_error,
        realism=realism,
        others=others,
        real_news=real_news,
    )
    args.out.write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
