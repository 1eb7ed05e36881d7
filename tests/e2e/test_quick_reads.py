"""`sources` and `outbox list` read a database that needs nothing done on the driver's own
connection, without SQLAlchemy, and show what the ORM's rows say."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from service.clock import iso
from service.store import Database, configs, outbox, pauses, redact_url
from service.store.models import ArticleRow, DeliveryRow, DigestRunRow, SourceRow
from service.store.revisions import head_revision
from tests.e2e.support import Item, cli, rss, write_config
from tests.feedserver import FeedServer

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
QUAD = Item("q1", "Quad foreign ministers meet in Tokyo", "The Quad met on Monday.")


def _service_state(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A polled config (one source ok, one failing), two messages (one failed for good), a
    paused channel and a rejected edit."""
    feeds.route("/kyodo.xml", body=rss([QUAD]))
    feeds.route("/gone.xml", status=404)
    sources = [("Kyodo News", feeds.url("/kyodo.xml")), ("Gone Daily", feeds.url("/gone.xml"))]
    config = write_config(tmp_path, db_url, sources)
    assert cli(capsys, "-c", str(config), "poll")[0] in (0, 1)
    db = Database(db_url)
    try:
        with db.transaction() as session:
            waiting = {"title": "Quad foreign ministers meet in Tokyo"}
            outbox.enqueue(session, NOW, kind="alert", channel="#news", dedup_key="a:1",
                           payload=waiting, theme_id="quad")  # fmt: skip
            failed = outbox.enqueue(session, NOW, kind="alert", channel="#desk", dedup_key="a:2",
                                    payload={"text": "Another"}, theme_id="quad")  # fmt: skip
            assert failed is not None
            outbox.mark_failed(session, failed, "channel_not_found")
            pauses.pause(session, "#news", "not_in_channel", "invite the bot to #news", NOW)
            edited = datetime.now(UTC) + timedelta(minutes=1)  # after the poll applied the config
            configs.record(
                session, "f" * 64, str(config), {"themes": []}, edited, "rejected", "bad"
            )
    finally:
        db.dispose()
    return config


def test_sources_and_outbox_list_show_what_the_rows_hold(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _service_state(feeds, db_url, tmp_path, capsys)
    code, out, _ = cli(capsys, "-c", str(config), "sources", "--json")
    assert code == 0
    shown = {s["name"]: s for s in json.loads(out)}
    db = Database(db_url)
    try:
        with db.transaction() as session:
            rows = {r.name: r for r in session.scalars(select(SourceRow))}
            messages = {r.id: r for r in session.scalars(select(DeliveryRow))}
    finally:
        db.dispose()
    assert list(shown) == ["Kyodo News", "Gone Daily"]
    for name, row in rows.items():
        assert shown[name]["status"] == row.status
        assert shown[name]["last_success"] == iso(row.last_success_at)
        assert shown[name]["failing_since"] == iso(row.failing_since)
        assert shown[name]["last_polled"] == iso(row.last_polled_at)
        assert shown[name]["next_poll"] == iso(row.next_poll_at)
        assert shown[name]["tags"] == row.tags and shown[name]["error_count"] == row.error_count
    assert shown["Kyodo News"]["items"] == 1 and shown["Gone Daily"]["status"] == "error"

    code, out, _ = cli(capsys, "-c", str(config), "sources")
    assert "delivery paused for #news since" in out and "1 waiting: invite the bot" in out
    assert "delivery failed for good: alert to #desk: channel_not_found" in out
    assert "an edit was rejected at" in out and "  bad" in out

    code, out, _ = cli(capsys, "-c", str(config), "outbox", "list", "--json")
    listed = json.loads(out)
    unsent = sorted(i for i, row in messages.items() if row.status != "sent")
    assert [m["id"] for m in listed["messages"]] == unsent and len(unsent) == 2
    for message in listed["messages"]:
        row = messages[message["id"]]
        assert message["status"] == row.status and message["created"] == iso(row.created_at)
    assert listed["messages"][0]["title"] == "Quad foreign ministers meet in Tokyo"
    assert listed["messages"][1]["last_error"] == "channel_not_found"
    assert listed["paused"][0]["channel"] == "#news"
    assert listed["paused"][0]["since"] == iso(NOW)


def _modules_loaded(config: Path, *command: str, cwd: Path | None = None) -> tuple[str, bool]:
    """Run the command line in a fresh interpreter: (stdout, whether SQLAlchemy got imported)."""
    script = (
        "import sys\nfrom service.cli import main\n"
        f"code = main(['-c', {str(config)!r}, *{list(command)!r}])\n"
        "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'NONE', code)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, done.stderr
    out, _, last = done.stdout.rstrip().rpartition("\n")
    assert last.endswith(" 0"), done.stdout + done.stderr
    return out, last.startswith("SQLALCHEMY")


def test_quick_commands_skip_sqlalchemy_once_the_database_is_set_up(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _service_state(feeds, db_url, tmp_path, capsys)
    for command in (["sources"], ["sources", "--json"], ["outbox", "list"]):
        out, loaded = _modules_loaded(config, *command)
        assert not loaded, command
    assert "Kyodo News" in _modules_loaded(config, "sources")[0]


def test_a_source_added_to_the_config_shows_at_once_through_the_full_way(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sources table no longer follows the config: `sources` syncs it, as it always did,
    and the next run is quick again."""
    config = _service_state(feeds, db_url, tmp_path, capsys)
    feeds.route("/yonhap.xml", body=rss([QUAD]))
    text = config.read_text(encoding="utf-8")
    added = f'  - name: "Yonhap"\n    url: {feeds.url("/yonhap.xml")}\n'
    config.write_text(text.replace("sources:\n", "sources:\n" + added), encoding="utf-8")
    out, loaded = _modules_loaded(config, "sources")
    assert loaded and "Yonhap" in out and "pending" in out
    out, loaded = _modules_loaded(config, "sources")
    assert not loaded and "Yonhap" in out
    disabled = config.read_text(encoding="utf-8").replace(
        f"url: {feeds.url('/gone.xml')}\n", f"url: {feeds.url('/gone.xml')}\n    enabled: false\n"
    )
    config.write_text(disabled, encoding="utf-8")
    out, loaded = _modules_loaded(config, "sources")
    assert loaded and "disabled in config" in out


def test_db_upgrade_at_head_says_so_without_sqlalchemy(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, db_url, [])
    code, out, _ = cli(capsys, "-c", str(config), "db", "upgrade")
    assert code == 0 and "upgraded empty database ->" in out
    out, loaded = _modules_loaded(config, "db", "upgrade")
    assert out == f"{redact_url(db_url)}: already at revision {head_revision()}"
    assert loaded == ("?" in db_url)  # a URL with options is read by SQLAlchemy, as before


def test_a_digest_preview_reads_quickly_and_holds_the_periods_stories(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _service_state(feeds, db_url, tmp_path, capsys)
    digests = "digests:\n  - name: morning\n    at: '07:30'\n    to: [desk@example.org]\n"
    config.write_text(config.read_text(encoding="utf-8") + digests, encoding="utf-8")
    preview = tmp_path / "digest.html"
    out, loaded = _modules_loaded(config, "digest", "--preview", str(preview))
    assert not loaded and out.startswith(f"wrote {preview}: Morning digest")
    page = preview.read_text(encoding="utf-8")
    assert "Quad foreign ministers meet in Tokyo" in page and "Kyodo News" in page
    assert "Gone Daily" not in page  # failing for less than a day: not yet worth a line
    assert "Slack delivery paused for #news" in page
    db = Database(db_url)
    try:
        with db.transaction() as session:
            gone = session.scalars(select(SourceRow).where(SourceRow.name == "Gone Daily")).one()
            gone.failing_since = datetime.now(UTC) - timedelta(days=2)
    finally:
        db.dispose()
    _modules_loaded(config, "digest", "--preview", str(preview))
    assert "Gone Daily" in preview.read_text(encoding="utf-8")


def test_digest_send_claims_builds_and_records_its_run_without_sqlalchemy(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each step its own transaction on the driver's connection; two sends within a second
    are two digests (the manual period is kept to the microsecond)."""
    config = _service_state(feeds, db_url, tmp_path, capsys)
    digests = "digests:\n  - name: morning\n    at: '07:30'\n    to: [desk@example.org]\n"
    config.write_text(config.read_text(encoding="utf-8") + digests, encoding="utf-8")
    sent = [_modules_loaded(config, "digest", "--send", cwd=tmp_path) for _ in range(2)]
    assert not any(loaded for _, loaded in sent)
    # The second digest's period begins where the first one's ended: nothing new since.
    for (out, _), stories in zip(sent, (1, 0), strict=True):
        assert out.startswith(f"sent digest morning ({stories} stories) to outbox/morning-manual-")
    emails = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(emails) == 2
    assert "Quad foreign ministers meet in Tokyo" in emails[0].read_text()
    db = Database(db_url)
    try:
        with db.transaction() as session:
            runs = session.scalars(select(DigestRunRow).order_by(DigestRunRow.id)).all()
    finally:
        db.dispose()
    assert [(r.status, r.attempts, r.stories, r.claimed_by) for r in runs] == [
        ("sent", 1, 1, None),
        ("sent", 1, 0, None),
    ]
    assert runs[0].period != runs[1].period and all(r.message_id for r in runs)
    assert all(r.sent_at is not None and r.period_end <= r.sent_at for r in runs)


def test_backtest_reads_history_quickly_with_each_articles_story(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _service_state(feeds, db_url, tmp_path, capsys)
    command = ["backtest", "--query", "quad", "--since", "36500d", "--json"]
    out, loaded = _modules_loaded(config, *command)
    assert not loaded
    (match,) = json.loads(out)["matches"]
    db = Database(db_url)
    try:
        with db.transaction() as session:
            article = session.scalars(select(ArticleRow)).one()
    finally:
        db.dispose()
    assert match["story"] == article.story_id and match["published"] == iso(article.published)
    local = article.published.astimezone(ZoneInfo("Asia/Tokyo"))  # the config's zone
    since = local.strftime("%Y-%m-%d")  # midnight there, before the article
    later = (local + timedelta(days=1)).strftime("%Y-%m-%d")  # the next midnight, after it
    assert (
        len(
            json.loads(_modules_loaded(config, *command[:3], "--since", since, "--json")[0])[
                "matches"
            ]
        )
        == 1
    )
    assert (
        json.loads(_modules_loaded(config, *command[:3], "--since", later, "--json")[0])["matches"]
        == []
    )


def test_outbox_retry_and_drop_change_the_rows_quickly(
    feeds: FeedServer, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _service_state(feeds, db_url, tmp_path, capsys)
    before = datetime.now(UTC)
    out, loaded = _modules_loaded(config, "outbox", "retry")
    assert not loaded and out.startswith("1 failed messages queued again")
    db = Database(db_url)
    try:
        with db.transaction() as session:
            rows = {r.channel: r for r in session.scalars(select(DeliveryRow))}
            (pause,) = pauses.active(session)
    finally:
        db.dispose()
    retried = rows["#desk"]
    assert retried.status == "pending" and retried.attempts == 0 and retried.last_error is None
    assert pause.probe_at >= before - timedelta(seconds=1)  # paused channels tried at once
    out, loaded = _modules_loaded(config, "outbox", "drop", str(retried.id), str(rows["#news"].id))
    assert not loaded and out.startswith("2 messages dropped")
    listed = json.loads(_modules_loaded(config, "outbox", "list", "--json")[0])
    assert listed["messages"] == []
