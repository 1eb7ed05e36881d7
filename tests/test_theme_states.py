"""Workers starting together record the same new themes without tripping over each other
(a worker used to exit on a unique violation of theme_states at start-up)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from service.store import Database
from service.store import themes as theme_states
from service.store.migrate import upgrade

THEMES = [("quad", "{Quad}"), ("jp-kr", "Japan AND Korea")]
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_workers_starting_together_record_new_themes_once(pg_schema_url: str) -> None:
    db = Database(pg_schema_url)
    upgrade(db)
    inside = threading.Barrier(4)
    failures: list[BaseException] = []

    def start(n: int) -> None:
        try:
            with db.transaction() as session:
                inside.wait(timeout=10)  # every "worker" has read an empty table
                theme_states.record_live(session, THEMES, NOW + timedelta(seconds=n))
        except BaseException as exc:  # noqa: BLE001 (the test reports it)
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    try:
        assert failures == []
        with db.transaction() as session:
            live = theme_states.record_live(session, THEMES, NOW + timedelta(hours=1))
        assert set(live) == {"quad", "jp-kr"}
        assert all(NOW <= when < NOW + timedelta(minutes=1) for when in live.values())
    finally:
        db.dispose()


def test_a_changed_query_keeps_when_the_theme_went_live(database: Database) -> None:
    with database.transaction() as session:
        theme_states.record_live(session, THEMES, NOW)
    with database.transaction() as session:
        live = theme_states.record_live(session, [("quad", "{QUAD}")], NOW + timedelta(days=1))
    assert live["quad"] == NOW
