"""The desk page's answer time over 100,000 stored articles on SQLite (target: < 200 ms).

Usage: .venv/bin/python bench/bench_desk.py [--articles 100000] [--repeat 15]

Stores a year of synthetic wire news (bench/newsgen.py: 100 outlets, a quarter of the
reports joining an earlier story as another outlet's report, every article matched against
the shipped themes by the service's own RuleSet so hits and spans are real), then starts
the service's HTTP server (service.web.server) in its own process and times each page and
API call over loopback: the median and the 95th percentile of `--repeat` requests after two
warm-ups. /healthz, measured in the same run, is the baseline: its ratio shows what the
desk adds to the cost of any answer from this server on this (noisy, shared) machine.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from newsgen import story  # noqa: E402
from wwconfig import shipped  # noqa: E402

from service.alerts.themes import compile_rules  # noqa: E402
from service.config import load_config  # noqa: E402
from service.rules import MatchItem  # noqa: E402
from service.store import Database  # noqa: E402
from service.store.migrate import upgrade  # noqa: E402
from service.store.models import ArticleRow, HitRow, SourceRow, StoryRow  # noqa: E402

TARGET_MS = 200
TOKEN = "bench-token-0123456789abcdef"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
OUTLETS = 100
SERVE = """
import asyncio, sys
from datetime import UTC, datetime
from service.config import load_config
from service.store import Database
from service.web.server import make_app, start_server

async def main(path, listen):
    config = load_config(path)
    db = Database(config.database)
    now = lambda: datetime.now(UTC)
    await start_server(make_app(db, now(), now, lambda: config), listen)
    await asyncio.Event().wait()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def write_config(directory: Path, port: int) -> Path:
    aliases, themes = shipped()
    config = {
        "database": f"sqlite:///{directory / 'desk.db'}",
        "timezone": "Asia/Tokyo",
        "sources": [
            {"name": f"Outlet {n:03d}", "url": f"http://127.0.0.1:9/{n}.xml"}
            for n in range(OUTLETS)
        ],
        "aliases": aliases,
        "themes": themes,
        "server": {"listen": f"127.0.0.1:{port}", "token": TOKEN},
    }
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path


def fill(config_path: Path, articles: int, seed: int = 11) -> dict[str, int]:
    """Store `articles` reports over the last year; returns counts."""
    config = load_config(str(config_path))
    rules = compile_rules(config)
    db = Database(config.database)
    upgrade(db)
    rng = random.Random(seed)
    start = NOW - timedelta(days=365)
    step = timedelta(days=365) / articles
    stories: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    hits: list[dict[str, object]] = []
    recent: list[tuple[int, str, str]] = []  # (story id, title, summary) of the last stories
    with db.engine.begin() as conn:
        conn.execute(
            SourceRow.__table__.insert(),
            [
                {
                    "id": n + 1,
                    "name": f"Outlet {n:03d}",
                    "config_url": f"http://127.0.0.1:9/{n}.xml",
                    "url": f"http://127.0.0.1:9/{n}.xml",
                    "tags": [],
                    "interval_seconds": 600,
                    "in_config": True,
                    "status": "ok" if n % 17 else "error",
                    "last_error": None if n % 17 else "HTTP 503 from the server",
                    "error_count": 0 if n % 17 else 4,
                    "next_poll_at": NOW + timedelta(minutes=n % 10),
                    "last_success_at": NOW - timedelta(minutes=5),
                    "created_at": start,
                }
                for n in range(OUTLETS)
            ],
        )
    for n in range(articles):
        published = start + step * n
        if recent and rng.random() < 0.25:  # another outlet's report of a recent story
            story_id, title, summary = rng.choice(recent[-30:])
            title = title.replace(" ", "  ", 1).strip() + rng.choice(["", " - update", ""])
        else:
            made = story(rng)
            story_id, title, summary = len(stories) + 1, made.title, made.summary
            link = f"https://outlet{n % OUTLETS}.example/news/{n}"
            stories.append(
                {
                    "id": story_id,
                    "title": title,
                    "link": link,
                    "first_seen": published,
                    "published": published,
                }
            )
            recent.append((story_id, title, summary))
            recent = recent[-200:]
        source = 1 + rng.randrange(OUTLETS)
        rows.append(
            {
                "id": n + 1,
                "source_id": source,
                "key": f"k{n}",
                "guid": None,
                "link": f"https://outlet{source}.example/news/{n}",
                "canonical_url": f"https://outlet{source}.example/news/{n}",
                "title": title,
                "summary": summary,
                "published": published,
                "first_seen": published,
                "fingerprint": f"{n:064d}",
                "authors": [],
                "tags": [],
                "lang": "en",
                "story_id": story_id,
                "silent": False,
            }
        )
        for hit in rules.match(MatchItem(title=title, summary=summary, feed=f"Outlet {source}")):
            hits.append(
                {
                    "article_id": n + 1,
                    "story_id": story_id,
                    "theme_id": hit.theme_id,
                    "spans": [
                        {"field": s.field, "start": s.start, "end": s.end, "text": s.text}
                        for s in hit.spans
                    ],
                    "created_at": published,
                    "alerted": True,
                }
            )
    with db.engine.begin() as conn:
        for table, data in ((StoryRow, stories), (ArticleRow, rows), (HitRow, hits)):
            for i in range(0, len(data), 5000):
                conn.execute(table.__table__.insert(), data[i : i + 5000])
    db.dispose()
    return {"articles": len(rows), "stories": len(stories), "hits": len(hits)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_get(client: httpx.Client, url: str, repeat: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, bytes) of GET `url`, after two warm-ups."""
    for _ in range(2):
        client.get(url).raise_for_status()
    times = []
    size = 0
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
        size = len(response.content)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        port = free_port()
        config = write_config(directory, port)
        began = time.perf_counter()
        counts = fill(config, args.articles)
        print(
            f"stored {counts['articles']:,} articles in {counts['stories']:,} stories "
            f"({counts['hits']:,} theme hits) in {time.perf_counter() - began:.0f} s",
            file=sys.stderr,
        )
        server = subprocess.Popen([sys.executable, "-c", SERVE, str(config), f"127.0.0.1:{port}"])
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=30) as client:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        client.get("/healthz")
                        break
                    except httpx.HTTPError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
                some_story = json.loads(client.get("/api/stories?theme=quad&limit=1").text)
                story_id = some_story["stories"][0]["id"]
                rule = quote("(@japan NEAR/15 @korea) AND (summit OR talks)")
                pages = [
                    ("/healthz (baseline)", "/healthz"),
                    ("stories page, newest 50", "/"),
                    ("stories page, one theme", "/?theme=quad"),
                    ("stories page, word search", "/?q=" + quote("summit minister")),
                    ("stories page, source + 7 days", "/?source=Outlet%20007&since=7d"),
                    ("story page", f"/stories/{story_id}"),
                    ("sources page", "/sources"),
                    ("workbench, a theme over 7 days", "/workbench?theme=quad&since=7d"),
                    ("workbench, a theme over 30 days", "/workbench?theme=quad&since=30d"),
                    ("/api/stories", "/api/stories"),
                    ("/api/try, 30 days", f"/api/try?q={rule}&since=30d"),
                ]
                results = []
                for label, url in pages:
                    median, p95, size = time_get(client, url, args.repeat)
                    results.append(
                        {
                            "page": label,
                            "url": url,
                            "median_ms": median,
                            "p95_ms": p95,
                            "bytes": size,
                        }
                    )
        finally:
            server.terminate()
            server.wait(timeout=10)
    base_ms = results[0]["median_ms"]
    print(f"\n{counts['articles']:,} articles, {counts['stories']:,} stories")
    print(f"target: under {TARGET_MS} ms\n")
    print("| page | median ms | p95 ms | × /healthz | KB | target |")
    print("|---|---|---|---|---|---|")
    for r in results:
        ok = "met" if r["median_ms"] < TARGET_MS else "MISSED"
        print(
            f"| {r['page']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['median_ms'] / base_ms:.1f} | {r['bytes'] / 1024:.0f} | {ok} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"counts": counts, "pages": results}, indent=2))


if __name__ == "__main__":
    main()
