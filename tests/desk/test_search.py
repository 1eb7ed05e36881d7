"""Word search over stored headlines and teasers keeps up with edits (SQLite's FTS5 index
is kept by triggers; PostgreSQL scans with ILIKE) and takes user words literally."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.store import desk as desk_repo
from service.worker.app import open_app
from tests.desk.support import KYODO, build_desk
from tests.e2e.support import Item, cli, rss
from tests.feedserver import FeedServer


def _found(config: Path, *words: str) -> list[str]:
    app = open_app(str(config))
    try:
        with app.db.transaction() as session:
            ids = desk_repo.story_ids(session, words=words, limit=50)
            return [s.title for s in desk_repo.stories(session, ids).values()]
    finally:
        app.close()


def test_search_finds_words_and_prefixes_follows_edits_and_ignores_query_syntax(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = build_desk(feeds, db_url, tmp_path, capsys)
    assert _found(desk.config, "blossoms") == ["Rugby: Brave Blossoms win in Dublin"]
    assert _found(desk.config, "Blossom") == ["Rugby: Brave Blossoms win in Dublin"]
    assert _found(desk.config, "late", "try") == ["Rugby: Brave Blossoms win in Dublin"]
    assert _found(desk.config, "Blossoms", "cricket") == []
    for hostile in ('"', "*", "NEAR(", "OR", "AND", "title:x", "%", "_", "-"):
        _found(desk.config, hostile)  # no error: a user's word is never FTS syntax

    rugby = KYODO[2]
    edited = Item("Rugby: Japan edge Ireland in Dublin thriller", rugby.link, rugby.summary)
    feeds.route("/kyodo.xml", body=rss([*KYODO[:2], edited, KYODO[3]], "Kyodo"))
    assert cli(capsys, "-c", str(desk.config), "poll", "--source", "Kyodo News")[0] == 0
    assert _found(desk.config, "thriller") != []
    assert _found(desk.config, "blossoms") == []


def test_search_finds_a_japanese_word_inside_a_run_without_spaces(
    feeds: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = build_desk(feeds, f"sqlite:///{tmp_path / 'w.db'}", tmp_path, capsys)
    feeds.route(
        "/kyodo.xml",
        body=rss([Item("日韓首脳会談で関係正常化に合意", "https://kyodo.example/jp", "")], "K"),
    )
    assert cli(capsys, "-c", str(desk.config), "poll", "--source", "Kyodo News")[0] == 0
    assert _found(desk.config, "正常化") == ["日韓首脳会談で関係正常化に合意"]
