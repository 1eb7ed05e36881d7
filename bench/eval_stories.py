"""Story grouping measured as a user meets it: every labelled 2023 report served as its
outlet's RSS feed, `wirewatch poll`, then `wirewatch backtest --json`, whose matches carry
their story id; precision and recall over the labelled pairs.

Usage: .venv/bin/python bench/eval_stories.py [--fixtures ../shared/fixtures] [--keep DIR]

Reads ../shared/fixtures/news-2023/labelled.jsonl (the reports), story-pairs.jsonl beside it
and bench/dedup_pairs.jsonl (the team's news-2023 pairs), which the story model was fitted
on, and bench/heldout_story_pairs.jsonl, which it was not. Each outlet becomes one feed on a
local HTTP server, every source is tagged `news`, and the backtest asks `tag:news` over all
of it. The config has no themes: grouping must not depend on them. A pair counts as joined
when both reports got the same story id; a pair whose report was not stored counts as
missed (and is reported, since it says the poller dropped something).
"""

from __future__ import annotations

import argparse
import html
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from fit_story_model import load_pairs  # noqa: E402

from tests.e2e.support import Item, rss  # noqa: E402  the e2e tests' feeds and server
from tests.feedserver import FeedServer  # noqa: E402

WIREWATCH = [sys.executable, "-m", "service"]


def heldout_pairs() -> list[tuple[str, str, bool, str]]:
    """Labelled after the model was fitted, never fitted on: a small check of pairs it has
    not seen (88 pairs, 12 same; drawn in word-overlap bands, most are near misses)."""
    pairs = []
    for line in (HERE / "heldout_story_pairs.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        pairs.append((row["a"], row["b"], row["label"] == "same", "held-out"))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=HERE.parents[1] / "shared" / "fixtures")
    parser.add_argument("--keep", type=Path, help="keep the config and database here")
    args = parser.parse_args()
    reports, pairs = load_pairs(args.fixtures)  # the fitting script's reports and pairs
    pairs += heldout_pairs()
    work = args.keep or Path(tempfile.mkdtemp(prefix="eval-stories-"))
    work.mkdir(parents=True, exist_ok=True)
    by_outlet: dict[str, list[Item]] = defaultdict(list)
    for row in reports.values():
        by_outlet[row["outlet"]].append(
            Item(
                html.unescape(row["title"]),
                row["link"],
                html.unescape(row["summary"] or ""),
                guid=row["link"],
                published=datetime.fromisoformat(row["published"]),
            )
        )
    with FeedServer() as feeds:
        for outlet, items in by_outlet.items():
            items.sort(key=lambda item: item.published, reverse=True)  # newest first
            feeds.route(f"/{outlet}.xml", body=rss(items, title=outlet))
        sources = "\n".join(
            f'  - name: "{outlet}"\n    url: "{feeds.url(f"/{outlet}.xml")}"\n    tags: [news]'
            for outlet in sorted(by_outlet)
        )
        config = work / "config.yaml"
        config.write_text(
            f'database: "sqlite:///{work / "eval.db"}"\nsources:\n{sources}\n'
            "polling:\n  backfill: 0\n",
            encoding="utf-8",
        )
        (work / "eval.db").unlink(missing_ok=True)
        started = datetime.now()
        poll = subprocess.run(
            [*WIREWATCH, "-c", str(config), "poll"], capture_output=True, text=True, cwd=work
        )
        seconds = (datetime.now() - started).total_seconds()
    if poll.returncode != 0:
        sys.exit(f"poll failed ({poll.returncode}):\n{poll.stderr[-3000:]}")
    found = subprocess.run(
        [*WIREWATCH, "-c", str(config), "backtest", "-q", "tag:news", "--since", "5000d", "--json"],
        capture_output=True,
        text=True,
        cwd=work,
        check=True,
    )
    story_of_link = {m["link"]: m["story"] for m in json.loads(found.stdout)["matches"]}
    stories = len(set(story_of_link.values()))
    print(
        f"{len(reports)} reports of {len(by_outlet)} outlets polled in {seconds:.0f} s: "
        f"{len(story_of_link)} stored, {stories} stories"
    )
    for origin in ("fixtures", "team", "fitted on", "held-out"):
        chosen = [
            p for p in pairs if p[3] == origin or (origin == "fitted on" and p[3] != "held-out")
        ]
        tp = fp = fn = missing = 0
        for a, b, same, _ in chosen:
            sa, sb = story_of_link.get(reports[a]["link"]), story_of_link.get(reports[b]["link"])
            missing += sa is None or sb is None
            joined = sa is not None and sa == sb
            tp += joined and same
            fp += joined and not same
            fn += (not joined) and same
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        print(
            f"  {origin:9} {len(chosen):4} pairs: precision {precision:.3f} recall {recall:.3f} "
            f"({tp} joined right, {fp} wrongly, {fn} same-story pairs apart"
            + (f", {missing} with a report not stored)" if missing else ")")
        )


if __name__ == "__main__":
    main()
