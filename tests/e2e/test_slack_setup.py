"""Verify the Slack set-up before it matters: `wirewatch slack test`, `check --online`, and a
webhook alone working as the shipped config's comment says (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.support import THEMES, cli, write_config
from tests.slackserver import SlackServer

WITH_CHANNEL = THEMES.replace(
    "    name: Japan–South Korea normalization\n",
    '    name: Japan–South Korea normalization\n    channel: "#asia-desk"\n',
)


def _config(tmp_path: Path, slack: SlackServer, themes: str = THEMES) -> Path:
    return write_config(
        tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [], slack_api=slack.api_url, themes=themes
    )


def test_slack_test_checks_token_channels_and_posts_one_message(
    tmp_path: Path, slack: SlackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.add_channel("#news-alerts")
    slack.add_channel("#asia-desk")
    code, out, _ = cli(capsys, "-c", str(_config(tmp_path, slack, WITH_CHANNEL)), "slack", "test")
    assert code == 0, out
    assert "ok   token: bot" in out
    assert "ok   #news-alerts: found, the bot is a member" in out
    assert "ok   #asia-desk: found, the bot is a member" in out
    assert "test message posted to #news-alerts" in out and out.rstrip().endswith("all good")
    assert [m.channel for m in slack.messages] == ["#news-alerts"]


def test_a_made_up_token_fails_with_its_fix_and_check_online_fails_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SlackServer(token="xoxb-the-real-one") as slack:
        config = _config(tmp_path, slack)  # the config carries another token
        code, out, _ = cli(capsys, "-c", str(config), "slack", "test")
        assert code == 1
        assert "FAIL token" in out and "invalid_auth" in out and "SLACK_BOT_TOKEN" in out
        assert cli(capsys, "-c", str(config), "check")[0] == 0  # offline, it looks fine
        assert cli(capsys, "-c", str(config), "check", "--online")[0] == 1
        assert slack.messages == []


def test_a_theme_channel_without_the_bot_is_named_with_the_invite(
    tmp_path: Path, slack: SlackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.add_channel("#news-alerts")
    slack.forbid_channel("#asia-desk", "not_in_channel")
    code, out, _ = cli(capsys, "-c", str(_config(tmp_path, slack, WITH_CHANNEL)), "slack", "test")
    assert code == 1
    assert "FAIL #asia-desk: the bot is not in it" in out and "/invite" in out


def test_a_webhook_alone_works_as_the_config_comment_says(
    tmp_path: Path,
    slack: SlackServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = (Path(__file__).parents[2] / "config.yaml").read_text(encoding="utf-8")
    block = shipped[shipped.index("# slack:") :].split("\n\n", 1)[0]
    uncommented = "\n".join(line.removeprefix("# ") for line in block.splitlines())
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.webhook_url)
    uncommented = uncommented.replace("https://slack.com/api/", slack.api_url)
    config = write_config(
        tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [], themes=WITH_CHANNEL, extra=uncommented
    )
    code, _, err = cli(capsys, "-c", str(config), "check")
    assert code == 0
    assert "channel #asia-desk cannot be honoured" in err and "slack.token" in err
    code, out, _ = cli(capsys, "-c", str(config), "slack", "test")
    assert "ok   test message posted to the webhook's channel" in out
    assert [m.via for m in slack.messages] == ["webhook"]
