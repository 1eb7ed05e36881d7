"""What the demo bundles and serves: real feed snapshots on 127.0.0.1, replayed over time,
and the watch rules to run on them.

Each source is a series of snapshots (one file for a static feed). `advance()` moves every
series to its next snapshot, so successive poll cycles see a feed gain new items the way the
real one did; a source whose snapshot did not change answers 304 to the poller's ETag, as
a polite outlet would. Nothing here leaves the loopback interface.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

RSS_TYPE = "application/rss+xml; charset=utf-8"
CONFIG_NAME = "config.yaml"
RULE_SECTIONS = ("aliases", "themes")
BUNDLED_THEMES = "themes.yaml"


class DemoError(Exception):
    """A problem with the demo's own set-up (not with the service it drives)."""


def demo_data() -> Traversable:
    """The bundled data folder, wherever the package is installed."""
    return files("service.demo") / "data"


@dataclass(frozen=True)
class DemoSource:
    name: str
    route: str  # the path served on the loopback server
    files: tuple[str, ...]  # under demo/data/, in replay order
    tags: tuple[str, ...]


def _snapshots(folder: str) -> tuple[str, ...]:
    names = sorted(p.name for p in (demo_data() / folder).iterdir() if p.name.endswith(".xml"))
    return tuple(f"{folder}/{name}" for name in names)


def bundled_sources() -> tuple[DemoSource, ...]:
    """The bundled outlets; see demo/data/README.md for where each file came from."""
    return (
        DemoSource(
            "White House Briefing Room",
            "/whitehouse/briefing-room/feed/",
            _snapshots("whitehouse"),
            ("government", "us"),
        ),
        DemoSource(
            "The Economist Asia",
            "/economist/asia/rss.xml",
            ("outlets/economist-asia.rss.xml",),
            ("analysis", "asia"),
        ),
        DemoSource(
            "Japan Today",
            "/japantoday/world/feed",
            ("outlets/japantoday-world.rss.xml",),
            ("japan",),
        ),
        DemoSource(
            "ABC Australia",
            "/abc/topstories/rss.xml",
            ("outlets/abc-australia-topstories.rss.xml",),
            ("broadcaster", "australia"),
        ),
    )


def snapshot_time(file: str) -> datetime | None:
    """When a snapshot was taken, from its name (`20230520T143106Z_<hash>.xml`)."""
    stamp = file.rsplit("/", 1)[-1].split("_", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def checkout_config() -> Path | None:
    """The repository's config.yaml when running from a checkout (not an installed wheel)."""
    root = Path(__file__).resolve().parents[2]
    config = root / CONFIG_NAME
    return config if (root / "pyproject.toml").is_file() and config.is_file() else None


def rule_sections_text(text: str, origin: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DemoError(f"{origin}: not valid YAML ({exc}); `wirewatch check` says more") from None
    if not isinstance(data, dict) or not data.get("themes"):
        raise DemoError(f"{origin}: no `themes:` section to run the demo with")
    return {key: data[key] for key in RULE_SECTIONS if data.get(key) is not None}


def rule_sections(explicit: str | None) -> tuple[dict[str, Any], str]:
    """The watch rules to demo and where they came from: -c FILE, else the checkout's
    config.yaml (so edited themes show at once), else the copy bundled with the package."""
    path = Path(explicit) if explicit else checkout_config()
    if path is not None:
        try:
            return rule_sections_text(path.read_text(encoding="utf-8"), str(path)), str(path)
        except OSError as exc:
            raise DemoError(f"{path}: cannot read the file: {exc.strerror}") from None
    bundled = demo_data() / BUNDLED_THEMES
    return rule_sections_text(bundled.read_text(encoding="utf-8"), "bundled"), "bundled copy"


def refresh_bundled_themes(config: Path, dest: Path | None = None) -> Path:
    """Copy config.yaml's aliases and themes into demo/data/themes.yaml (run after editing)."""
    text = config.read_text(encoding="utf-8")
    rule_sections_text(text, str(config))
    start = text.find("\naliases:")
    tail = text[start + 1 :] if start >= 0 else ""
    if start < 0 or set(yaml.safe_load(tail) or {}) != set(RULE_SECTIONS):
        # The rule sections are not the file's tail: fall back to a plain dump.
        tail = yaml.safe_dump(rule_sections_text(text, str(config)), sort_keys=False)
    target = dest or Path(str(demo_data() / BUNDLED_THEMES))
    header = (
        "# A copy of the aliases: and themes: sections of the shipped config.yaml, used by\n"
        "# `wirewatch demo` when it runs from an installed package. tests/test_demo.py checks\n"
        "# it is in step; refresh it with:\n"
        "#   python -m service.demo.server config.yaml\n\n"
    )
    target.write_text(header + tail, encoding="utf-8")
    return target


class _Series:
    def __init__(self, source: DemoSource) -> None:
        self.source = source
        self.bodies = [(demo_data() / f).read_bytes() for f in source.files]
        self.index = 0

    @property
    def file(self) -> str:
        return self.source.files[self.index]

    @property
    def body(self) -> bytes:
        return self.bodies[self.index]

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'

    def advance(self) -> bool:
        """Move to the next snapshot; False once the last one is reached (it stays)."""
        if self.index + 1 >= len(self.bodies):
            return False
        self.index += 1
        return True


class DemoFeedServer:
    """An aiohttp server on 127.0.0.1 with an ephemeral port, in the caller's event loop."""

    def __init__(self, sources: Sequence[DemoSource]) -> None:
        self._series = {s.route: _Series(s) for s in sources}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.requests = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        # Binding the socket ourselves gives the ephemeral port without private attributes.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def url(self, source: DemoSource) -> str:
        return f"http://127.0.0.1:{self.port}{source.route}"

    def current_file(self, source: DemoSource) -> str:
        return self._series[source.route].file

    def advance(self) -> list[DemoSource]:
        """Every series moves on one snapshot; returns the sources whose feed changed."""
        return [s.source for s in self._series.values() if s.advance()]

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        series = self._series.get(request.path)
        if series is None:
            return web.Response(status=404, text="no such demo feed\n")
        headers = {"ETag": series.etag, "Content-Type": RSS_TYPE}
        if series.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers={"ETag": series.etag})
        return web.Response(body=series.body, headers=headers)


if __name__ == "__main__":  # python -m service.demo.server [config.yaml]
    import sys

    print(f"wrote {refresh_bundled_themes(Path(sys.argv[1] if sys.argv[1:] else CONFIG_NAME))}")
