"""Measure story grouping on hand-labelled article pairs (bench/dedup_pairs.jsonl).

Usage: .venv/bin/python bench/eval_dedup.py [--fixtures ../shared/fixtures] [--variants]

Each pair names two real items (news-2023 ids or White House guids) and says whether they
report the same story; the texts are read from the fixtures so that outlet text stays there.
Prints precision/recall/F1 per threshold for the shipped signature, with and without the
time window, and (--variants) the comparison of shingling, normalization and MinHash sizes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.stories import decide as dedup  # noqa: E402
from service.stories import signature as dedup_text  # noqa: E402

HERE = Path(__file__).resolve().parent
THRESHOLDS = sorted(
    {round(0.05 * i, 2) for i in range(1, 19)} | {round(0.01 * i, 2) for i in range(18, 33)}
)


@dataclass(frozen=True)
class Item:
    title: str
    summary: str
    published: datetime


@dataclass(frozen=True)
class Pair:
    a: Item
    b: Item
    same: bool
    reason: str
    origin: str  # "news-2023" (different outlets) or "whitehouse" (one source, templated titles)


def load_items(fixtures: Path) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for line in (fixtures / "news-2023" / "labelled.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        published = datetime.fromisoformat(row["published"])
        items[f"news-2023:{row['id']}"] = Item(row["title"], row["summary"] or "", published)
    for path in sorted((fixtures / "feeds" / "whitehouse").glob("*/*.xml")):
        for node in ElementTree.parse(path).getroot().iter("item"):
            guid = (node.findtext("guid") or "").strip()
            title = " ".join((node.findtext("title") or "").split())
            stamp = " ".join((node.findtext("pubDate") or "").split())
            published = datetime.strptime(stamp, "%a, %d %b %Y %H:%M:%S %z")
            items.setdefault(f"whitehouse:{guid}", Item(title, "", published))
    return items


def load_pairs(fixtures: Path) -> list[Pair]:
    items = load_items(fixtures)
    pairs = []
    for line in (HERE / "dedup_pairs.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        origin = row["a"].split(":", 1)[0]
        pairs.append(Pair(items[row["a"]], items[row["b"]], row["same"], row["reason"], origin))
    return pairs


def prf(pairs: list[Pair], scores: list[float], threshold: float, window: timedelta | None):
    tp = fp = fn = 0
    for pair, score in zip(pairs, scores, strict=True):
        inside = window is None or abs(pair.a.published - pair.b.published) <= window
        predicted = score >= threshold and inside
        tp += predicted and pair.same
        fp += predicted and not pair.same
        fn += (not predicted) and pair.same
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, fp


def table(pairs: list[Pair], scores: list[float], window: timedelta | None) -> str:
    lines = ["| threshold | precision | recall | F1 | false merges |", "|---|---|---|---|---|"]
    for t in THRESHOLDS:
        p, r, f, fp = prf(pairs, scores, t, window)
        lines.append(f"| {t:.2f} | {p:.3f} | {r:.3f} | {f:.3f} | {fp} |")
    return "\n".join(lines)


def best(pairs: list[Pair], scores: list[float], window: timedelta | None) -> str:
    """The operating point we care about: best recall at precision >= 0.95, and best F1."""
    rows = [(t, *prf(pairs, scores, t, window)) for t in THRESHOLDS]
    precise = [r for r in rows if r[1] >= 0.95]
    top_f1 = max(rows, key=lambda r: r[3])
    hi = max(precise, key=lambda r: (r[2], -r[0])) if precise else None
    hi_txt = f"t={hi[0]:.2f} P={hi[1]:.3f} R={hi[2]:.3f}" if hi else "none"
    return f"P>=0.95: {hi_txt}; best F1: t={top_f1[0]:.2f} F1={top_f1[3]:.3f}"


# --- variants compared in DEDUP.md -------------------------------------------------------

_RAW = re.compile(r"\w+")


def raw_words(text: str) -> list[str]:
    return _RAW.findall(text.lower())


def word_ngrams(words_of: Callable[[str], list[str]], sizes: tuple[int, ...]):
    def shingle(title: str, summary: str) -> set[str]:
        out: set[str] = set()
        for part in (title, summary):
            words = words_of(part)
            for n in sizes:
                out.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return out

    return shingle


def char_ngrams(n: int):
    def shingle(title: str, summary: str) -> set[str]:
        text = " ".join(dedup_text.normalize_words(f"{title} {summary}"))
        return {text[i : i + n] for i in range(len(text) - n + 1)}

    return shingle


def exact_jaccard(shingle) -> Callable[[Item, Item], float]:
    def score(a: Item, b: Item) -> float:
        x, y = shingle(a.title, a.summary), shingle(b.title, b.summary)
        return len(x & y) / len(x | y) if x and y else 0.0

    return score


def containment(shingle) -> Callable[[Item, Item], float]:
    def score(a: Item, b: Item) -> float:
        x, y = shingle(a.title, a.summary), shingle(b.title, b.summary)
        return len(x & y) / min(len(x), len(y)) if x and y else 0.0

    return score


def minhash_score(num_perm: int) -> Callable[[Item, Item], float]:
    def sig(item: Item) -> dedup_text.TextSignature:
        items = dedup_text.shingles(item.title, item.summary)
        return dedup_text.TextSignature(dedup_text.minhash(items, num_perm), len(items))

    return lambda a, b: sig(a).similarity(sig(b))


def variants(pairs: list[Pair]) -> None:
    norm = dedup_text.normalize_words
    candidates: dict[str, Callable[[Item, Item], float]] = {
        "words 1-gram, raw lower-case": exact_jaccard(word_ngrams(raw_words, (1,))),
        "words 1-gram, normalized": exact_jaccard(word_ngrams(norm, (1,))),
        "words 2-gram, normalized": exact_jaccard(word_ngrams(norm, (2,))),
        "words 1+2-gram, normalized (shipped)": exact_jaccard(word_ngrams(norm, (1, 2))),
        "chars 4-gram, normalized": exact_jaccard(char_ngrams(4)),
        "chars 5-gram, normalized": exact_jaccard(char_ngrams(5)),
        "containment, words 1+2-gram": containment(word_ngrams(norm, (1, 2))),
        "MinHash 64 perms, words 1+2": minhash_score(64),
        "MinHash 128 perms, words 1+2 (shipped)": minhash_score(128),
        "MinHash 256 perms, words 1+2": minhash_score(256),
    }
    print("\n## Variants (72 h window applied)\n")
    for name, score in candidates.items():
        scores = [score(p.a, p.b) for p in pairs]
        print(f"- {name}: {best(pairs, scores, dedup.DEFAULT_WINDOW)}")


def lsh_recall(pairs: list[Pair], threshold: float) -> None:
    """Share of labelled positives above the threshold that LSH would put in front of
    choose_story (they share a band key), for a few band layouts of 128 permutations."""
    sigs = [
        (
            dedup_text.text_signature(p.a.title, p.a.summary),
            dedup_text.text_signature(p.b.title, p.b.summary),
        )
        for p in pairs
    ]
    print(f"\n## LSH candidate recall (positives with similarity >= {threshold:.2f})\n")
    for bands in (16, 32, 64):
        found = total = 0
        for pair, (x, y) in zip(pairs, sigs, strict=True):
            if pair.same and x.similarity(y) >= threshold:
                total += 1
                rows = 128 // bands
                keys_x = set(dedup_text.lsh_keys(x, bands, rows))
                found += bool(keys_x & set(dedup_text.lsh_keys(y, bands, rows)))
        rows = 128 // bands
        print(f"- {bands} bands x {rows} rows: {found}/{total} found")


def report_templated(pairs: list[Pair]) -> None:
    """One source's templated titles ("Press Briefing by Press Secretary ...") are identical
    text for different events; no text measure can separate them, so they are shown apart."""
    print("## Same-source templated titles (White House feed), shipped signature\n")
    for p in pairs:
        score = dedup_text.text_signature(p.a.title, p.a.summary).similarity(
            dedup_text.text_signature(p.b.title, p.b.summary)
        )
        gap = abs(p.a.published - p.b.published) / timedelta(hours=1)
        label = "same" if p.same else "diff"
        print(f"- {score:.2f} {label} {gap:5.0f} h  {p.reason}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=HERE.parents[1] / "shared" / "fixtures")
    parser.add_argument("--variants", action="store_true")
    args = parser.parse_args()
    every = load_pairs(args.fixtures)
    templated = [p for p in every if p.origin == "whitehouse"]
    pairs = [p for p in every if p.origin == "news-2023"]
    report_templated(templated)
    positives = sum(p.same for p in pairs)
    print(
        f"{len(pairs)} labelled pairs: {positives} same story, {len(pairs) - positives} different"
    )
    sigs = [
        (
            dedup_text.text_signature(p.a.title, p.a.summary),
            dedup_text.text_signature(p.b.title, p.b.summary),
        )
        for p in pairs
    ]
    scores = [x.similarity(y) for x, y in sigs]
    print("\n## Shipped signature, text similarity alone\n")
    print(table(pairs, scores, None))
    print(f"\n## Shipped signature within the {dedup.DEFAULT_WINDOW} window (choose_story)\n")
    print(table(pairs, scores, dedup.DEFAULT_WINDOW))
    print(f"\n{best(pairs, scores, dedup.DEFAULT_WINDOW)}")
    print(f"DEFAULT_THRESHOLD = {dedup.DEFAULT_THRESHOLD}")
    lsh_recall(pairs, dedup.DEFAULT_THRESHOLD)
    if args.variants:
        variants(pairs)


if __name__ == "__main__":
    main()
