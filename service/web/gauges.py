"""The database's state as Prometheus gauges, read at each scrape of /metrics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from service.store import Database, pauses
from service.store import health as facts


class DatabaseGauges(Collector):
    def __init__(self, db: Database, now: Callable[[], datetime], started: datetime) -> None:
        self.db, self.now, self.started = db, now, started

    def collect(self) -> Iterator[Metric]:
        now = self.now()
        uptime = GaugeMetricFamily("wirewatch_uptime_seconds", "Seconds since the service started.")
        uptime.add_metric([], (now - self.started).total_seconds())
        yield uptime
        with self.db.transaction() as session:
            sources = facts.sources(session)
            depth, oldest = facts.outbox_depth(session)
            last_digest = facts.digests_last_sent(session)
            paused = pauses.active(session)
        yield from _sources(sources)
        queued = GaugeMetricFamily(
            "wirewatch_outbox_messages", "Messages waiting, by channel and status.",
            labels=["channel", "status"],
        )  # fmt: skip
        for (channel, status), count in sorted(depth.items()):
            queued.add_metric([channel, status], count)
        yield queued
        age = GaugeMetricFamily(
            "wirewatch_outbox_oldest_age_seconds", "Age of the oldest message still waiting."
        )
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
        yield age
        stopped = GaugeMetricFamily(
            "wirewatch_delivery_paused", "1 while Slack refuses a channel ('' is every channel).",
            labels=["channel", "error"],
        )  # fmt: skip
        for pause in paused:
            stopped.add_metric([pause.channel, pause.error], 1)
        yield stopped
        digest = GaugeMetricFamily(
            "wirewatch_digest_last_sent_timestamp_seconds", "When each digest was last sent.",
            labels=["digest"],
        )  # fmt: skip
        for name, when in sorted(last_digest.items()):
            digest.add_metric([name], when.timestamp())
        yield digest


def _sources(sources: list[facts.SourceHealth]) -> Iterator[Metric]:
    by_status = GaugeMetricFamily(
        "wirewatch_sources", "Configured sources by status.", labels=["status"]
    )
    counts: dict[str, int] = {}
    for s in sources:
        counts[s.status] = counts.get(s.status, 0) + 1
    for status, count in sorted(counts.items()):
        by_status.add_metric([status], count)
    yield by_status
    success = GaugeMetricFamily(
        "wirewatch_source_last_success_timestamp_seconds",
        "When each source last fetched successfully (0: never).",
        labels=["source"],
    )
    failures = GaugeMetricFamily(
        "wirewatch_source_consecutive_failures",
        "Failed polls of each source since its last success.",
        labels=["source"],
    )
    for s in sources:
        success.add_metric([s.name], s.last_success.timestamp() if s.last_success else 0.0)
        failures.add_metric([s.name], s.failures)
    yield success
    yield failures
