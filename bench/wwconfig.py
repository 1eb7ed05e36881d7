"""Temporary Wirewatch config files for the benchmarks: N farm sources, the shipped themes
(from the repository's config.yaml) plus generated desk-like themes up to `themes`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from newsgen import theme_queries

REPO = Path(__file__).resolve().parents[1]


def shipped() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    return dict(config.get("aliases") or {}), list(config.get("themes") or [])


def themes_upto(count: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    aliases, themes = shipped()
    extra = [
        {"id": tid, "name": f"Bench theme {tid[-4:]}", "query": query}
        for tid, query in theme_queries(max(0, count - len(themes)))
    ]
    return aliases, themes + extra


def write_config(
    path: Path,
    urls: Sequence[str],
    database: Path,
    *,
    themes: int = 100,
    interval: str = "10s",
    backfill: str = "all",
    slack_api: str | None = None,
    listen_port: int | None = None,
) -> Path:
    aliases, theme_list = themes_upto(themes)
    config: dict[str, Any] = {
        "database": f"sqlite:///{database}",
        "timezone": "UTC",
        "polling": {
            "interval": interval,
            "timeout": "20s",
            "concurrency": 256,
            "per_host": 8,
            "backfill": backfill,
        },
        "sources": [{"name": f"Farm {n:05d}", "url": u} for n, u in enumerate(urls)],
        "aliases": aliases,
        "themes": theme_list,
    }
    if slack_api is not None:
        config["slack"] = {
            "token": "xoxb-test",
            "api_url": slack_api,
            "channel": "#bench",
            "max_per_hour": 100_000,
        }
    if listen_port is not None:
        config["server"] = {"listen": f"127.0.0.1:{listen_port}"}
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return path
