"""How much the feed farm's synthetic news looks like real news, where it matters for cost.

Two figures drive the pipeline's work per item: how many other stored items share an LSH
band with it (each is a near-duplicate candidate to read and compare), and how many items
the 100 bench themes match (each hit is a stored hit and an outbox row). Both are printed
for the farm's generator and, when ../shared/fixtures is beside the repository, for real
outlet feeds and real 2023 news, so every RESULTS.md shows whether the farm is realistic.

    .venv/bin/python bench/farm_realism.py [--pool 1290]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import newsgen  # noqa: E402
from wwconfig import themes_upto  # noqa: E402

from service.poll.parse import parse_feed  # noqa: E402
from service.rules import MatchItem, ThemeMatcher, compile_query  # noqa: E402
from service.stories import signature as dedup  # noqa: E402

FIXTURES = REPO.parent / "shared" / "fixtures"


def collision_share(texts: Sequence[tuple[str, str]]) -> float:
    """Mean share of the pool that shares at least one LSH band with an item (%)."""
    bands = [set(dedup.lsh_keys(dedup.text_signature(t, s))) for t, s in texts]
    index: defaultdict[int, set[int]] = defaultdict(set)
    for i, keys in enumerate(bands):
        for key in keys:
            index[key].add(i)
    others = 0
    for keys in bands:
        seen: set[int] = set()
        for key in keys:
            seen |= index[key]
        others += max(0, len(seen) - 1)
    return 100 * others / len(texts) / len(texts)


def theme_share(texts: Sequence[tuple[str, str]]) -> float:
    """Share of items that at least one of the 100 bench themes matches (%)."""
    aliases, themes = themes_upto(100)
    matcher = ThemeMatcher([(t["id"], compile_query(t["query"], aliases)) for t in themes])
    hits = sum(bool(matcher.match(MatchItem(title=t, summary=s))) for t, s in texts)
    return 100 * hits / len(texts)


def real_outlets(limit: int) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for path in sorted((FIXTURES / "feeds" / "outlets-2026").glob("*.xml")):
        try:
            feed = parse_feed(path.read_bytes(), {}, "https://example.org/")
        except Exception:
            continue
        texts += [(e.title, e.summary) for e in feed.entries]
    return texts[:limit]


def real_2023(limit: int) -> list[tuple[str, str]]:
    path = FIXTURES / "news-2023" / "labelled.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text().splitlines()[:limit]]
    return [(r["title"], r["summary"]) for r in rows]


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--pool", type=int, default=1290)
    args = p.parse_args(argv)
    rng = random.Random(1)
    farm = [(s.title, s.summary) for s in (newsgen.story(rng) for _ in range(args.pool))]
    print("| corpus | items | share of the pool sharing an LSH band, % | matched by a theme, % |")
    print("|---|---|---|---|")
    for name, texts in (
        ("feed farm (bench/newsgen.py)", farm),
        ("real outlet feeds, 2026 (fixtures)", real_outlets(args.pool)),
        ("real news about Japan/Korea, 2023 (fixtures)", real_2023(args.pool)),
    ):
        if texts:
            collide, themes = collision_share(texts), theme_share(texts)
            print(f"| {name} | {len(texts):,} | {collide:.2f} | {themes:.1f} |")


if __name__ == "__main__":
    main()
