"""Benchmark story grouping: 10,000 articles placed in stories by the service's own code.

Usage: .venv/bin/python bench/bench_dedup.py [--fixtures ../shared/fixtures] [--count 10000]

The articles are the 2,566 real news-2023 headlines and teasers, each replayed by up to three
more "outlets" minutes later with lightly edited headlines and tracking-laden URLs, in time
order, each stored and placed (service.stories.place, on a throwaway SQLite database: the
decision, the key and band lookups and their writes). Reports articles/s and the time per
article for the first and last 1,000, which should stay flat as the store grows (lookups are
indexed: URL and guid keys, LSH band keys within the window).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.store import Database  # noqa: E402
from service.store.migrate import upgrade  # noqa: E402
from service.store.models import ArticleRow  # noqa: E402
from service.store.sources import SourceSpec, by_name, sync_sources  # noqa: E402
from service.stories.decide import Grouping  # noqa: E402
from service.stories.place import place_in_stories  # noqa: E402

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


def outlet(item: Item) -> str:
    return urlsplit(item.link).hostname or "unknown"


def source_ids(db: Database, items: list[Item], now: datetime) -> dict[str, int]:
    names = sorted({outlet(item) for item in items})
    specs = [SourceSpec(n, f"https://{n}/feed", timedelta(minutes=10)) for n in names]
    with db.transaction() as session:
        sync_sources(session, specs, now)
        session.flush()
        return {name: row.id for name, row in by_name(session, names).items()}


def place(db: Database, item: Item, source_id: int, key: str) -> bool:
    """Store one report and place it; whether it started a new story."""
    with db.transaction() as session:
        row = ArticleRow(
            source_id=source_id, key=key, guid=item.guid, link=item.link,
            canonical_url=item.link, title=item.title, summary=item.summary,
            published=item.published, first_seen=item.published, fingerprint=key,
            authors=[], tags=[],
        )  # fmt: skip
        session.add(row)
        session.flush()
        return place_in_stories(session, [row], source_id, Grouping())[row.id].new_story


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=HERE.parents[1] / "shared" / "fixtures")
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    items = articles(args.fixtures, args.count)
    with tempfile.TemporaryDirectory() as work:
        db = Database(f"sqlite:///{work}/dedup.db")
        upgrade(db)
        sources = source_ids(db, items, items[0].published)
        per_article: list[float] = []
        new_stories = 0
        start = time.perf_counter()
        for n, item in enumerate(items):
            t = time.perf_counter()
            new_stories += place(db, item, sources[outlet(item)], f"k{n}")
            per_article.append(time.perf_counter() - t)
        total = time.perf_counter() - start
        db.dispose()
    first, last = per_article[:1000], per_article[-1000:]
    print(f"articles: {len(items)}, stories: {new_stories}")
    print(f"total: {total:.2f} s, {len(items) / total:,.0f} articles/s")
    print(f"first 1,000: {1000 * sum(first) / len(first):.3f} ms/article")
    print(f"last 1,000:  {1000 * sum(last) / len(last):.3f} ms/article")


if __name__ == "__main__":
    main()
