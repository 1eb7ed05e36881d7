"""Structured logs with a fixed vocabulary: one event name plus key=value fields."""

from __future__ import annotations

import logging
import sys
from typing import Any

_LOG = logging.getLogger("wirewatch")


class _CurrentStderr(logging.StreamHandler[Any]):
    """Writes to whatever sys.stderr is now (tests and the demo swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def setup_logging(verbose: bool = False) -> None:
    if any(isinstance(h, _CurrentStderr) for h in logging.getLogger().handlers):
        return
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG if verbose else logging.INFO)
    # A tick skipped because the last one still runs is routine: APScheduler says so at
    # WARNING every second on a busy worker.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    logging.getLogger("apscheduler.executors").setLevel(logging.ERROR)
    for noisy in (
        "aiohttp",
        "apscheduler",
        "alembic",
        "slack_sdk",
        "aiosmtpd",
        "mail.log",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _fmt(value: Any) -> str:
    text = str(value)
    if not text or any(ch.isspace() for ch in text) or '"' in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log `name key=value ...`; callers never pass secrets."""
    if not _LOG.isEnabledFor(level):
        return
    parts = [name] + [f"{key}={_fmt(value)}" for key, value in fields.items() if value is not None]
    _LOG.log(level, " ".join(parts))


def error(name: str, **fields: Any) -> None:
    event(name, logging.ERROR, **fields)


def warning(name: str, **fields: Any) -> None:
    event(name, logging.WARNING, **fields)
