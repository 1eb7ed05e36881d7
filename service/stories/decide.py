"""Which story an article belongs to (issue 5: one story, one alert).

Order of evidence: the same canonical URL, then the same guid, then near-duplicate text
within a time window. Everything here is pure; storage keeps the keys this module produces
(url key, guid, LSH band keys) in indexed columns, so the cost per article does not grow
with the number of stored stories. `StoryIndex` is the in-memory reference implementation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

from service.stories.signature import (
    TextSignature,
    lsh_keys,
    lsh_keys_many,
    signature_from_bytes,
    signature_minima,
    signature_to_bytes,
    text_signature,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "DEFAULT_WINDOW",
    "Candidate",
    "StoryIndex",
    "TextSignature",
    "choose_story",
    "lsh_keys",
    "lsh_keys_many",
    "pick_best",
    "signature_from_bytes",
    "signature_minima",
    "signature_to_bytes",
    "story_url_key",
    "text_signature",
]

# Chosen from bench/DEDUP.md: the highest recall at which precision on 315 labelled
# cross-outlet pairs stays >= 0.95 (P 0.960, R 0.139) for this MinHash estimator.
DEFAULT_THRESHOLD = 0.28
DEFAULT_WINDOW = timedelta(hours=72)

_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_TRACKING_KEYS_TEXT = """\
    fbclid gclid dclid gbraid wbraid msclkid yclid igshid twclid ocid cmpid cmp mc_cid mc_eid
    ref ref_src ref_url referrer smid smtyp sr_share share_source __twitter_impression
    _ga _gl ito spm s_cid wt.mc_id at_medium at_campaign at_custom1 at_custom2 at_custom3
    at_custom4 rss_id guccounter guce_referrer guce_referrer_sig taid cid_source"""
_TRACKING_KEYS = frozenset(_TRACKING_KEYS_TEXT.split())
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "oly_")
_AMP_PARAMS = {("amp", ""), ("amp", "1"), ("amp", "true"), ("outputtype", "amp"), ("output", "amp")}


def story_url_key(url: str) -> str:
    """The canonical URL for story identity (see module doc): scheme-less and normalized."""
    parts = urlsplit(url.strip() if "//" in url else f"//{url.strip()}")
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host.removeprefix(prefix)
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _drops(k, v)
    )
    key = host + _canonical_path(parts.path)
    return f"{key}?{urlencode(query)}" if query else key


def _drops(key: str, value: str) -> bool:
    lowered = key.lower()
    return (
        lowered in _TRACKING_KEYS
        or lowered.startswith(_TRACKING_PREFIXES)
        or (lowered, value.lower()) in _AMP_PARAMS
    )


def _canonical_path(path: str) -> str:
    segments = [s for s in path.split("/") if s and s.lower() != "amp"]
    if segments:
        last = segments[-1]
        for suffix in (".amp.html", ".amp.htm"):
            if last.lower().endswith(suffix):
                last = last[: -len(suffix)] + ".html"
        if last.lower().endswith(".amp"):
            last = last[:-4]
        segments[-1] = last
    return "/" + "/".join(segments) if segments else ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article's story, as found through a shared LSH band key."""

    story_id: int
    signature: TextSignature
    published: datetime


def choose_story(
    sig: TextSignature,
    published: datetime,
    candidates: Iterable[Candidate],
    threshold: float = DEFAULT_THRESHOLD,
    window: timedelta = DEFAULT_WINDOW,
) -> int | None:
    """The best-matching story within the window at or above the threshold, else None."""
    scored = (
        (sig.similarity(c.signature), c.published, c.story_id)
        for c in candidates
        if abs(c.published - published) <= window
    )
    return pick_best(scored, published, threshold, window)


def pick_best(
    scored: Iterable[tuple[float, datetime, int]],
    published: datetime,
    threshold: float = DEFAULT_THRESHOLD,
    window: timedelta = DEFAULT_WINDOW,
) -> int | None:
    """The story of the best (score, published, story id) within the window at or above
    the threshold, else None. Ties go to the earlier story, so replaying the same input
    always picks the same one."""
    best: tuple[float, float, int] | None = None
    for score, when, story_id in scored:
        if score < threshold or abs(when - published) > window:
            continue
        rank = (score, -when.timestamp(), -story_id)
        if best is None or rank > best:
            best = rank
    return -best[2] if best else None


class ArticleLike(Protocol):
    @property
    def link(self) -> str: ...
    @property
    def guid(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def published(self) -> datetime: ...


class StoryIndex:
    """In-memory story assignment: URL key, then guid, then LSH text candidates.

    A reference for the database version: every lookup is a dict get on a key the
    database would index, and band buckets are pruned to the window as time moves on.
    """

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, window: timedelta = DEFAULT_WINDOW
    ) -> None:
        self.threshold = threshold
        self.window = window
        self._by_url: dict[str, int] = {}
        self._by_guid: dict[str, int] = {}
        self._by_band: defaultdict[int, list[Candidate]] = defaultdict(list)
        self._next_id = 1

    def assign(self, article: ArticleLike) -> tuple[int, bool]:
        """(story id, is_new_story) for the article, and remember it for later ones."""
        url_key = story_url_key(article.link) if article.link else None
        guid = (article.guid or "").strip() or None
        sig = text_signature(article.title, article.summary)
        keys = lsh_keys(sig)
        story = self._lookup(url_key, guid, sig, article.published, keys)
        is_new = story is None
        if story is None:
            story, self._next_id = self._next_id, self._next_id + 1
        self._remember(story, url_key, guid, Candidate(story, sig, article.published), keys)
        return story, is_new

    def _lookup(
        self,
        url_key: str | None,
        guid: str | None,
        sig: TextSignature,
        published: datetime,
        keys: list[int],
    ) -> int | None:
        if url_key and url_key in self._by_url:
            return self._by_url[url_key]
        if guid and guid in self._by_guid:
            return self._by_guid[guid]
        candidates = {id(c): c for key in keys for c in self._bucket(key, published)}
        return choose_story(sig, published, candidates.values(), self.threshold, self.window)

    def _bucket(self, key: int, now: datetime) -> list[Candidate]:
        bucket = self._by_band.get(key, [])
        # Drop entries that fell out of the window so buckets stay small over time.
        fresh = [c for c in bucket if now - c.published <= self.window]
        if len(fresh) != len(bucket):
            self._by_band[key] = fresh
        return fresh

    def _remember(
        self,
        story: int,
        url_key: str | None,
        guid: str | None,
        cand: Candidate,
        keys: list[int],
    ) -> None:
        if url_key:
            self._by_url.setdefault(url_key, story)
        if guid:
            self._by_guid.setdefault(guid, story)
        for key in keys:
            self._by_band[key].append(cand)
