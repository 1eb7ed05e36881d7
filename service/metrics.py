"""Metrics an operator graphs, with the Prometheus client library: counted where things
happen (like logs, every stage may count), served with the database's gauges at /metrics.

Counters and histograms live in this process's REGISTRY; the gauges read from the database
at scrape time (web/server.py) are added there, so several workers on one database each
report their own events and the same shared state.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

FETCH_SECONDS = Histogram(
    "wirewatch_fetch_duration_seconds",
    "Time from a poll's start to its outcome, by outcome.",
    ["status"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60),
    registry=REGISTRY,
)
NEW_ARTICLES = Counter(
    "wirewatch_new_articles_total", "New articles stored, by source.", ["source"], registry=REGISTRY
)
ALERTS = Counter(
    "wirewatch_alerts_total",
    "Alert messages by channel and what became of them: queued, sent, failed, paused.",
    ["channel", "outcome"],
    registry=REGISTRY,
)
ALERT_LATENCY = Histogram(
    "wirewatch_publish_to_alert_seconds",
    "From an article's publication time to Slack accepting its alert.",
    buckets=(5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600),
    registry=REGISTRY,
)
CONFIG_RELOADS = Counter(
    "wirewatch_config_reloads_total",
    "Config edits picked up by the running service, applied or rejected.",
    ["outcome"],
    registry=REGISTRY,
)
