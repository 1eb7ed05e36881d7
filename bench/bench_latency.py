"""Alert latency: from an item's publication on the farm to Slack's acceptance.

`wirewatch run` (the real service, its own process) polls N farm sources (young feeds of
5 items, so the first cycle stays short) every 10 s at
100 ms +- 50 % latency, with the shipped themes, and posts to tests/slackserver.py's local
Slack. While a little background news arrives (2 % of sources get items every 5 s), the
farm publishes one on-theme item every `--every` seconds on a random source; each one's
latency is Slack's accepted_at minus the farm's published_at (same machine clock).

    .venv/bin/python bench/bench_latency.py [--sources 500] [--items 30] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from statistics import quantiles
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from bench_polling import fresh_dir  # noqa: E402
from farmclient import FarmProcess  # noqa: E402
from wwconfig import write_config  # noqa: E402

from tests.slackserver import SlackServer  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_first_cycle(database: Path, sources: int, timeout: float = 300) -> float:
    """Seconds until the service has polled and stored every source once."""
    started = time.monotonic()
    while polled(database) < sources:
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"the service did not poll every source in {timeout:.0f} s")
        time.sleep(0.5)
    return time.monotonic() - started


def polled(database: Path) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            row = db.execute("select count(*) from sources where last_polled_at is not null")
            return int(row.fetchone()[0])
    except sqlite3.Error:  # not created yet, or busy: ask again
        return 0


def delivered_at(slack: SlackServer, link: str) -> float | None:
    needle = link.split("://", 1)[1].removeprefix("www.")
    for message in slack.messages:
        if needle in json.dumps(message.payload):
            return message.accepted_at
    return None


def stored_at(database: Path, link: str) -> float | None:
    """When the poll that found the item stored it (articles.first_seen, naive UTC)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
        row = db.execute("select min(first_seen) from articles where link = ?", (link,)).fetchone()
    if not row or row[0] is None:
        return None
    return datetime.fromisoformat(row[0]).replace(tzinfo=UTC).timestamp()


def publish_and_collect(
    farm: FarmProcess, slack: SlackServer, sources: int, items: int, every: float
) -> list[dict[str, Any]]:
    rng = random.Random(9)
    published = []
    next_background = time.monotonic()
    for source in rng.sample(range(sources), items):
        if time.monotonic() >= next_background:
            farm.change(0.02)
            next_background += 5
        published.append(farm.publish(source))
        time.sleep(every * rng.uniform(0.5, 1.5))
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if all(delivered_at(slack, p["link"]) for p in published):
            break
        time.sleep(0.5)
    for p in published:
        at = delivered_at(slack, p["link"])
        p["latency"] = None if at is None else at - p["published_at"]
    return published


def latency_suite(sources: int, items: int, every: float) -> dict[str, Any]:
    work = fresh_dir("latency")
    with (
        SlackServer(token="xoxb-test") as slack,
        FarmProcess(sources, delay=0.1, initial_items=5) as farm,
    ):
        config = write_config(
            work / "config.yaml",
            farm.urls,
            work / "bench.db",
            themes=0,  # the shipped themes only: alerts must not queue behind bench themes
            interval="10s",
            backfill="0",  # the first poll stores silently, as a desk's first start would
            slack_api=slack.api_url,
            listen_port=free_port(),
        )
        log = (work / "service.log").open("w")
        argv = [sys.executable, "-m", "service", "-c", str(config), "run"]
        service = subprocess.Popen(argv, cwd=work, stdout=log, stderr=subprocess.STDOUT)
        try:
            first_cycle = wait_for_first_cycle(work / "bench.db", sources)
            time.sleep(3)
            published = publish_and_collect(farm, slack, sources, items, every)
            for p in published:
                found = stored_at(work / "bench.db", p["link"])
                at = delivered_at(slack, p["link"])
                p["poll_to_slack"] = None if found is None or at is None else at - found
        finally:
            service.send_signal(signal.SIGTERM)
            try:
                service.wait(timeout=40)
            except subprocess.TimeoutExpired:
                service.kill()
                service.wait()
            log.close()
        messages = len(slack.messages)
    return summarize(published, sources, first_cycle, messages)


def summarize(
    published: list[dict[str, Any]], sources: int, first_cycle: float, messages: int
) -> dict[str, Any]:
    latencies = sorted(p["latency"] for p in published if p["latency"] is not None)
    result: dict[str, Any] = {
        "sources": sources,
        "published": len(published),
        "delivered": len(latencies),
        "slack_messages": messages,
        "first_cycle_s": first_cycle,
        "latencies": latencies,
    }
    if len(latencies) >= 2:
        cuts = quantiles(latencies, n=100, method="inclusive")
        result.update(p50=cuts[49], p95=cuts[94], max=latencies[-1])
    # The Slack issue's figure: from the end of the poll that found the story (its
    # stored time) to Slack's acceptance.
    after_poll = sorted(p["poll_to_slack"] for p in published if p.get("poll_to_slack") is not None)
    result["poll_to_slack"] = after_poll
    if len(after_poll) >= 2:
        cuts = quantiles(after_poll, n=100, method="inclusive")
        result.update(poll_to_slack_p50=cuts[49], poll_to_slack_p95=cuts[94])
    return result


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sources", type=int, default=500)
    p.add_argument("--items", type=int, default=30)
    p.add_argument("--every", type=float, default=1.5, help="mean seconds between items")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    result = latency_suite(args.sources, args.items, args.every)
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
