"""The desk's JSON API as PRODUCT.md specifies it, over history stored by real polls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service.web.server import make_app
from service.worker.app import open_app
from tests.desk.support import HOSTILE, TOKEN, Desk, build_desk
from tests.feedserver import FeedServer

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def desk(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Desk:
    return build_desk(feeds, db_url, tmp_path, capsys)


@pytest.fixture
async def client(desk: Desk) -> AsyncIterator[TestClient[Any, Any]]:
    app = open_app(str(desk.config))
    now = datetime.now(UTC)
    try:
        site = make_app(app.db, now, lambda: datetime.now(UTC), lambda: app.config)
        async with TestClient(TestServer(site)) as c:
            yield c
    finally:
        app.close()


async def _json(client: TestClient[Any, Any], url: str, status: int = 200) -> Any:
    response = await client.get(url)
    assert response.status == status, await response.text()
    return await response.json()


async def test_stories_come_newest_first_each_with_its_reports_from_every_outlet(
    client: TestClient[Any, Any],
) -> None:
    stories = (await _json(client, "/api/stories"))["stories"]
    published = [s["published"] for s in stories]
    assert published == sorted(published, reverse=True)
    summit = next(s for s in stories if s["link"] == "https://news.example/2026/quad-summit")
    assert [r["source"] for r in summit["reports"]] == ["Kyodo News", "Yonhap"]
    assert summit["themes"] == ["quad"]
    assert summit["marks"] == {}
    assert set(summit) >= {"id", "title", "link", "published", "themes", "reports", "marks"}
    assert set(summit["reports"][0]) >= {"source", "title", "link", "published"}
    assert summit["published"].endswith("Z")


async def test_stories_filter_by_theme_source_date_and_words(client: TestClient[Any, Any]) -> None:
    async def titles(query: str) -> list[str]:
        return [s["title"] for s in (await _json(client, "/api/stories?" + query))["stories"]]

    quad = await titles("theme=quad")
    assert any("Quad leaders meet" in t for t in quad)
    assert not any("Rugby" in t for t in quad)
    assert all("Kyodo" not in t for t in await titles("source=Yonhap"))
    assert any("Rugby" in t for t in await titles("source=Kyodo%20News"))
    recent = await titles("since=7d")
    assert not any("Canada" in t for t in recent)
    assert any("Canada" in t for t in await titles("since=2020-01-01"))
    assert await titles("q=brave%20DUBLIN") == ["Rugby: Brave Blossoms win in Dublin"]
    assert await titles("q=100%25") == []  # % is a character, not a wildcard
    assert len(await titles("limit=2")) == 2


async def test_a_bad_filter_is_a_400_that_says_what_was_expected(
    client: TestClient[Any, Any],
) -> None:
    body = await _json(client, "/api/stories?since=yesterday", status=400)
    assert "2023-05-01" in body["error"]["message"]
    body = await _json(client, "/api/stories?limit=-3", status=400)
    assert "limit" in body["error"]["message"]


async def test_try_returns_every_matching_article_with_spans_newest_first(
    client: TestClient[Any, Any],
) -> None:
    body = await _json(client, "/api/try?q=Quad&since=7d")
    assert body["error"] is None and body["diff"] is None and body["marks"] is None
    titles = [m["title"] for m in body["matches"]]
    assert titles[0] == HOSTILE  # newest first
    assert sum("Quad" in t for t in titles) == 3  # both reports of the summit: articles
    first = body["matches"][1]
    assert set(first) >= {"story", "title", "link", "published", "spans"}
    assert {"field": "title", "start": 0, "end": 4, "text": "Quad"} in first["spans"]


async def test_try_reports_a_compile_error_with_its_code_and_position(
    client: TestClient[Any, Any],
) -> None:
    body = await _json(client, "/api/try?q=Quad%20AND%20(summit")
    assert body["error"]["code"] == "E13"  # RULES.md: unbalanced parentheses
    assert isinstance(body["error"]["position"], int)
    assert body["matches"] == []
    assert (await _json(client, "/api/try", status=400))["error"]["message"].startswith("q:")


async def test_try_diffs_against_a_themes_current_rule(client: TestClient[Any, Any]) -> None:
    stories = (await _json(client, "/api/stories?since=60d"))["stories"]
    by_title = {s["title"]: s["id"] for s in stories}
    body = await _json(client, "/api/try?q=%7BQuad%7D%20OR%20Dublin&theme=quad&since=60d")
    assert by_title["Rugby: Brave Blossoms win in Dublin"] in body["diff"]["added"]
    assert by_title["Quadruple cooperation framework proposed by Canada"] in body["diff"]["removed"]
    assert body["marks"] == {
        "not_relevant_matched": 0,
        "missed_matched": 0,
        "missed_unmatched": 0,
        "relevant_unmatched": 0,
    }
    await _json(client, "/api/try?q=Quad&theme=nope", status=400)


async def test_a_mark_needs_the_token_and_then_changes_the_agreement(
    client: TestClient[Any, Any],
) -> None:
    stories = (await _json(client, "/api/stories?since=7d"))["stories"]
    rugby = next(s["id"] for s in stories if "Rugby" in s["title"])
    url = f"/api/stories/{rugby}/marks"
    mark = {"theme": "quad", "mark": "missed"}
    assert (await client.post(url, json=mark)).status == 401
    wrong = {"Authorization": "Bearer " + "x" * len(TOKEN)}
    assert (await client.post(url, json=mark, headers=wrong)).status == 401
    response = await client.post(url, json=mark, headers=AUTH)
    assert response.status == 201
    assert (await response.json()) == {"story": rugby, **mark}

    listed = (await _json(client, "/api/stories?q=Rugby"))["stories"][0]
    assert listed["marks"] == {"quad": "missed"}
    before = await _json(client, "/api/try?q=%7BQuad%7D&theme=quad&since=7d")
    after = await _json(client, "/api/try?q=%7BQuad%7D%20OR%20rugby&theme=quad&since=7d")
    assert (before["marks"]["missed_unmatched"], before["marks"]["missed_matched"]) == (1, 0)
    assert (after["marks"]["missed_unmatched"], after["marks"]["missed_matched"]) == (0, 1)
    assert "adds 1 story marked missed" in after["effect"]

    # A new mark replaces the old one.
    relevant = {"theme": "quad", "mark": "not_relevant"}
    assert (await client.post(url, json=relevant, headers=AUTH)).status == 201
    listed = (await _json(client, "/api/stories?q=Rugby"))["stories"][0]
    assert listed["marks"] == {"quad": "not_relevant"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"theme": "quad", "mark": "great"}, 400),
        ({"theme": "no-such-theme", "mark": "missed"}, 400),
        (["quad"], 400),
    ],
)
async def test_a_bad_mark_is_refused_with_the_reason(
    client: TestClient[Any, Any], body: Any, status: int
) -> None:
    story = (await _json(client, "/api/stories?limit=1"))["stories"][0]["id"]
    response = await client.post(f"/api/stories/{story}/marks", json=body, headers=AUTH)
    assert response.status == status
    assert (await response.json())["error"]["message"]
    missing = await client.post(
        "/api/stories/999999/marks", json={"theme": "quad", "mark": "missed"}, headers=AUTH
    )
    assert missing.status == 404


@pytest.fixture
def readonly_desk(feeds: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Desk:
    return build_desk(feeds, f"sqlite:///{tmp_path / 'w.db'}", tmp_path, capsys, server="")


async def test_marks_are_off_without_a_configured_token(readonly_desk: Desk) -> None:
    app = open_app(str(readonly_desk.config))
    try:
        site = make_app(app.db, datetime.now(UTC), lambda: datetime.now(UTC), lambda: app.config)
        async with TestClient(TestServer(site)) as c:
            story = (await _json(c, "/api/stories?limit=1"))["stories"][0]["id"]
            response = await c.post(
                f"/api/stories/{story}/marks",
                json={"theme": "quad", "mark": "missed"},
                headers=AUTH,
            )
            assert response.status == 403
            assert "server.token" in (await response.json())["error"]["message"]
    finally:
        app.close()


def test_the_since_date_is_midnight_in_the_configured_zone() -> None:
    from service.desk.period import parse_since

    since = parse_since("2023-05-01", datetime(2023, 6, 1, tzinfo=UTC), "Asia/Tokyo")
    assert since == datetime(2023, 4, 30, 15, 0, tzinfo=UTC)
    assert parse_since("7d", datetime(2023, 6, 8, tzinfo=UTC), "UTC") == datetime(
        2023, 6, 1, tzinfo=UTC
    ) - timedelta(0)
