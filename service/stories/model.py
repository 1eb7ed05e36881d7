"""The story model: the probability that two reports of different outlets tell the same
story, from what they share (features.py), fitted on labelled pairs by
bench/fit_story_model.py, with one operating threshold each (bench/DEDUP.md).

Two fits: words and time alone, and with the sentence embedding (embed.py) when its model
is installed. Precision comes first: the thresholds keep >= 0.95 precision on
cross-validated scores, because a false merge hides a story from the analyst.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from service.stories.features import ReportText, lexical_features, meaning_features

EMBED_CHARS = 300  # headline + the start of the teaser: where a report says what happened

# bench/fit_story_model.py, fitted on 881 labelled pairs (566 of the fixtures, 315 of the
# team's); the thresholds keep precision >= 0.95 on 5-fold cross-validated scores of all
# pairs and of each set (recall there: 0.33 on words and time, 0.51 with meaning).
# Order: features.LEXICAL, then the bias.
LEXICAL_WEIGHTS = (
    3.101, 2.326, -1.191, -0.850, 0.641, -0.345, -0.290, -0.164, 0.094, 1.488,
    1.460,
)  # fmt: skip
LEXICAL_THRESHOLD = 0.928
# Order: features.LEXICAL, features.WITH_MEANING, then the bias.
MEANING_WEIGHTS = (
    2.236, 1.597, -1.094, -0.830, 0.448, -0.438, -0.364, -0.258, 0.185, 0.532,
    4.975, 0.680,
    -1.498,
)  # fmt: skip
MEANING_THRESHOLD = 0.889


def embed_text(title: str, summary: str) -> str:
    return f"{title.strip()}. {summary.strip()}"[:EMBED_CHARS]


def _probability(weights: Sequence[float], features: Sequence[float]) -> float:
    z = weights[-1] + sum(w * f for w, f in zip(weights, features, strict=False))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def same_story(a: ReportText, b: ReportText, similarity: float | None) -> tuple[float, bool]:
    """(probability, over the threshold) for reports a and b; `similarity` is the cosine of
    their embeddings, or None when no embedding is available."""
    lexical = lexical_features(a, b)
    if similarity is None:
        p = _probability(LEXICAL_WEIGHTS, lexical)
        return p, p >= LEXICAL_THRESHOLD
    p = _probability(MEANING_WEIGHTS, lexical + meaning_features(similarity, a, b))
    return p, p >= MEANING_THRESHOLD
