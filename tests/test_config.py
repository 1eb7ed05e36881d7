"""Loading config.yaml: the shipped file, YAML quirks, ${VAR}s and the environment."""

from __future__ import annotations

import hashlib
from datetime import time, timedelta
from pathlib import Path

import pydantic
import pytest

from service.config import Config, ConfigError, load_config, parse_config

REPO = Path(__file__).resolve().parents[1]
MINIMAL = """\
sources:
  - name: Kyodo News
    url: https://english.kyodonews.net/rss/news.xml
"""


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Config:
    return load_config(write(tmp_path, text), env=env or {})


def test_the_shipped_config_loads() -> None:
    config = load_config(REPO / "config.yaml", env={})
    assert config.database == "sqlite:///data/wirewatch.db"
    assert config.timezone == "Asia/Tokyo"
    assert config.polling.backfill == timedelta(hours=24)
    assert config.polling.max_bytes == 10_000_000
    assert len(config.sources) >= 15
    assert all(s.url.startswith("https://") for s in config.sources)
    assert {t.id for t in config.themes} >= {"jp-kr-normalization", "quad"}
    assert config.slack is None and config.email is None
    morning = config.digests[0]
    assert (morning.name, morning.at, morning.timezone) == ("morning", time(7, 30), "Asia/Tokyo")
    assert config.server.listen == "127.0.0.1:8080"


def test_the_shipped_config_lists_no_reuters_feed() -> None:
    config = load_config(REPO / "config.yaml", env={})
    assert not any("reuters" in s.url for s in config.sources)


def test_it_applies_the_documented_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL)
    assert config.polling.interval == timedelta(minutes=10)
    assert config.polling.timeout == timedelta(seconds=20)
    assert (config.polling.concurrency, config.polling.per_host) == (32, 2)
    assert config.sources[0].interval is None
    assert config.interval_of(config.sources[0]) == timedelta(minutes=10)
    assert config.dedup.window == timedelta(hours=72)


def test_it_reads_an_unquoted_clock_time_as_written(tmp_path: Path) -> None:
    # YAML 1.1 would read 07:30 as the sexagesimal integer 450.
    config = load(
        tmp_path, MINIMAL + "digests:\n  - name: morning\n    at: 07:30\n    to: [d@example.org]\n"
    )
    assert config.digests[0].at == time(7, 30)


def test_it_keeps_yes_no_words_as_text_where_text_is_expected(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        "sources:\n  - name: No\n    url: https://no.example/feed\n    lang: no\n"
        "    tags: [yes, on]\n    enabled: yes\n",
    )
    source = config.sources[0]
    assert (source.name, source.lang, source.tags, source.enabled) == (
        "No",
        "no",
        ["yes", "on"],
        True,
    )


def test_it_fills_a_digests_timezone_from_the_top_level(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        "timezone: Asia/Seoul\ndigests:\n  - name: m\n    at: '08:00'\n    to: [d@example.org]\n",
    )
    assert config.digests[0].timezone == "Asia/Seoul"


def test_it_reads_backfill_all_as_no_window_and_zero_as_none(tmp_path: Path) -> None:
    assert load(tmp_path, "polling:\n  backfill: all\n").polling.backfill is None
    assert load(tmp_path, "polling:\n  backfill: 0\n").polling.backfill == timedelta(0)


def test_it_substitutes_environment_variables(tmp_path: Path) -> None:
    text = (
        "database: ${DB:-sqlite:///fallback.db}\n"
        "polling:\n  user_agent: ${UA}/1.0 costs $${NOT_A_VAR}\n"
    )
    config = load(tmp_path, text, env={"UA": "DeskBot"})
    assert config.database == "sqlite:///fallback.db"
    assert config.polling.user_agent == "DeskBot/1.0 costs ${NOT_A_VAR}"


def test_an_empty_variable_with_default_uses_the_default(tmp_path: Path) -> None:
    config = load(tmp_path, "timezone: ${TZ_NAME:-UTC}\n", env={"TZ_NAME": ""})
    assert config.timezone == "UTC"


def test_an_empty_webhook_default_means_no_webhook(tmp_path: Path) -> None:
    text = "slack:\n  token: ${SLACK_BOT_TOKEN}\n  webhook_url: ${SLACK_WEBHOOK_URL:-}\n"
    config = load(tmp_path, text, env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert config.slack is not None
    assert config.slack.webhook_url is None
    assert config.slack.token is not None
    assert config.slack.token.get_secret_value() == "xoxb-1"


def test_the_database_url_variable_overrides_the_file(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL, env={"WIREWATCH_DATABASE_URL": "postgresql://u@db/ww"})
    assert config.database == "postgresql+psycopg://u@db/ww"


def test_wirewatch_config_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "timezone: Europe/London\n", name="desk.yaml")
    config = load_config(env={"WIREWATCH_CONFIG": str(path)})
    assert config.timezone == "Europe/London"
    assert config.path == path


def test_it_defaults_to_config_yaml_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "timezone: Asia/Seoul\n")
    monkeypatch.chdir(tmp_path)
    assert load_config(env={}).timezone == "Asia/Seoul"


def test_it_remembers_the_file_its_hash_and_the_lines_of_keys(tmp_path: Path) -> None:
    text = MINIMAL + "themes:\n  - id: a\n    query: x\n  - id: b\n    name: B\n    query: y\n"
    path = write(tmp_path, text)
    config = load_config(path, env={})
    assert config.raw_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert config.line_of("themes[1]") == 7
    assert config.line_of("themes[1].query") == 9
    assert config.line_of("themes[0].name") == 5  # not written: the theme's own line
    assert config.themes[0].name == "a"


def test_the_config_is_frozen(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL)
    with pytest.raises(pydantic.ValidationError):
        setattr(config, "timezone", "UTC")  # noqa: B010 (frozen: must raise)


def test_it_merges_yaml_anchors_as_defaults(tmp_path: Path) -> None:
    text = (
        "sources:\n"
        "  - &wire {name: A, url: 'https://a.example/feed', tags: [wire], interval: 5m}\n"
        "  - <<: *wire\n    name: B\n    url: https://b.example/feed\n"
    )
    config = load(tmp_path, text)
    assert config.sources[1].tags == ["wire"]
    assert config.sources[1].interval == timedelta(minutes=5)


def test_parse_config_validates_text_without_a_file() -> None:
    config = parse_config("timezone: UTC\n", env={})
    assert config.timezone == "UTC"
    with pytest.raises(ConfigError):
        parse_config("timezone: Nowhere/Else\n", env={})
