"""Live config reload: notice an edit to config.yaml, validate it whole, swap it in.

A bad edit never takes the service down: it is rejected as a whole, the service keeps
running on the last good config, and the problem is reported in the log, in
`wirewatch sources` and (when Slack is configured) once in the default channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service import logs, metrics
from service.alerts.themes import compile_rules, example_problems
from service.config import Config, ConfigError, Problem, load_config
from service.notify.base import AlertMessage
from service.store import configs, outbox


def rules_of(config: Config) -> dict[str, Any]:
    """The part of a config that decides matching, safe to store (no secrets)."""
    return {
        "aliases": {k: v if isinstance(v, str) else list(v) for k, v in config.aliases.items()},
        "themes": [
            {"id": t.id, "name": t.name, "query": t.query, "priority": t.priority}
            for t in config.themes
        ],
    }


def validate(path: str | None) -> tuple[Config | None, list[Problem]]:
    """The config and [] when it is good; None and every problem when it is not."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        return None, list(exc.problems)
    problems = example_problems(config, compile_rules(config))
    return (None, problems) if problems else (config, [])


@dataclass(frozen=True)
class FileStamp:
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, path: Path) -> FileStamp | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_mtime_ns, st.st_size)


class ConfigWatcher:
    """Checks the file's stat every tick (cheap), its hash only when the stat moved."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.path = Path(runtime.app.config.path)
        self.stamp = FileStamp.of(self.path)
        self.applied_hash = runtime.app.config.raw_hash

    async def check_once(self, force: bool = False) -> str:
        """'unchanged', 'applied' or 'rejected'."""
        stamp = FileStamp.of(self.path)
        if stamp == self.stamp and not force:
            return "unchanged"
        self.stamp = stamp
        try:
            raw_hash = hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError as exc:
            logs.warning("config.unreadable", file=str(self.path), error=str(exc))
            return "rejected"
        if raw_hash == self.applied_hash and not force:
            return "unchanged"
        # Off the event loop: a large or hostile config takes a while to validate, and
        # polling, delivery and /healthz must go on meanwhile.
        config, problems = await asyncio.to_thread(validate, str(self.path))
        if config is None:
            metrics.CONFIG_RELOADS.labels("rejected").inc()
            self._reject(raw_hash, problems)
            return "rejected"
        metrics.CONFIG_RELOADS.labels("applied").inc()
        self.runtime.apply(config)
        self.applied_hash = raw_hash
        logs.event("config.applied", file=str(self.path), sha256=raw_hash[:12])
        return "applied"

    def _reject(self, raw_hash: str, problems: list[Problem]) -> None:
        text = "\n".join(p.format() for p in problems)
        logs.error("config.rejected", file=str(self.path), problems=len(problems), detail=text)
        app = self.runtime.app
        now = app.clock.now()
        with app.db.transaction() as session:
            row = configs.record(
                session, raw_hash, str(self.path), {}, now, status="rejected", error=text
            )
            if row is None or not self.runtime.notifier_is_slack:
                return
            notice = AlertMessage(
                kind="notice",
                channel=self.runtime.default_channel,
                text=f"Wirewatch kept its previous config: {self.path} was rejected.\n{text}",
            )
            outbox.enqueue(
                session,
                now,
                dedup_key=f"notice:config:{raw_hash[:40]}",
                kind="notice",
                channel=notice.channel,
                payload=notice.to_dict(),
            )
