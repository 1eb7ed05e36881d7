"""`wirewatch match` and `wirewatch backtest` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.support import Item, cli, rss, write_config
from tests.feedserver import FeedServer


def test_match_json_gives_the_span_of_the_phrase_in_the_original_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no config.yaml here: a plain --query needs none
    code, out, _ = cli(
        capsys, "match", "--query", '"Japan-South Korea"',
        "--title", "Japan–South Korea summit set for Tokyo", "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out) == {
        "match": True,
        "spans": [{"field": "title", "start": 0, "end": 17, "text": "Japan–South Korea"}],
    }


def test_match_json_reports_an_invalid_query_with_its_code_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli(capsys, "match", "--query", "South Korea AND Japan", "--json")
    assert code == 2
    error = json.loads(out)["error"]
    assert error["code"] == "E1" and error["position"] == 6
    assert '"South Korea"' in error["message"]


def test_backtest_json_lists_every_matching_article_with_its_story(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    summary = "Canada has proposed creating a quadruple cooperation framework with Japan."
    with FeedServer() as server:
        server.route(
            "/a", body=rss([Item("Canada proposes quad framework", "https://a.org/1", summary)])
        )
        same = Item("Canada proposes quad framework", "https://b.org/1", summary)
        server.route("/b", body=rss([same, Item("Rugby result", "https://b.org/2")]))
        config = write_config(
            tmp_path, f"sqlite:///{tmp_path / 'w.db'}",
            [("Outlet A", server.url("/a")), ("Outlet B", server.url("/b"))],
        )  # fmt: skip
        assert cli(capsys, "-c", str(config), "poll")[0] == 0
    code, out, _ = cli(
        capsys, "-c", str(config), "backtest", "--query", "quadruple NEAR/2 framework",
        "--since", "36500d", "--json",
    )  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["theme"] is None and result["query"] == "quadruple NEAR/2 framework"
    assert sum(result["per_day"].values()) == 2
    assert {m["source"] for m in result["matches"]} == {"Outlet A", "Outlet B"}
    assert len({m["story"] for m in result["matches"]}) == 1  # one story, two outlets
    for match in result["matches"]:
        assert set(match) >= {"title", "link", "source", "published", "story", "spans"}
        assert match["spans"][0]["field"] == "summary"


def test_backtest_takes_a_date_and_says_plainly_when_nothing_matches(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with FeedServer() as server:
        item = Item("Canada proposes quad framework", "https://a.org/1", "A quadruple framework")
        server.route("/a", body=rss([item]))
        config = write_config(
            tmp_path, f"sqlite:///{tmp_path / 'w.db'}", [("Outlet A", server.url("/a"))]
        )
        assert cli(capsys, "-c", str(config), "poll")[0] == 0
    code, out, _ = cli(
        capsys, "-c", str(config), "backtest", "-q", "quadruple", "--since", "2026-11-01", "--json"
    )
    assert code == 0
    # Midnight in the config's time zone (Asia/Tokyo in the test config), said in UTC.
    assert json.loads(out)["since"] == "2026-10-31T15:00:00Z"
    code, out, _ = cli(capsys, "-c", str(config), "backtest", "-q", "rugby", "--since", "36500d")
    assert code == 0 and "no matches: none of the 1 articles stored since" in out
    code, _, err = cli(capsys, "-c", str(config), "backtest", "-q", "x", "--since", "May 1")
    assert code == 2 and "neither a duration like 30d nor a date like 2023-05-01" in err
