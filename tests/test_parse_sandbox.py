from __future__ import annotations

import time

import pytest

from service.poll.errors import FetchError
from service.poll.sandbox import SANDBOX_FROM, ParseSandbox
from tests.e2e.support import Item, rss


def big_feed() -> bytes:
    items = [
        Item(f"Headline number {n} about the Quad", f"https://example.com/{n}", "teaser " * 120)
        for n in range(SANDBOX_FROM // 800 + 10)
    ]
    body = rss(items)
    assert len(body) >= SANDBOX_FROM
    return body


def test_a_big_real_feed_parses_in_the_child_process() -> None:
    sandbox = ParseSandbox(timeout=30)
    try:
        feed = sandbox.parse(big_feed(), {"content-type": "application/rss+xml"}, "https://e.org/")
    finally:
        sandbox.close()
    assert len(feed.entries) > 600


def test_a_body_that_would_parse_for_a_minute_fails_its_source_at_the_time_limit() -> None:
    hostile = b'<?xml version="1.0"?><rss><channel>' + b"<x>" * 700_000
    sandbox = ParseSandbox(timeout=2)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as caught:
            sandbox.parse(hostile, {}, "https://e.org/")
        # the pool is replaced: the next big body still parses
        assert len(sandbox.parse(big_feed(), {}, "https://e.org/").entries) > 600
    finally:
        sandbox.close()
    assert caught.value.kind == "parse_error"
    assert "Gave up parsing" in caught.value.message
    assert time.monotonic() - started < 60
