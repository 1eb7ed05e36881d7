"""The simplest peer: a sequential `feedparser.parse(url, etag=..., modified=...)` loop.

Run as a child process (so its CPU time is its own): it loads the validators saved by the
previous round, polls every URL once, saves them back and prints one JSON line with the
loop's wall and CPU time (interpreter start-up excluded) and the statuses it got.

    python bench/peer_feedparser.py --urls urls.txt --state state.json
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import feedparser


def poll_all(urls: Sequence[str], state: dict[str, list[str | None]]) -> Counter[str]:
    statuses: Counter[str] = Counter()
    for url in urls:
        etag, modified = state.get(url, [None, None])
        parsed = feedparser.parse(url, etag=etag, modified=modified)
        status = parsed.get("status")
        statuses[str(status)] += 1
        if status == 200:
            statuses["entries"] += len(parsed.entries)
        state[url] = [parsed.get("etag", etag), parsed.get("modified", modified)]
    return statuses


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--urls", type=Path, required=True, help="one feed URL a line")
    p.add_argument("--state", type=Path, required=True, help="validators between rounds")
    args = p.parse_args(argv)
    urls = args.urls.read_text().split()
    state = json.loads(args.state.read_text()) if args.state.exists() else {}
    wall, cpu = time.perf_counter(), time.process_time()
    statuses = poll_all(urls, state)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    args.state.write_text(json.dumps(state))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "polls": len(urls), "statuses": statuses,
                      "max_rss_mb": peak}))  # fmt: skip


if __name__ == "__main__":
    main()
