"""`wirewatch demo`: the real service on bundled snapshots, offline, alerts and a digest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from service.demo.server import (
    RULE_SECTIONS,
    DemoError,
    DemoFeedServer,
    bundled_sources,
    checkout_config,
    demo_data,
    refresh_bundled_themes,
    rule_sections,
    snapshot_time,
)

REPO = Path(__file__).resolve().parents[1]
DEMO_DATA = Path(str(demo_data()))


def _rules_of(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: data.get(key) for key in RULE_SECTIONS}


def _alerted_titles(console: str) -> list[str]:
    """The headline of every alert block the console notifier printed (`● [HIGH] theme`)."""
    lines = console.splitlines()
    return [
        lines[i + 1].strip().strip("*")
        for i, line in enumerate(lines[:-1])
        if line.startswith("● [")
    ]


def test_the_demo_prints_quad_alerts_and_writes_a_digest_preview(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    decoy = tmp_path / "production.db"
    env = {**os.environ, "WIREWATCH_DATABASE_URL": f"sqlite:///{decoy}", "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "service", "demo", "--cycles", "2", "--keep", str(out)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    stdout = proc.stdout
    # The second cycle replays the White House feed a day later: the summit's statements.
    first, second = stdout.split("cycle 2/2", 1)
    assert "The Quad finally gets serious on security" in _alerted_titles(first)
    assert "Quad Leaders’ Joint Statement" in _alerted_titles(second)
    assert "3 not modified" in second  # the static outlets answered 304 to their ETags
    # Two outlets' own reports of one death are one story (the story model, issue 15).
    assert "one story from ABC Australia, Japan Today: " in stdout
    preview = out / "digest-preview.html"
    assert str(preview) in stdout
    html = preview.read_text(encoding="utf-8")
    assert "Joint Statement" in html and "<html" in html.lower()
    assert not decoy.exists(), "the demo must never use WIREWATCH_DATABASE_URL"
    assert (out / "demo.db").exists()


def test_the_bundled_themes_are_the_shipped_ones() -> None:
    assert _rules_of(DEMO_DATA / "themes.yaml") == _rules_of(REPO / "config.yaml"), (
        "service/demo/data/themes.yaml is out of step with config.yaml: run "
        "python -m service.demo.server config.yaml"
    )


def test_refreshing_the_bundled_themes_copies_aliases_and_themes(tmp_path: Path) -> None:
    target = refresh_bundled_themes(REPO / "config.yaml", tmp_path / "themes.yaml")
    assert _rules_of(target) == _rules_of(REPO / "config.yaml")
    assert set(yaml.safe_load(target.read_text(encoding="utf-8"))) == set(RULE_SECTIONS)


def test_it_takes_the_watch_rules_from_the_config_named_with_c(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("themes:\n  - id: mine\n    name: Mine\n    query: Kishida\n")
    rules, origin = rule_sections(str(mine))
    assert origin == str(mine)
    assert rules == {"themes": [{"id": "mine", "name": "Mine", "query": "Kishida"}]}


def test_it_refuses_a_config_without_themes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("sources: []\n")
    with pytest.raises(DemoError, match="no `themes:` section"):
        rule_sections(str(empty))


def test_it_finds_the_checkout_config_beside_the_package() -> None:
    assert checkout_config() == REPO / "config.yaml"


def test_the_bundled_data_is_small_and_licensed() -> None:
    files = [p for p in DEMO_DATA.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 1_500_000
    for folder in ("whitehouse", "outlets"):
        assert any(p.name.startswith("LICENSE") for p in (DEMO_DATA / folder).iterdir())
    readme = (DEMO_DATA / "README.md").read_text(encoding="utf-8")
    for p in files:
        if p.suffix == ".xml":
            assert p.name in readme, f"{p.name} has no origin in demo/data/README.md"


def test_the_white_house_snapshots_replay_in_time_order() -> None:
    white_house = bundled_sources()[0]
    times = [snapshot_time(f) for f in white_house.files]
    assert len(times) >= 3 and None not in times
    assert times == sorted(times)  # type: ignore[type-var]


async def test_the_feed_server_answers_304_until_it_advances() -> None:
    sources = bundled_sources()
    server = DemoFeedServer(sources)
    await server.start()
    try:
        async with httpx.AsyncClient(trust_env=False) as client:
            first = await client.get(server.url(sources[0]))
            again = await client.get(
                server.url(sources[0]), headers={"If-None-Match": first.headers["etag"]}
            )
            changed = server.advance()
            later = await client.get(
                server.url(sources[0]), headers={"If-None-Match": first.headers["etag"]}
            )
            static = await client.get(server.url(sources[1]))
            missing = await client.get(f"http://127.0.0.1:{server.port}/nope")
    finally:
        await server.aclose()
    assert first.status_code == 200 and b"<rss" in first.content
    assert again.status_code == 304
    assert sources[0] in changed and sources[1] not in changed
    assert later.status_code == 200 and later.content != first.content
    assert static.status_code == 200
    assert missing.status_code == 404
