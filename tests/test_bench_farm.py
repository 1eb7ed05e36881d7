"""The benchmark feed farm behaves like a polite real feed server."""

from __future__ import annotations

import gzip
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from farm import FeedFarm  # noqa: E402
from feedstate import read_pool  # noqa: E402


@pytest.fixture
def farm() -> Iterator[FeedFarm]:
    with FeedFarm(sources=6, hosts=3, delay=0.0, seed=3) as running:
        yield running


def test_it_serves_30_item_feeds_spread_over_loopback_hosts(farm: FeedFarm) -> None:
    hosts = {httpx.URL(u).host for u in farm.urls}
    assert hosts == {"127.0.0.2", "127.0.0.3", "127.0.0.4"}
    parsed = feedparser.parse(httpx.get(farm.urls[4]).content)
    assert not parsed.bozo
    assert len(parsed.entries) == 30
    assert all(e.title and e.summary and e.link for e in parsed.entries)


def test_it_answers_304_to_a_matching_etag_until_the_feed_changes(farm: FeedFarm) -> None:
    etag = httpx.get(farm.urls[0]).headers["etag"]
    again = httpx.get(farm.urls[0], headers={"If-None-Match": etag})
    assert again.status_code == 304
    farm.feeds[0].add_items(1)
    changed = httpx.get(farm.urls[0], headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_it_gzips_only_when_the_client_accepts_it(farm: FeedFarm) -> None:
    with httpx.Client() as client:
        raw = client.get(farm.urls[1], headers={"Accept-Encoding": "identity"})
        zipped = client.get(farm.urls[1], headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in raw.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == raw.content  # httpx inflated it
    assert int(zipped.headers["content-length"]) < len(raw.content)
    assert gzip.decompress(farm.feeds[1].gzipped()) == raw.content


def test_it_publishes_an_item_on_demand_and_records_when(farm: FeedFarm) -> None:
    answer = httpx.post(f"{farm.control_url}/publish", json={"source": 2})
    pub = answer.json()
    assert pub["source"] == 2 and pub["published_at"] > 0
    top = feedparser.parse(httpx.get(farm.urls[2]).content).entries[0]
    assert top.id == pub["guid"]
    assert top.title == pub["title"]
    assert farm.published[pub["guid"]].published_at == pub["published_at"]


def test_it_changes_the_requested_fraction_of_feeds(farm: FeedFarm) -> None:
    before = [f.etag for f in farm.feeds]
    assert farm.change(0.5) == 3
    after = [f.etag for f in farm.feeds]
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 3


def test_with_real_news_it_serves_those_reports_headlines_and_teasers(tmp_path: Path) -> None:
    reports = tmp_path / "labelled.jsonl"
    reports.write_text(
        '{"title": "Kim&#039;s missile test", "summary": "Seoul says it flew 1,000 km."}\n'
        '{"title": "Yoon meets Kishida", "summary": ""}\n',
        encoding="utf-8",
    )
    with FeedFarm(sources=2, hosts=1, delay=0.0, pool=read_pool(str(reports))) as real:
        real.churn()
        parsed = feedparser.parse(httpx.get(real.urls[1]).content)
    texts = {(e.title, e.get("summary", "")) for e in parsed.entries}
    assert len(parsed.entries) == 30
    assert texts <= {
        ("Kim's missile test", "Seoul says it flew 1,000 km."),
        ("Yoon meets Kishida", ""),
    }
