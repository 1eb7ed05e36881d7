"""A loopback feed farm: N synthetic RSS sources spread over many loopback host names.

Each source serves 30 real-looking items, honours ETag/If-None-Match (and If-Modified-Since),
gzips when asked, and answers after a configurable delay (default 100 ms +- 50 %, like a real
server across the internet). Sources are spread over 127.0.0.2, 127.0.0.3, ... (all of
127.0.0.0/8 is loopback on Linux), so per-host politeness limits act as in production.

In-process (tests):            with FeedFarm(sources=10) as farm: farm.urls ...
As a process (benchmarks):     python bench/farm.py --sources 3000 --hosts 32
  prints one JSON line {"control": URL, "port": P} when ready; drive it with FarmClient.
Control API (on the first host): GET /_farm/urls, GET /_farm/stats, POST /_farm/change
{"fraction": 0.05}, POST /_farm/churn {"count": 200},
POST /_farm/delay {"delay": 0.1, "jitter": 0.5},
POST /_farm/publish {"source": 3} -> {"guid": ..., "published_at": unix time}.
With --real-news FILE every item is a real report's headline and teaser drawn from FILE
(news-2023's labelled.jsonl), published when the farm adds it, as the synthetic ones are.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import socket
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedstate import FeedState, Pool, Publication, read_pool  # noqa: E402

MAX_HOSTS = 250  # 127.0.0.2 .. 127.0.0.251, nothing outside 127.0.0.0/8


def host_address(index: int) -> str:
    if not 0 <= index < MAX_HOSTS:
        raise ValueError(f"host index {index} outside 0..{MAX_HOSTS - 1}")
    return f"127.0.0.{index + 2}"


class FeedFarm:
    """The farm's state and aiohttp server; start() runs it on a background thread."""

    def __init__(
        self,
        sources: int,
        hosts: int = 16,
        delay: float = 0.1,
        jitter: float = 0.5,
        items: int = 30,
        match_rate: float = 0.03,
        seed: int = 1,
        port: int = 0,
        initial_items: int | None = None,
        pool: Pool = (),
    ) -> None:
        self.hosts = max(1, min(hosts, sources, MAX_HOSTS))
        self.delay, self.jitter = delay, jitter
        self.rng = random.Random(seed)
        self.feeds = [
            FeedState(i, items, match_rate, seed, initial_items, pool) for i in range(sources)
        ]
        self.port = port
        self.published: dict[str, Publication] = {}
        self.counts = {"requests": 0, "200": 0, "304": 0, "gzip": 0}
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # ---- what the benchmarks use --------------------------------------------------------------

    @property
    def urls(self) -> list[str]:
        return [self.url_of(i) for i in range(len(self.feeds))]

    def url_of(self, source: int) -> str:
        return f"http://{host_address(source % self.hosts)}:{self.port}/feeds/{source}.xml"

    @property
    def control_url(self) -> str:
        return f"http://{host_address(0)}:{self.port}/_farm"

    def change(self, fraction: float) -> int:
        """Add 1-3 new items to a random `fraction` of the sources; returns how many changed."""
        count = round(len(self.feeds) * fraction)
        for feed in self.rng.sample(self.feeds, count):
            feed.add_items(self.rng.randint(1, 3))
        return count

    def churn(self, count: int | None = None) -> int:
        """Replace every item of the first `count` sources (default all): each gets a full
        feed (30) of new items."""
        changed = self.feeds[:count] if count is not None else self.feeds
        for feed in changed:
            feed.add_items(feed.capacity)
        return len(changed)

    def publish(self, source: int, on_theme: bool = True) -> Publication:
        """One new (by default on-theme) item at the top of `source`, timed now."""
        pub = self.feeds[source].publish(on_theme)
        self.published[pub.guid] = pub
        return pub

    def stats(self) -> dict[str, Any]:
        return {**self.counts, "sources": len(self.feeds), "hosts": self.hosts}

    # ---- HTTP ---------------------------------------------------------------------------------

    async def _feed(self, request: web.Request) -> web.StreamResponse:
        self.counts["requests"] += 1
        if self.delay > 0:
            spread = self.delay * self.jitter
            await asyncio.sleep(self.delay + self.rng.uniform(-spread, spread))
        try:
            feed = self.feeds[int(request.match_info["n"])]
        except (ValueError, IndexError):
            raise web.HTTPNotFound() from None
        headers = {"ETag": feed.etag, "Last-Modified": feed.last_modified}
        inm, ims = request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")
        if (inm is not None and feed.etag in _tags(inm)) or (inm is None and ims == feed.updated):
            self.counts["304"] += 1
            return web.Response(status=304, headers=headers)
        self.counts["200"] += 1
        headers["Content-Type"] = "application/rss+xml; charset=utf-8"
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            self.counts["gzip"] += 1
            headers["Content-Encoding"] = "gzip"
            return web.Response(body=feed.gzipped(), headers=headers)
        return web.Response(body=feed.body(), headers=headers)

    async def _control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        args = await request.json() if request.can_read_body else {}
        if action == "urls":
            return web.json_response(self.urls)
        if action == "stats":
            return web.json_response(self.stats())
        if action == "change":
            return web.json_response({"changed": self.change(float(args["fraction"]))})
        if action == "churn":
            count = args.get("count")
            return web.json_response({"changed": self.churn(None if count is None else int(count))})
        if action == "delay":
            self.delay = float(args.get("delay", self.delay))
            self.jitter = float(args.get("jitter", self.jitter))
            return web.json_response({"delay": self.delay, "jitter": self.jitter})
        if action == "publish":
            pub = self.publish(int(args["source"]), bool(args.get("on_theme", True)))
            return web.json_response(pub.as_json())
        if action == "published":
            return web.json_response([p.as_json() for p in self.published.values()])
        raise web.HTTPNotFound()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/feeds/{n}.xml", self._feed)
        app.router.add_route("*", "/_farm/{action}", self._control)
        return app

    async def serve(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        for attempt in range(20):
            port = self.port or _free_port(host_address(0))
            try:
                for h in range(self.hosts):
                    site = web.TCPSite(self._runner, host_address(h), port, backlog=4096)
                    await site.start()
                self.port = port
                return
            except OSError:  # another process took the port on a later address: start over
                await self._runner.cleanup()
                await self._runner.setup()
                if self.port or attempt == 19:
                    raise

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ---- background thread --------------------------------------------------------------------

    def start(self) -> FeedFarm:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="farm", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.serve(), self._loop).result(timeout=30)
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.aclose(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> FeedFarm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",")]


def _free_port(address: str) -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sources", type=int, default=1000)
    p.add_argument("--hosts", type=int, default=16, help="loopback addresses 127.0.0.2..")
    p.add_argument("--delay", type=float, default=0.1, help="mean response delay, seconds")
    p.add_argument("--jitter", type=float, default=0.5, help="delay spread, fraction of delay")
    p.add_argument("--items", type=int, default=30)
    p.add_argument("--initial-items", type=int, help="items at start (default --items)")
    p.add_argument("--match-rate", type=float, default=0.03)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--real-news", help="serve these real reports' headlines and teasers (JSONL)")
    return p.parse_args(argv)


async def _main(args: argparse.Namespace) -> None:
    farm = FeedFarm(
        args.sources,
        args.hosts,
        args.delay,
        args.jitter,
        args.items,
        args.match_rate,
        args.seed,
        args.port,
        args.initial_items,
        read_pool(args.real_news) if args.real_news else (),
    )
    await farm.serve()
    print(json.dumps({"control": farm.control_url, "port": farm.port}), flush=True)
    try:
        await asyncio.Event().wait()  # until the parent terminates us
    finally:
        await farm.aclose()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(parse_args()))
