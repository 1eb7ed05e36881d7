"""One farm source: its items, validators and rendered (and gzipped) RSS body."""

from __future__ import annotations

import gzip
import random
import re
import time
from collections import deque
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any
from xml.sax.saxutils import escape

from newsgen import story

# Real reports (headline, teaser) a farm may serve instead of the generator's.
Pool = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    summary: str
    link: str
    published: float  # unix time


@dataclass(frozen=True)
class Publication:
    """An item published on demand, and when (time.time()), for latency measurements."""

    source: int
    guid: str
    title: str
    link: str
    published_at: float

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "guid": self.guid,
            "title": self.title,
            "link": self.link,
            "published_at": self.published_at,
        }


class FeedState:
    def __init__(
        self,
        index: int,
        items: int,
        match_rate: float,
        seed: int,
        initial: int | None = None,
        pool: Pool = (),
    ) -> None:
        self.index = index
        self.pool = pool
        self.outlet = f"outlet{index:05d}"
        self.match_rate = match_rate
        self.rng = random.Random(seed * 1_000_003 + index)
        self.seq = 0
        self.version = 0
        self.items: deque[Item] = deque(maxlen=items)
        now = time.time()
        # Oldest first, about 20 minutes apart, ending a little before now.
        # A feed may start short ("young") and fill up to `items` as news arrives.
        for age in range(items if initial is None else min(initial, items), 0, -1):
            self.items.appendleft(self._item(now - age * 1200 * self.rng.uniform(0.5, 1.5)))
        self._touch(now)

    def _item(self, published: float, on_theme: bool | None = None) -> Item:
        self.seq += 1
        if self.pool:
            title, summary = self.rng.choice(self.pool)
        else:
            s = story(self.rng, self.match_rate, on_theme)
            title, summary = s.title, s.summary
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        link = f"https://www.{self.outlet}.example/news/{slug}-{self.seq}"
        guid = f"{self.outlet}-{self.seq}"
        return Item(guid, title, summary, link, published)

    def _touch(self, now: float) -> None:
        self.version += 1
        self.updated = formatdate(now, usegmt=True)
        self._body: bytes | None = None
        self._gzipped: bytes | None = None

    @property
    def etag(self) -> str:
        return f'"{self.index}-{self.version}"'

    @property
    def last_modified(self) -> str:
        return self.updated

    @property
    def capacity(self) -> int:
        return self.items.maxlen or len(self.items)

    def add_items(self, count: int) -> None:
        now = time.time()
        for _ in range(count):
            self.items.appendleft(self._item(now))
        self._touch(now)

    def publish(self, on_theme: bool) -> Publication:
        now = time.time()
        item = self._item(now, on_theme)
        self.items.appendleft(item)
        self._touch(now)
        return Publication(self.index, item.guid, item.title, item.link, now)

    def body(self) -> bytes:
        if self._body is None:
            self._body = self._render().encode()
        return self._body

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body(), compresslevel=6, mtime=0)
        return self._gzipped

    def _render(self) -> str:
        entries = "".join(
            "<item>"
            f"<title>{escape(i.title)}</title>"
            f"<link>{escape(i.link)}</link>"
            f'<guid isPermaLink="false">{i.guid}</guid>'
            f"<pubDate>{formatdate(i.published, usegmt=True)}</pubDate>"
            f"<description>{escape(i.summary)}</description>"
            "</item>"
            for i in self.items
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0"><channel>'
            f"<title>{self.outlet} | Top stories</title>"
            f"<link>https://www.{self.outlet}.example/</link>"
            "<description>Latest news</description><language>en</language>"
            f"<lastBuildDate>{self.updated}</lastBuildDate>"
            f"{entries}</channel></rss>"
        )


def read_pool(path: str) -> Pool:
    """Headline and teaser of each report of a labelled JSON-lines file (news-2023's)."""
    import html
    import json

    with open(path, encoding="utf-8") as lines:
        reports = [json.loads(line) for line in lines if line.strip()]
    return tuple(
        (html.unescape(r["title"]), html.unescape(r.get("summary") or "")) for r in reports
    )
