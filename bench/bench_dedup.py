"""Benchmark story grouping: 10,000 articles through StoryIndex.

Usage: .venv/bin/python bench/bench_dedup.py [--fixtures ../shared/fixtures] [--count 10000]

The articles are the 2,566 real news-2023 headlines and teasers, each replayed by up to three
more "outlets" minutes later with lightly edited headlines and tracking-laden URLs, in time
order. Reports articles/s and the time per article for the first and last 1,000, which
should stay flat as the index grows (lookups are dict gets on URL, guid and band keys).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.stories.decide import StoryIndex  # noqa: E402

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Item:
    link: str
    guid: str | None
    title: str
    summary: str
    published: datetime


def edits(title: str) -> list[str]:
    """Light edits outlets make: case, a dropped trailing word, an attribution suffix."""
    words = title.split()
    return [title.upper(), " ".join(words[:-1]) or title, f"{title} - report"]


def articles(fixtures: Path, count: int) -> list[Item]:
    rows = [json.loads(line) for line in (fixtures / "news-2023" / "labelled.jsonl").open()]
    out: list[Item] = []
    for row in rows:
        published = datetime.fromisoformat(row["published"])
        out.append(Item(row["link"], None, row["title"], row["summary"] or "", published))
        for n, title in enumerate(edits(row["title"]), start=1):
            link = f"https://outlet{n}.example/{row['id']}?utm_source=rss&n={n}"
            stamp = published + timedelta(minutes=7 * n)
            out.append(Item(link, None, title, row["summary"] or "", stamp))
    out.sort(key=lambda item: item.published)
    return out[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=HERE.parents[1] / "shared" / "fixtures")
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    items = articles(args.fixtures, args.count)
    index = StoryIndex()
    per_article: list[float] = []
    new_stories = 0
    start = time.perf_counter()
    for item in items:
        t = time.perf_counter()
        _, is_new = index.assign(item)
        per_article.append(time.perf_counter() - t)
        new_stories += is_new
    total = time.perf_counter() - start
    first, last = per_article[:1000], per_article[-1000:]
    print(f"articles: {len(items)}, stories: {new_stories}")
    print(f"total: {total:.2f} s, {len(items) / total:,.0f} articles/s")
    print(f"first 1,000: {1000 * sum(first) / len(first):.3f} ms/article")
    print(f"last 1,000:  {1000 * sum(last) / len(last):.3f} ms/article")


if __name__ == "__main__":
    main()
