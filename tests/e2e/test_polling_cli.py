"""The poll command end to end: a real local feed server, the real CLI, a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.support import Item, cli, rss, sources_json, write_config
from tests.feedserver import FeedServer

QUAD_ITEM = Item(
    title="Canada proposes quadruple framework",
    link="https://english.kyodonews.net/news/2026/11/canada-quad.html",
    summary="Canada has proposed creating a quadruple cooperation framework with Japan, "
    "South Korea and the United States",
)
OTHER_ITEM = Item(
    title="Rugby: Brave Blossoms win", link="https://english.kyodonews.net/news/rugby.html"
)


def test_a_poll_alerts_a_matching_story_once_and_a_second_poll_stays_quiet(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds.route("/kyodo.xml", body=rss([QUAD_ITEM, OTHER_ITEM]), etag='"v1"')
    config = write_config(tmp_path, db_url, [("Kyodo News", feeds.url("/kyodo.xml"))])

    code, out, _ = cli(capsys, "-c", str(config), "poll")
    assert code == 0
    assert out.count("Canada proposes quadruple framework") >= 1
    assert "Quad / quadrilateral" in out
    assert "Rugby" not in out.split("SOURCE")[0]

    code, out, _ = cli(capsys, "-c", str(config), "poll")
    assert code == 0
    assert "Canada proposes" not in out
    assert "not_modified" in out
    assert feeds.requests_to("/kyodo.xml")[-1].headers.get("if-none-match") == '"v1"'


def test_a_changed_body_with_the_same_items_never_realerts_after_a_restart(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds.route("/kyodo.xml", body=rss([QUAD_ITEM]))
    config = write_config(tmp_path, db_url, [("Kyodo News", feeds.url("/kyodo.xml"))])
    assert "Canada proposes" in cli(capsys, "-c", str(config), "poll")[1]
    edited = Item(QUAD_ITEM.title + " (update)", QUAD_ITEM.link, QUAD_ITEM.summary)
    feeds.route("/kyodo.xml", body=rss([edited, OTHER_ITEM]))
    code, out, _ = cli(capsys, "-c", str(config), "poll")
    assert code == 0
    assert "(update)" not in out.split("SOURCE")[0]
    row = next(line for line in out.splitlines() if line.startswith("Kyodo News"))
    assert row.split()[2:6] == ["ok", "1", "1", "0"]  # status, new, updated, alerts


def test_a_broken_feed_fails_only_its_own_source_with_a_readable_status(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds.route("/good.xml", body=rss([QUAD_ITEM]))
    feeds.route(
        "/html",
        body=b"<!DOCTYPE html><html><body>Subscribe!</body></html>",
        headers={"Content-Type": "text/html"},
    )
    feeds.route("/gone", status=410)
    feeds.route("/down", status=503, headers={"Retry-After": "120"})
    config = write_config(
        tmp_path,
        db_url,
        [
            ("Good", feeds.url("/good.xml")),
            ("Html", feeds.url("/html")),
            ("Gone", feeds.url("/gone")),
            ("Down", feeds.url("/down")),
        ],
    )
    code, out, _ = cli(capsys, "-c", str(config), "poll")
    assert code == 0
    assert "Canada proposes" in out
    report = sources_json(capsys, config)
    assert report["Good"]["status"] == "ok" and report["Good"]["items"] == 1
    assert report["Html"]["status"] == "error" and report["Html"]["last_error"]
    assert report["Gone"]["status"] == "disabled" and report["Gone"]["next_poll"] is None
    assert report["Down"]["status"] == "error" and report["Down"]["failing_since"]
    assert "503" in report["Down"]["last_error"]
    for source in report.values():
        assert set(source) >= {
            "name",
            "url",
            "status",
            "last_success",
            "last_error",
            "failing_since",
            "items",
            "next_poll",
        }


def test_a_permanent_redirect_moves_the_stored_url_and_a_temporary_one_does_not(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds.route("/new.xml", body=rss([OTHER_ITEM]))
    feeds.redirect("/moved", feeds.url("/new.xml"), status=301)
    feeds.redirect("/detour", feeds.url("/new.xml"), status=302)
    config = write_config(
        tmp_path, db_url, [("Moved", feeds.url("/moved")), ("Detour", feeds.url("/detour"))]
    )
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    report = sources_json(capsys, config)
    assert report["Moved"]["url"] == feeds.url("/new.xml")
    assert report["Detour"]["url"] == feeds.url("/detour")


def test_a_source_removed_from_the_config_stops_polling_and_keeps_its_articles(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds.route("/a", body=rss([QUAD_ITEM]))
    feeds.route("/b", body=rss([OTHER_ITEM]))
    both = [("A", feeds.url("/a")), ("B", feeds.url("/b"))]
    config = write_config(tmp_path, db_url, both)
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    write_config(tmp_path, db_url, both[:1])
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    assert len(feeds.requests_to("/b")) == 1  # not polled again
    assert list(sources_json(capsys, config)) == ["A"]
    code, out, _ = cli(
        capsys, "-c", str(config), "backtest", "--query", "Rugby", "--since", "36500d", "--json"
    )
    assert code == 0
    assert [m["source"] for m in json.loads(out)["matches"]] == ["B"]


def test_an_edit_that_makes_another_theme_match_alerts_that_theme_once(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = Item("Quad ministers meet in Tokyo", "https://example.com/q", "Talks on shipping.")
    feeds.route("/f", body=rss([first]))
    config = write_config(tmp_path, db_url, [("Kyodo News", feeds.url("/f"))])
    out = cli(capsys, "-c", str(config), "poll")[1]
    assert out.count("Quad ministers meet in Tokyo") == 1
    edited = Item(first.title, first.link, "Japan and South Korea also agreed to a thaw.")
    feeds.route("/f", body=rss([edited]))
    out = cli(capsys, "-c", str(config), "poll")[1]
    alerts = out.split("SOURCE")[0]
    assert alerts.count("Quad ministers meet in Tokyo") == 1
    assert "Japan–South Korea normalization" in alerts and "Quad / quadrilateral" not in alerts
    feeds.route("/f", body=rss([Item(first.title, first.link, edited.summary + " Updated.")]))
    assert "Quad ministers" not in cli(capsys, "-c", str(config), "poll")[1].split("SOURCE")[0]


def test_sources_still_shows_the_table_while_the_config_is_broken(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds.route("/kyodo.xml", body=rss([QUAD_ITEM]))
    config = write_config(tmp_path, db_url, [("Kyodo News", feeds.url("/kyodo.xml"))])
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    config.write_text(config.read_text().replace("interval: 10m", "intervall: 10m"))
    code, out, err = cli(capsys, "-c", str(config), "sources")
    assert code == 1
    assert "intervall" in err and "Did you mean 'interval'" in err
    assert "last good config" in out and "Kyodo News" in out and " ok " in out


def test_a_cycle_writes_buffered_source_states_as_it_goes_not_all_at_the_end(
    feeds: FeedServer,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Failures and 304s change only their source's row, so they wait in a buffer; a cycle
    over many sources writes it every STATE_BATCH sources (in statements of FLUSH_ROWS
    rows), and every row still arrives."""
    from service.poll import poller
    from service.store import poll_state

    names = [f"Outlet {n}" for n in range(10)]
    for n in range(10):
        feeds.route(f"/{n}.xml", body=rss([Item(f"Story {n}", f"https://o{n}.example/1")]))
    config = write_config(
        tmp_path, db_url, [(name, feeds.url(f"/{n}.xml")) for n, name in enumerate(names)]
    )
    text = config.read_text().replace("  backfill: all\n", "  backfill: all\n  concurrency: 1\n")
    config.write_text(text)  # one source at a time: the batches are exact
    assert cli(capsys, "-c", str(config), "poll")[0] == 0

    monkeypatch.setattr(poller, "STATE_BATCH", 3)
    monkeypatch.setattr(poll_state, "FLUSH_ROWS", 2)
    written: list[int] = []
    flush = poll_state.PollStateBuffer.flush

    def recording(self: poll_state.PollStateBuffer, db: object) -> int:
        written.append(len(self))
        return flush(self, db)  # type: ignore[arg-type]

    monkeypatch.setattr(poll_state.PollStateBuffer, "flush", recording)
    for n in range(10):
        feeds.route(f"/{n}.xml", status=500, body=b"upstream down")
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    assert written == [3, 3, 3, 1]
    states = sources_json(capsys, config)
    assert [states[name]["error_count"] for name in names] == [1] * 10


def test_sources_are_leased_a_few_hundred_at_a_time_and_each_polled_once(
    feeds: FeedServer,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from service.store import sources

    monkeypatch.setattr(sources, "LEASE_ROWS", 3)  # 10 sources: four lease statements
    names = [f"Outlet {n}" for n in range(10)]
    for n in range(10):
        feeds.route(f"/{n}.xml", body=rss([Item(f"Story {n}", f"https://o{n}.example/1")]))
    config = write_config(
        tmp_path, db_url, [(name, feeds.url(f"/{n}.xml")) for n, name in enumerate(names)]
    )
    assert cli(capsys, "-c", str(config), "poll")[0] == 0
    assert sorted(len(feeds.requests_to(f"/{n}.xml")) for n in range(10)) == [1] * 10
    assert [sources_json(capsys, config)[name]["items"] for name in names] == [1] * 10
    assert cli(capsys, "-c", str(config), "poll")[0] == 0  # every lease was given back
    assert sorted(len(feeds.requests_to(f"/{n}.xml")) for n in range(10)) == [2] * 10
