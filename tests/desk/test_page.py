"""The desk page as served: escaped feed text, safe links, sign-in and CSRF-safe marks, no
secret ever rendered. (The browser tests drive the same pages in Chromium.)"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from service.web.server import make_app
from service.worker.app import open_app
from tests.desk.support import HOSTILE, TOKEN, Desk, build_desk
from tests.feedserver import FeedServer

Client = TestClient[Any, Any]


@pytest.fixture
def desk(feeds: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Desk:
    feeds.route("/down.xml", status=500, body=b"oops")
    return build_desk(
        feeds,
        f"sqlite:///{tmp_path / 'w.db'}",
        tmp_path,
        capsys,
        server=f"server:\n  token: {TOKEN}\n",
        more_sources=(("Broken", feeds.url("/down.xml")),),
    )


@pytest.fixture
async def client(desk: Desk) -> AsyncIterator[Client]:
    app = open_app(str(desk.config))
    try:
        site = make_app(app.db, datetime.now(UTC), lambda: datetime.now(UTC), lambda: app.config)
        async with TestClient(TestServer(site)) as c:
            yield c
    finally:
        app.close()


async def _page(client: Client, url: str, status: int = 200) -> str:
    response = await client.get(url)
    assert response.status == status, url
    return await response.text()


async def _sign_in(client: Client) -> str:
    response = await client.post(
        "/login", data={"token": TOKEN, "next": "/"}, allow_redirects=False
    )
    assert response.status == 303
    page = await _page(client, "/")
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found
    return found.group(1)


async def test_a_hostile_headline_is_shown_as_text_and_a_script_link_is_no_link(
    client: Client,
) -> None:
    page = await _page(client, "/")
    assert "<img/src=x" not in page
    tail = HOSTILE.split("talks ", 1)[1]  # "Quad" is marked: look at the rest
    assert html.escape(tail).replace("&quot;", "&#34;") in page
    assert "javascript:" not in page


async def test_every_answer_carries_a_strict_content_security_policy(client: Client) -> None:
    for url in ("/", "/sources", "/workbench", "/api/stories", "/login"):
        response = await client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_stories_page_shows_reports_matched_terms_and_which_alias_fired(
    client: Client,
) -> None:
    page = await _page(client, "/?theme=jp-kr&since=7d")
    assert "<mark>Kishida</mark> and <mark>Yoon</mark> agree to <mark>normalize</mark>" in page
    assert "<code>@japan</code> (Kishida" in page and "<code>@korea</code>" in page
    summit = await _page(client, "/?q=maritime")
    assert summit.count('class="outlet"') == 2  # Kyodo's and Yonhap's report of one story


async def test_a_bad_filter_says_so_on_the_page(client: Client) -> None:
    page = await _page(client, "/?since=someday")
    assert "2023-05-01" in page and 'role="alert"' in page


async def test_the_sources_page_lists_failing_sources_first_with_the_error_in_words(
    client: Client,
) -> None:
    page = await _page(client, "/sources")
    rows = re.findall(r'<tr class="status-(\w+)">', page)
    assert rows == ["error", "ok", "ok"]
    assert "1 of 3 sources failing" in page
    assert "500" in page


async def test_a_mark_needs_sign_in_and_the_forms_csrf_token(client: Client) -> None:
    story = re.search(r'href="/stories/(\d+)"', await _page(client, "/?q=Rugby")).group(1)  # type: ignore[union-attr]
    url = f"/stories/{story}/marks"
    form = {"theme": "quad", "mark": "missed", "csrf": "0" * 64}
    assert (await client.post(url, data=form, allow_redirects=False)).status == 403
    bad = await client.post("/login", data={"token": "wrong-token-wrong-token"})
    assert bad.status == 401
    csrf = await _sign_in(client)
    assert (await client.post(url, data=form, allow_redirects=False)).status == 403
    foreign = await client.post(
        url,
        data={**form, "csrf": csrf},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert foreign.status == 403
    done = await client.post(
        url, data={**form, "csrf": csrf, "next": f"/stories/{story}"}, allow_redirects=False
    )
    assert done.status == 303
    page = await _page(client, done.headers["Location"])
    assert "Saved: missed" in page and "mark-missed" in page


async def test_sign_in_never_redirects_to_another_site(client: Client) -> None:
    response = await client.post(
        "/login", data={"token": TOKEN, "next": "//evil.example/"}, allow_redirects=False
    )
    assert response.headers["Location"] == "/"
    cookie = response.cookies["wirewatch_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert TOKEN not in cookie.value


async def test_no_page_ever_shows_the_token(client: Client) -> None:
    await _sign_in(client)
    for url in ("/", "/sources", "/workbench?theme=quad", "/login", "/stories/1"):
        assert TOKEN not in await _page(client, url)


async def test_the_workbench_shows_matches_diff_yaml_and_errors_with_their_position(
    client: Client,
) -> None:
    page = await _page(client, "/workbench?theme=quad&since=60d")
    assert "{Quad} OR quadrilateral" in page  # the theme's rule, to start from
    assert 'id="wb-diff"' in page and "+0" in page and "−0" in page
    fragment = await _page(client, "/workbench/results?q=Quad%20AND%20(summit&since=7d")
    assert "E13" in fragment and "at character" in fragment and "<mark>" in fragment
    fragment = await _page(
        client, "/workbench/results?q=%7BQuad%7D%20OR%20Dublin&theme=quad&since=7d"
    )
    assert "+ <a" in fragment and "Rugby" in fragment
    assert (
        "query: &#39;{Quad} OR Dublin&#39;" in fragment or "query: '{Quad} OR Dublin'" in fragment
    )
    assert "no story in this period is marked for this theme yet" in fragment


async def test_an_unknown_story_is_a_404_page(client: Client) -> None:
    assert "No story 424242" in await _page(client, "/stories/424242", status=404)
