"""`backtest` and `check --diff` judge a rule against the desk's marks too."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.store import marks as mark_repo
from service.store.models import StoryRow
from service.worker.app import open_app
from tests.desk.support import Desk, build_desk
from tests.e2e.support import cli
from tests.feedserver import FeedServer


def _mark(desk: Desk, title_part: str, theme: str, mark: str) -> None:
    app = open_app(str(desk.config))
    try:
        with app.db.transaction() as session:
            story = next(s for s in session.query(StoryRow).all() if title_part in s.title)
            mark_repo.set_mark(session, story.id, theme, mark, datetime.now(UTC))
    finally:
        app.close()


@pytest.fixture
def desk(feeds: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Desk:
    built = build_desk(feeds, f"sqlite:///{tmp_path / 'w.db'}", tmp_path, capsys)
    _mark(built, "Rugby", "quad", "missed")
    _mark(built, "export controls", "jp-kr", "not_relevant")
    return built


def test_backtest_says_how_the_theme_agrees_with_the_marks(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "-c", str(desk.config), "backtest", "--theme", "quad")
    assert code == 0
    assert "against the desk's 1 marks for 'quad': it matches 0 of 1 stories marked missed" in out
    code, out, _ = cli(capsys, "-c", str(desk.config), "backtest", "--theme", "jp-kr", "--json")
    assert json.loads(out)["marks"] == {
        "not_relevant_matched": 1,
        "missed_matched": 0,
        "missed_unmatched": 0,
        "relevant_unmatched": 0,
    }
    code, out, _ = cli(capsys, "-c", str(desk.config), "backtest", "--query", "Quad", "--json")
    assert json.loads(out)["marks"] is None


def test_check_diff_says_which_marked_stories_an_edit_lets_in_or_out(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    text = desk.config.read_text()
    edited = text.replace("(normaliz* OR thaw OR summit)", "(normalize OR thaw OR summit)")
    edited = edited.replace(
        "query: '{Quad} OR quadrilateral", "query: 'rugby OR {Quad} OR quadrilateral"
    )
    assert edited.count("rugby") == 1 and "normalize OR" in edited
    desk.config.write_text(edited)
    code, out, _ = cli(capsys, "-c", str(desk.config), "check", "--diff")
    assert code == 0, out
    assert "marks: this edit adds 1 story marked missed" in out
    assert "marks: this edit drops 1 story marked not relevant" in out


def test_people_see_one_time_format_in_the_configured_zone(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    iso_utc = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
    local = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d JST")
    for command in (["sources"], ["backtest", "--theme", "quad", "--since", "2020-01-01"]):
        code, out, _ = cli(capsys, "-c", str(desk.config), *command)
        assert code == 0
        assert local.search(out), out
        assert not iso_utc.search(out), out
    code, out, _ = cli(capsys, "-c", str(desk.config), "sources", "--json")
    assert iso_utc.search(out)  # scripts keep ISO 8601 UTC


def test_the_digest_says_which_aliases_fired(
    desk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    preview = tmp_path / "digest.html"
    text = desk.config.read_text()
    desk.config.write_text(
        text + "digests:\n  - name: morning\n    at: '07:30'\n    to: [desk@example.org]\n"
    )
    code, out, err = cli(capsys, "-c", str(desk.config), "digest", "--preview", str(preview))
    assert code == 0, err
    page = preview.read_text()
    assert "matched via @japan (Kishida, Japan), @korea (Yoon, Seoul, South Korea)" in page
