"""Fit the story model (service/stories/model.py) on labelled pairs of reports, and report
how it does on pairs it was not fitted on.

Usage: .venv/bin/python bench/fit_story_model.py [--fixtures ../shared/fixtures]

Pairs: ../shared/fixtures/news-2023/story-pairs.jsonl (566) and bench/dedup_pairs.jsonl (the
team's 315 news-2023 pairs). Features: service/stories/features.py, the sentence embedding
of service/stories/embed.py when the model package is installed. A logistic regression
(L2, Newton's method) per feature set: words and time alone, and with the embedding.
Prints: cross-validated precision/recall (5 folds over all pairs), fitted on one set and
scored on the other, the operating threshold (the lowest at which precision on the
cross-validated scores stays >= 0.95 from there up), and the weights to paste into model.py.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from service.stories.embed import load_encoder  # noqa: E402
from service.stories.features import (  # noqa: E402
    LEXICAL,
    WITH_MEANING,
    lexical_features,
    meaning_features,
    report_text,
)
from service.stories.model import embed_text  # noqa: E402

TARGET_PRECISION = 0.95


def load_pairs(
    fixtures: Path,
) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, bool, str]]]:
    items = {}
    for line in (fixtures / "news-2023" / "labelled.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        items[row["id"]] = row
    pairs = []
    for line in (fixtures / "news-2023" / "story-pairs.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        pairs.append((row["a"], row["b"], row["label"] == "same", "fixtures"))
    for line in (HERE / "dedup_pairs.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["a"].startswith("news-2023:") and row["b"].startswith("news-2023:"):
            pairs.append((row["a"][10:], row["b"][10:], bool(row["same"]), "team"))
    return items, pairs


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.r_[np.ones(len(w) - 1), 0.0]
    for _ in range(60):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + l2 * penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + l2 * np.diag(penalty)
        w -= np.linalg.solve(hess, grad)
    return w


def scores(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))


def operating_point(s: np.ndarray, y: np.ndarray) -> float:
    """The lowest threshold from which precision stays >= the target all the way up."""
    best = 1.0
    for t in sorted(set(s.tolist()), reverse=True):
        chosen = s >= t
        if y[chosen].mean() < TARGET_PRECISION:
            break
        best = t
    return best


def pr(s: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float]:
    chosen = s >= t
    tp = float((y[chosen] == 1).sum())
    return tp / max(1, int(chosen.sum())), tp / max(1.0, float(y.sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=HERE.parents[1] / "shared" / "fixtures")
    args = parser.parse_args()
    items, pairs = load_pairs(args.fixtures)
    texts = {
        i: report_text(r["title"], r["summary"] or "", datetime.fromisoformat(r["published"]))
        for i, r in items.items()
    }
    encoder, why = load_encoder()
    vectors: dict[str, np.ndarray] = {}
    if encoder is not None:
        ids = sorted({x for a, b, _, _ in pairs for x in (a, b)})
        batch = [embed_text(items[i]["title"], items[i]["summary"] or "") for i in ids]
        for n in range(0, len(ids), 16):
            for i, v in zip(ids[n : n + 16], encoder.embed(batch[n : n + 16]), strict=True):
                vectors[i] = v
    else:
        print(f"no embedding: {why}")
    y = np.array([same for _, _, same, _ in pairs], dtype=float)
    origin = np.array([o for *_, o in pairs])
    lexical = np.array([lexical_features(texts[a], texts[b]) for a, b, _, _ in pairs])
    sets = {"words + time": (lexical, LEXICAL)}
    if vectors:
        meaning = np.array(
            [
                meaning_features(float(vectors[a] @ vectors[b]), texts[a], texts[b])
                for a, b, _, _ in pairs
            ]
        )
        sets["words + time + meaning"] = (np.hstack([lexical, meaning]), LEXICAL + WITH_MEANING)
    print(
        f"{len(pairs)} pairs ({int(y.sum())} same): {sum(origin == 'fixtures')} fixtures, "
        f"{sum(origin == 'team')} team\n"
    )
    for name, (x, names) in sets.items():
        order = list(range(len(y)))
        random.Random(7).shuffle(order)
        cv = np.zeros(len(y))
        for k in range(5):
            test = np.array(order[k::5])
            train = np.array(sorted(set(order) - set(order[k::5])))
            cv[test] = scores(fit(x[train], y[train]), x[test])
        # Precision first, on each set of pairs: the strictest of the three thresholds.
        t = max(
            operating_point(cv[m], y[m])
            for m in (origin != "", origin == "fixtures", origin == "team")
        )
        print(f"## {name}")
        print(
            f"operating threshold {t:.3f} (precision >= {TARGET_PRECISION} on 5-fold scores "
            "of all pairs and of each set)"
        )
        for label, mask in (
            ("all", origin != ""),
            ("fixtures", origin == "fixtures"),
            ("team", origin == "team"),
        ):
            p, r = pr(cv[mask], y[mask], t)
            print(f"  cross-validated, {label:8}: precision {p:.3f} recall {r:.3f}")
        for src, dst in (("fixtures", "team"), ("team", "fixtures")):
            w = fit(x[origin == src], y[origin == src])
            t_src = operating_point(scores(w, x[origin == src]), y[origin == src])
            p, r = pr(scores(w, x[origin == dst]), y[origin == dst], t_src)
            print(f"  fitted on {src}, scored on {dst}: precision {p:.3f} recall {r:.3f}")
        if name.endswith("meaning"):
            lexical_only = scores(fit(lexical, y), lexical)
            kept = (cv >= t) & (y == 1)
            floor = float(lexical_only[kept].min()) if kept.any() else 0.0
            print(f"  lowest words+time probability of a same pair it accepts: {floor:.3f}")
        w = fit(x, y)
        print("  weights (fitted on all pairs):")
        for feature, weight in zip((*names, "bias"), w, strict=True):
            print(f"    {feature:16} {weight:+.3f}")
        print()


if __name__ == "__main__":
    main()
