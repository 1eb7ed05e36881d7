"""Alerts through the real slack-sdk to a local server that answers like Slack."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.worker.app import open_app
from service.worker.wiring import Runtime
from tests.e2e.support import QUAD_HEADLINES, Item, cli, rss, write_config
from tests.feedserver import FeedServer
from tests.slackserver import SlackServer

SUMMARY = (
    "Canada has proposed creating a quadruple cooperation framework with Japan, "
    "South Korea and the United States, the foreign ministry said on Saturday."
)
REPORTS = [
    (
        "Kyodo News",
        "https://english.kyodonews.net/news/2026/11/a1b2-canada-quad.html",
        "Canada proposes quadruple cooperation framework with Japan, S. Korea, US",
    ),
    (
        "The Japan Times",
        "https://www.japantimes.co.jp/news/2026/11/28/canada-quad/?utm_source=rss",
        "Canada proposes quadruple cooperation framework with Japan, South Korea and US",
    ),
    (
        "Japan Today",
        "https://japantoday.com/category/politics/canada-quad?utm_medium=feed&fbclid=x",
        "Canada proposes quadruple cooperation framework with Japan, S Korea, U.S.",
    ),
    (
        "The Mainichi",
        "https://mainichi.jp/english/articles/20261128/p2g/00m/0in/010000c/amp",
        "Canada proposes 'quadruple cooperation framework' with Japan, South Korea, US",
    ),
    (
        "Nikkei Asia",
        "https://asia.nikkei.com/Politics/Canada-quad-framework?gclid=abc",
        "Canada proposes quadruple cooperation framework with Japan, South Korea, U.S.",
    ),
]


def test_the_same_story_from_five_outlets_alerts_once_and_threads_four_followups(
    feeds: FeedServer,
    slack: SlackServer,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sources = []
    for n, (outlet, link, title) in enumerate(REPORTS):
        feeds.route(f"/{n}.xml", body=rss([Item(title, link, SUMMARY)]))
        sources.append((outlet, feeds.url(f"/{n}.xml")))
    config = write_config(tmp_path, db_url, sources, slack_api=slack.api_url)
    for outlet, _, _ in REPORTS:  # outlets publish one after another
        assert cli(capsys, "-c", str(config), "poll", "--source", outlet)[0] == 0
    posted = slack.messages
    top = [m for m in posted if m.thread_ts is None]
    replies = [m for m in posted if m.thread_ts is not None]
    assert len(top) == 1, [m.text for m in top]
    assert "Kyodo" in top[0].text or "quadruple" in top[0].text.lower()
    assert len(replies) == 4
    assert {m.thread_ts for m in replies} == {top[0].ts}


def test_two_different_stories_on_the_same_topic_alert_twice(
    feeds: FeedServer,
    slack: SlackServer,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = Item(
        "Quad foreign ministers to meet in New Delhi",
        "https://example.com/a",
        "The Quad foreign ministers will meet in New Delhi in January to discuss security.",
    )
    second = Item(
        "Quad navies begin Malabar drills off Guam",
        "https://example.com/b",
        "Warships from the Quad countries started the annual Malabar exercise off Guam.",
    )
    feeds.route("/a.xml", body=rss([first]))
    feeds.route("/b.xml", body=rss([second]))
    config = write_config(
        tmp_path,
        db_url,
        [("A", feeds.url("/a.xml")), ("B", feeds.url("/b.xml"))],
        slack_api=slack.api_url,
    )
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    assert len([m for m in slack.messages if m.thread_ts is None]) == 2


def test_a_slack_outage_delays_alerts_and_recovery_delivers_each_once_in_order(
    feeds: FeedServer, slack: SlackServer, sqlite_url: str, tmp_path: Path
) -> None:
    items = [
        Item(f"{title} ({n:02d})", f"https://example.com/{n}", "")
        for n, title in enumerate(QUAD_HEADLINES)
    ]
    feeds.route("/feed.xml", body=rss(items))
    config = write_config(
        tmp_path, sqlite_url, [("Feed", feeds.url("/feed.xml"))], slack_api=slack.api_url
    )
    slack.unavailable_for(3600)

    async def scenario() -> None:
        app = open_app(str(config))
        runtime = Runtime(app, pace=0)
        try:
            outcomes = await runtime.poller.poll_due_once(force=True)
            assert outcomes[0].alerts == 12
            assert await runtime.deliverer.deliver_pending_once() == 0
            slack.recover()
            clock_jump(app, runtime)
            delivered = 0
            for _ in range(10):
                delivered += await runtime.deliverer.deliver_pending_once()
            assert delivered == 12
        finally:
            await runtime.aclose()
            app.close()

    asyncio.run(scenario())
    titles = [m.text for m in slack.messages]
    assert len(titles) == 12
    numbers = [int(re.search(r"\((\d\d)\)", t).group(1)) for t in titles]  # type: ignore[union-attr]
    assert numbers == sorted(numbers)


def clock_jump(app: object, runtime: Runtime) -> None:
    """Move the deliverer's clock past any backoff without sleeping."""
    from datetime import timedelta

    real = runtime.deliverer.now
    runtime.deliverer.now = lambda: real() + timedelta(hours=2)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'w.db'}"


@pytest.mark.parametrize("public_url", [None, "https://desk.example/wirewatch/"])
def test_an_alert_links_to_its_story_on_the_desk_when_public_url_is_set(
    feeds: FeedServer,
    slack: SlackServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    public_url: str | None,
) -> None:
    outlet, link, title = REPORTS[0]
    feeds.route("/k.xml", body=rss([Item(title, link, SUMMARY)]))
    extra = f"server:\n  public_url: {public_url}\n" if public_url else ""
    config = write_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'w.db'}",
        [(outlet, feeds.url("/k.xml"))],
        slack_api=slack.api_url,
        extra=extra,
    )
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    (alert,) = slack.messages
    buttons = [
        element
        for block in alert.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    if public_url is None:
        assert buttons == []
        return
    (button,) = buttons
    assert re.fullmatch(r"https://desk\.example/wirewatch/stories/\d+", button["url"])
    assert button["text"]["text"] == "Open on the desk"


def test_an_alert_says_which_terms_and_which_aliases_of_the_rule_fired(
    feeds: FeedServer, slack: SlackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Kishida and Yoon agree to normalize relations at Seoul summit"
    feeds.route("/k.xml", body=rss([Item(title, "https://kyodo.example/jp-kr", "")]))
    config = write_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'w.db'}",
        [("Kyodo News", feeds.url("/k.xml"))],
        slack_api=slack.api_url,
    )
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    (alert,) = slack.messages
    context = next(b for b in alert.blocks if b["type"] == "context")["elements"][0]["text"]
    assert "matched: Kishida, Yoon, normalize" in context
    assert "via @japan, @korea" in context


SUMMIT_KYODO = Item(
    "Kishida and Yoon hold summit in Tokyo, agree to restore shuttle diplomacy",
    "https://english.kyodonews.net/news/2026/11/summit.html",
    "Japanese Prime Minister Fumio Kishida and South Korean President Yoon Suk Yeol agreed on "
    "Thursday to resume regular leader visits.",
    published=datetime(2026, 11, 28, 6, 0, tzinfo=UTC),
)
SUMMIT_YONHAP = Item(
    "Yoon, Kishida agree to resume shuttle diplomacy at Tokyo summit",
    "https://en.yna.co.kr/view/AEN20261128000300315",
    "South Korea and Japan will restart reciprocal visits by their leaders, Seoul said after "
    "the summit in Tokyo.",
    published=datetime(2026, 11, 28, 8, 0, tzinfo=UTC),
)
EXPORT_TALKS = Item(
    "Japan and South Korea hold talks on export controls, no summit planned",
    "https://en.yna.co.kr/view/AEN20261129000100315",
    "Trade officials from Tokyo and Seoul met in Seoul to discuss lifting export curbs.",
    published=datetime(2026, 11, 29, 12, 0, tzinfo=UTC),
)


def test_two_outlets_own_reports_of_one_summit_alert_once_and_say_who_and_when(
    feeds: FeedServer, slack: SlackServer, db_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    feeds.route("/kyodo.xml", body=rss([SUMMIT_KYODO]))
    feeds.route("/yonhap.xml", body=rss([SUMMIT_YONHAP, EXPORT_TALKS]))
    config = write_config(
        tmp_path,
        db_url,
        [("Kyodo News", feeds.url("/kyodo.xml")), ("Yonhap", feeds.url("/yonhap.xml"))],
        slack_api=slack.api_url,
        extra="digests:\n  - name: morning\n    at: '07:30'\n    to: [desk@example.org]\n",
    )
    assert cli(capsys, "-c", str(config), "poll", "--source", "Kyodo News")[0] == 0
    assert cli(capsys, "-c", str(config), "poll", "--source", "Yonhap")[0] == 0
    top = [m for m in slack.messages if m.thread_ts is None]
    replies = [m for m in slack.messages if m.thread_ts is not None]
    # The export talks are another story on the same topic: their own alert.
    assert sorted(m.text.split(": ", 1)[1][:20] for m in top) == [
        "Japan and South Kore",
        "Kishida and Yoon hol",
    ]
    (reply,) = replies
    assert reply.thread_ts == next(m.ts for m in top if "Kishida and Yoon" in m.text)
    assert "Also reported by Yonhap · 2 h later" in reply.text
    # The digest lists the other outlet's report under the story.
    preview = tmp_path / "digest.html"
    assert cli(capsys, "-c", str(config), "digest", "--preview", str(preview))[0] == 0
    page = preview.read_text()
    assert '&#8627; Yonhap: <a href="https://en.yna.co.kr/view/AEN20261128000300315"' in page
