"""Parse big bodies in a child process with a time limit.

feedparser is pure Python and some hostile bodies cost it CPU quadratic in their size
(2 MB of unclosed tags: about a minute). Small bodies, which is nearly every real feed,
parse in the calling thread; bodies above SANDBOX_FROM bytes parse in a child process
that is killed when it overruns, failing only that source.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from service.domain import ParsedFeed
from service.poll.errors import FetchError, format_seconds
from service.poll.parse import parse_feed

SANDBOX_FROM = 512 * 1024  # bytes; real outlet feeds are almost all smaller
STARTUP_TIMEOUT = 120.0


def _warm_up() -> None:
    import service.poll.parse  # noqa: F401  (imported in the child, before the clock starts)


class ParseSandbox:
    def __init__(self, timeout: float, workers: int = 1) -> None:
        self.timeout = timeout
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def parse(self, body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
        if len(body) < SANDBOX_FROM:
            return parse_feed(body, headers, url)
        pool = self._get_pool()
        future = pool.submit(parse_feed, body, dict(headers), url)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            self._kill(pool)
            raise FetchError(
                "parse_error",
                f"Gave up parsing a {len(body) // 1024} KB body after "
                f"{format_seconds(self.timeout)} (malformed or hostile feed)",
            ) from None
        except BrokenProcessPool:
            self._kill(pool)
            raise FetchError("parse_error", "The feed parser crashed on this body") from None

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # no forking of a threaded process
                pool = ProcessPoolExecutor(self.workers, mp_context=context)
                # Starting the child and importing feedparser takes a second or more on a
                # busy machine: that is not the feed's time, so it is not on its clock.
                pool.submit(_warm_up).result(timeout=STARTUP_TIMEOUT)
                self._pool = pool
            return self._pool

    def _kill(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
