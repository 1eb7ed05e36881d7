"""Wiring from a Config to the running parts: fetcher, poller, notifier, deliverer."""

from __future__ import annotations

import os
import socket
import sys
import uuid
from datetime import datetime, timedelta
from typing import TextIO

from service import logs
from service.alerts.deliver import ChannelPacer, Deliverer
from service.alerts.record import AlertSettings
from service.alerts.themes import compile_rules
from service.alerts.why import Why
from service.config import Config
from service.notify.base import Notifier
from service.notify.console import ConsoleNotifier
from service.poll.fetch import Fetcher, FetchLimits
from service.poll.poller import Poller, PollSettings
from service.poll.sandbox import ParseSandbox
from service.store import configs, outbox_admin
from service.store import sources as source_repo
from service.store import themes as theme_states
from service.stories.decide import Grouping
from service.worker.app import App, sync
from service.worker.reload import rules_of


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def fetch_limits(config: Config) -> FetchLimits:
    p = config.polling
    return FetchLimits(
        timeout=p.timeout.total_seconds(),
        max_bytes=p.max_bytes,
        per_host=p.per_host,
        concurrency=p.concurrency,
        user_agent=p.user_agent,
    )


def make_notifier(config: Config, stream: TextIO | None = None) -> Notifier:
    slack = config.slack
    if slack is None:
        return ConsoleNotifier(stream or sys.stdout)
    from service.notify.slack import SlackNotifier, WebhookNotifier  # slack_sdk: only if used

    if slack.token is not None:
        return SlackNotifier(slack.token.get_secret_value(), slack.api_url, slack.channel)
    assert slack.webhook_url is not None
    return WebhookNotifier(slack.webhook_url.get_secret_value())


def summarize_after(config: Config) -> timedelta | None:
    return config.slack.summarize_after if config.slack else None


def default_channel(config: Config) -> str:
    return config.slack.channel if config.slack else "console"


def theme_added_times(app: App, now: datetime) -> dict[str, datetime]:
    """Record when each theme went live (first seen in a config) and return those times."""
    with app.db.transaction() as session:
        return theme_states.record_live(session, [(t.id, t.query) for t in app.config.themes], now)


def poll_settings(app: App, threads: bool, theme_added: dict[str, datetime]) -> PollSettings:
    config = app.config
    grouping = Grouping(window=config.dedup.window)
    if config.dedup.threshold is not None:
        grouping = Grouping(threshold=config.dedup.threshold, window=config.dedup.window)
    return PollSettings(
        backfill=config.polling.backfill,
        grouping=grouping,
        alerts=AlertSettings(
            rules=app.rules,
            default_channel=default_channel(config),
            timezone=config.timezone,
            threads=threads,
            theme_added=theme_added,
            public_url=config.server.public_url,
            why=Why(config.aliases),
        ),
    )


class Runtime:
    """The live parts of one worker. `apply()` swaps in a new config atomically: polls
    already in flight finish with the settings they started with."""

    def __init__(self, app: App, notifier: Notifier | None = None, pace: float = 1.0) -> None:
        self.app = app
        self.worker = worker_id()
        self._fixed_notifier = notifier is not None
        self.notifier = notifier or make_notifier(app.config)
        self.fetcher = Fetcher(fetch_limits(app.config))
        self._retired: list[Fetcher] = []
        self._settings = self._poll_settings()
        self.sandbox = ParseSandbox(timeout=app.config.polling.timeout.total_seconds())
        self.poller = Poller(
            app.db,
            self.fetcher,
            lambda: self._settings,
            app.clock.now,
            self.worker,
            parse=self.sandbox.parse,
        )
        self.deliverer = Deliverer(
            app.db,
            self.notifier,
            app.clock.now,
            self.worker,
            self._max_per_hour(),
            ChannelPacer(0 if isinstance(self.notifier, ConsoleNotifier) else pace),
            summarize_after(app.config),
        )
        self._record_config()

    @property
    def default_channel(self) -> str:
        return default_channel(self.app.config)

    @property
    def notifier_is_slack(self) -> bool:
        return not isinstance(self.notifier, ConsoleNotifier)

    def _max_per_hour(self) -> int | None:
        return self.app.config.slack.max_per_hour if self.app.config.slack else None

    def _poll_settings(self) -> PollSettings:
        added = theme_added_times(self.app, self.app.clock.now())
        return poll_settings(self.app, self.notifier.supports_threads, added)

    def _record_config(self) -> None:
        config = self.app.config
        with self.app.db.transaction() as session:
            configs.record(
                session, config.raw_hash, str(config.path), rules_of(config), self.app.clock.now()
            )

    def apply(self, config: Config) -> None:
        """Switch to a new, already validated config."""
        old = self.app.config
        self.app.config = config
        self.app.rules = compile_rules(config)
        sync(self.app)
        if not self._fixed_notifier and old.slack != config.slack:
            self.notifier = make_notifier(config)
            self.deliverer.notifier = self.notifier
        self.deliverer.max_per_hour = self._max_per_hour()
        self.deliverer.summarize_after = summarize_after(config)
        self._follow_channels(old, config)
        if fetch_limits(old) != fetch_limits(config):
            self._retired.append(self.fetcher)
            self.fetcher = self.poller.fetcher = Fetcher(fetch_limits(config))
        self.sandbox.timeout = config.polling.timeout.total_seconds()
        self._settings = self._poll_settings()
        self._record_config()

    def source_counts(self) -> dict[str, int]:
        """Configured sources by status."""
        with self.app.db.transaction() as session:
            return source_repo.status_counts(session)

    def _follow_channels(self, old: Config, new: Config) -> None:
        """Queued messages of a theme whose channel changed go to the new channel, and every
        paused channel is tried again: the edit may well be the fix."""
        before = {t.id: t.channel or default_channel(old) for t in old.themes}
        moved = [
            (t.id, before[t.id], t.channel or default_channel(new))
            for t in new.themes
            if t.id in before and before[t.id] != (t.channel or default_channel(new))
        ]
        with self.app.db.transaction() as session:
            for theme_id, was, now in moved:
                count = outbox_admin.retarget(session, theme_id, was, now)
                if count:
                    logs.event("deliver.retargeted", theme=theme_id, to=now, messages=count)
        self.deliverer.resume_all()

    async def aclose(self) -> None:
        for fetcher in [self.fetcher, *self._retired]:
            await fetcher.aclose()
        self.poller.close()
        self.sandbox.close()
