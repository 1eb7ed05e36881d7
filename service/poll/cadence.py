"""When to poll a source next: the interval with jitter, never sooner than the server
asks (Retry-After, Cache-Control/Expires, RSS ttl), and exponential backoff on errors."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

MAX_POLITE_DELAY = timedelta(hours=24)  # a server asking for more is capped here
MAX_BACKOFF = timedelta(hours=6)
JITTER = 0.1  # +-10 %, so sources configured together drift apart


def _jittered(delay: timedelta, rng: random.Random) -> timedelta:
    return delay * (1 + rng.uniform(-JITTER, JITTER))


def _server_asks(*seconds: float | int | None) -> timedelta:
    asked = max((s for s in seconds if s), default=0)
    return min(timedelta(seconds=asked), MAX_POLITE_DELAY)


def after_success(
    now: datetime,
    interval: timedelta,
    cache_seconds: int | None = None,
    ttl_seconds: int | None = None,
    rng: random.Random | None = None,
) -> datetime:
    delay = _jittered(interval, rng or random.Random())
    return now + max(delay, _server_asks(cache_seconds, ttl_seconds))


def after_error(
    now: datetime,
    interval: timedelta,
    error_count: int,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """Back off exponentially from the interval, capped at 6 h, but keep retrying."""
    exponent = max(error_count - 1, 0)
    backoff = min(interval * (2 ** min(exponent, 20)), MAX_BACKOFF)
    delay = _jittered(backoff, rng or random.Random())
    return now + max(delay, _server_asks(retry_after))
