"""Reads (and an operator's small writes) on the database driver's own connection,
without SQLAlchemy.

Importing SQLAlchemy and the ORM takes about 0.3 s, more than all the rest of `wirewatch
sources` or `outbox list`. These reads are written here once, as SQL with `?` placeholders,
and run either on a connection of the driver itself (sqlite3, psycopg) that a quick command
opens (`opened`), or on a session's connection (`on_session`) where SQLAlchemy is loaded
anyway (the worker, the pages, a command's first run that has to migrate).
Values come back as the driver gives them, so both ways convert them alike.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.store.revisions import head_revision
from service.store.source_specs import Followed, SourceSpec, in_step

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Row = tuple[Any, ...]
CLAIMED = ("sending", "posting")  # a worker is sending it right now
QUEUED = ("pending", *CLAIMED)  # not yet sent nor given up
WAITING = ("pending", "held", *CLAIMED)  # the same, and what the hourly limit holds back
SQLITE_BUSY_TIMEOUT_S = 30.0
SCAN_BATCH = 1000  # rows fetched at a time when streamed
_OPENED: list[str] = []  # the URL of the last database opened, to name it in errors


def remember(url: str) -> None:
    _OPENED[:] = [url]


def last_opened() -> str | None:
    return _OPENED[-1] if _OPENED else None


def normalize_url(url: str) -> str:
    """Accept plain postgresql:// URLs and give them the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_driver_error(exc: BaseException) -> bool:
    """An error of sqlite3 or psycopg themselves (a read on the driver's own connection)."""
    return isinstance(exc, sqlite3.Error) or type(exc).__module__.startswith("psycopg")


Execute = Callable[[str, tuple[Any, ...]], list[Row]]
Stream = Callable[[str, tuple[Any, ...]], Iterator[Row]]
Change = Callable[[str, tuple[Any, ...]], int]


class Reader:
    """SQL with `?` placeholders, run on one connection (its dialect's placeholders)."""

    def __init__(
        self,
        execute: Execute,
        dialect: str,
        stream: Stream | None = None,
        change: Change | None = None,
    ):
        self._execute = execute
        self._stream = stream
        self._change = change
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def rows(self, sql: str, *params: Any) -> list[Row]:
        return self._execute(self._sql(sql), params)

    def stream(self, sql: str, *params: Any) -> Iterator[Row]:
        """The rows a batch at a time (tens of thousands of articles stay out of memory)."""
        if self._stream is None:
            return iter(self.rows(sql, *params))
        return self._stream(self._sql(sql), params)

    def change(self, sql: str, *params: Any) -> int:
        """An UPDATE or DELETE; the rows it changed. Only on a connection opened to write."""
        if self._change is None:
            raise RuntimeError("this connection was opened to read")
        return self._change(self._sql(sql), params)

    def time(self, when: datetime) -> Any:
        """A time as a parameter compared with stored times: SQLite holds naive UTC text
        in SQLAlchemy's format, PostgreSQL a timestamptz."""
        if self.dialect == "sqlite":
            naive = when.astimezone(UTC).replace(tzinfo=None)
            return naive.isoformat(sep=" ", timespec="microseconds")
        return when

    def value(self, sql: str, *params: Any) -> Any:
        found = self.rows(sql, *params)
        return found[0][0] if found else None


def on_session(session: Session) -> Reader:
    """A reader inside a session's transaction."""
    conn = session.connection()

    def execute(sql: str, params: tuple[Any, ...]) -> list[Row]:
        return [tuple(row) for row in conn.exec_driver_sql(sql, params).all()]

    def stream(sql: str, params: tuple[Any, ...]) -> Iterator[Row]:
        streamed = conn.execution_options(yield_per=SCAN_BATCH).exec_driver_sql(sql, params)
        return (tuple(row) for row in streamed)

    def change(sql: str, params: tuple[Any, ...]) -> int:
        return int(conn.exec_driver_sql(sql, params).rowcount or 0)

    return Reader(execute, conn.dialect.name, stream, change)


@contextmanager
def opened(url: str, write: bool = False) -> Iterator[Reader | None]:
    """A reader on a connection of the driver itself, in one read-only transaction (with
    `write`, one that commits when the block ends without an error). None when this cannot
    open the database alone (a SQLite file that does not exist yet, a URL with options only
    SQLAlchemy reads): the caller then goes the full way."""
    remember(url)
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path or any(c in path for c in "?%") or path.startswith(("file:", ":memory:")):
            yield None
            return
        if not Path(path).is_file():
            yield None
            return
        conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            # One snapshot for every read; a writer takes the write lock at once (as the
            # service's engine does), so two writers never deadlock upgrading theirs.
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield Reader(
                lambda sql, params: conn.execute(sql, params).fetchall(),
                "sqlite",
                lambda sql, params: iter(conn.execute(sql, params)),
                (lambda sql, params: conn.execute(sql, params).rowcount) if write else None,
            )
            if write:
                conn.execute("COMMIT")
        finally:
            conn.close()
        return
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            import psycopg  # only for PostgreSQL

            with psycopg.connect("postgresql://" + url[len(prefix) :]) as pg:
                pg.read_only = not write

                def execute(sql: str, params: tuple[Any, ...]) -> list[Row]:
                    with pg.cursor() as cur:
                        cur.execute(sql, params)
                        return [tuple(row) for row in cur.fetchall()]

                def stream(sql: str, params: tuple[Any, ...]) -> Iterator[Row]:
                    with pg.cursor(name="wirewatch_scan") as cur:  # server-side: streamed
                        cur.itersize = SCAN_BATCH
                        cur.execute(sql, params)
                        yield from (tuple(row) for row in cur)

                def change(sql: str, params: tuple[Any, ...]) -> int:
                    with pg.cursor() as cur:
                        cur.execute(sql, params)
                        return int(cur.rowcount)

                yield Reader(execute, "postgresql", stream, change if write else None)
                if write:
                    pg.commit()
                else:
                    pg.rollback()
            return
    yield None


def utc(value: Any) -> datetime | None:
    """A time as the driver returns it (SQLite: naive UTC text; PostgreSQL: aware)."""
    if value is None:
        return None
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(when, datetime):
        raise TypeError(f"not a time: {value!r}")
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def revision(reader: Reader) -> str | None:
    """The schema revision Alembic recorded; None for a database never migrated."""
    if reader.dialect == "postgresql":
        table = reader.value("SELECT to_regclass('alembic_version')")
    else:
        table = reader.value(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        )
    if table is None:
        return None
    found = reader.value("SELECT version_num FROM alembic_version")
    return None if found is None else str(found)


def at_head(reader: Reader) -> bool:
    return revision(reader) == head_revision()


# Sources


@dataclass(frozen=True)
class SourceFacts:
    """A source row as `sources` and the desk's page show it."""

    id: int
    name: str
    url: str
    config_url: str
    tags: list[str]
    status: str
    disabled_reason: str | None
    next_poll_at: datetime | None
    error_count: int
    error_kind: str | None
    last_error: str | None
    failing_since: datetime | None
    last_polled_at: datetime | None
    last_success_at: datetime | None


_SOURCE_COLUMNS = (
    "id, name, url, config_url, tags, status, disabled_reason, next_poll_at, error_count, "
    "error_kind, last_error, failing_since, last_polled_at, last_success_at"
)


def _source(row: Row) -> SourceFacts:
    (id_, name, url, config_url, tags, status, reason, next_poll, errors, kind, error) = row[:11]
    failing, polled, success = (utc(v) for v in row[11:])
    return SourceFacts(
        id_, name, url, config_url, list(_json(tags) or []), status, reason, utc(next_poll),
        int(errors or 0), kind, error, failing, polled, success,
    )  # fmt: skip


def configured_sources(reader: Reader) -> list[SourceFacts]:
    """The sources of the config last applied, in the order they were added."""
    sql = f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE in_config = ? ORDER BY id"
    return [_source(row) for row in reader.rows(sql, True)]


def sources_named(reader: Reader, names: Sequence[str]) -> list[SourceFacts]:
    """The sources of these names, in this order (unknown names left out)."""
    if not names:
        return []
    sql = f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE name IN ({_marks(names)})"
    found = {facts.name: facts for facts in map(_source, reader.rows(sql, *names))}
    return [found[name] for name in names if name in found]


def article_counts(reader: Reader) -> dict[int, int]:
    rows = reader.rows("SELECT source_id, count(*) FROM articles GROUP BY source_id")
    return {source_id: int(count) for source_id, count in rows}


def sources_follow(reader: Reader, specs: Sequence[SourceSpec]) -> bool:
    """Whether the sources table follows these specs already (nothing to sync)."""
    rows = reader.rows(
        "SELECT name, config_url, tags, lang, interval_seconds, in_config, status, "
        "disabled_reason FROM sources"
    )
    current = {
        name: Followed(url, tuple(_json(tags) or ()), lang, seconds, bool(flag), status, reason)
        for name, url, tags, lang, seconds, flag, status, reason in rows
    }
    return in_step(specs, current)


# Deliveries


@dataclass(frozen=True)
class Pause:
    """A channel (or, with channel "", a whole destination) Slack refused."""

    channel: str
    error: str
    message: str
    paused_at: datetime
    probe_at: datetime
    probes: int


def pauses(reader: Reader) -> list[Pause]:
    rows = reader.rows(
        "SELECT channel, error, message, paused_at, probe_at, probes "
        "FROM delivery_pauses ORDER BY paused_at"
    )
    return [
        Pause(channel, error, message, utc(paused), utc(probe), int(probes))  # type: ignore[arg-type]
        for channel, error, message, paused, probe, probes in rows
    ]


def waiting_by_channel(reader: Reader) -> dict[str, int]:
    rows = reader.rows(
        f"SELECT channel, count(*) FROM deliveries WHERE status IN ({_marks(WAITING)}) "
        "GROUP BY channel",
        *WAITING,
    )
    return {channel: int(count) for channel, count in rows}


def count_queued(reader: Reader) -> int:
    """Deliveries not yet sent nor given up: pending, or being sent right now."""
    sql = f"SELECT count(*) FROM deliveries WHERE status IN ({_marks(QUEUED)})"
    return int(reader.value(sql, *QUEUED) or 0)


def recent_failures(reader: Reader, limit: int = 5) -> list[tuple[str, str, str | None]]:
    """(kind, channel, error) of the deliveries that failed for good, newest first."""
    rows = reader.rows(
        "SELECT kind, channel, last_error FROM deliveries WHERE status = ? "
        "ORDER BY id DESC LIMIT ?",
        "failed",
        limit,
    )
    return [(kind, channel, error) for kind, channel, error in rows]


@dataclass(frozen=True)
class Delivery:
    """A message in the outbox as `outbox list` shows it."""

    id: int
    kind: str
    status: str
    channel: str
    theme_id: str | None
    payload: dict[str, Any] | None
    created_at: datetime | None
    next_attempt_at: datetime | None
    attempts: int
    last_error: str | None


def deliveries(reader: Reader, statuses: Sequence[str], limit: int) -> list[Delivery]:
    rows = reader.rows(
        "SELECT id, kind, status, channel, theme_id, payload, created_at, next_attempt_at, "
        f"attempts, last_error FROM deliveries WHERE status IN ({_marks(statuses)}) "
        "ORDER BY id LIMIT ?",
        *statuses,
        limit,
    )
    return [
        Delivery(id_, kind, status, channel, theme, _json(payload), utc(created), utc(next_at),
                 int(attempts or 0), error)
        for id_, kind, status, channel, theme, payload, created, next_at, attempts, error in rows
    ]  # fmt: skip


# Configs


@dataclass(frozen=True)
class ConfigVersion:
    """A config the service applied, or an edit it rejected."""

    path: str
    applied_at: datetime
    error: str | None


def latest_config(reader: Reader, status: str = "applied") -> ConfigVersion | None:
    found = reader.rows(
        "SELECT path, applied_at, error FROM config_versions WHERE status = ? "
        "ORDER BY id DESC LIMIT 1",
        status,
    )
    if not found:
        return None
    path, applied_at, error = found[0]
    return ConfigVersion(path, utc(applied_at), error)  # type: ignore[arg-type]


def rejected_edit(reader: Reader) -> ConfigVersion | None:
    """The last rejected edit, if it came after the config that runs (not yet fixed)."""
    live, rejected = latest_config(reader), latest_config(reader, "rejected")
    if rejected is not None and (live is None or rejected.applied_at > live.applied_at):
        return rejected
    return None


# History: what a rule run over stored articles reads


@dataclass(frozen=True, slots=True)
class ScannedArticle:
    """What a rule run over history looks at and reports, and no more."""

    id: int
    title: str
    summary: str
    link: str
    published: datetime
    story_id: int | None
    lang: str | None
    source: str
    tags: tuple[str, ...]


def count_published_since(reader: Reader, since: datetime) -> int:
    sql = "SELECT count(*) FROM articles WHERE published >= ?"
    return int(reader.value(sql, reader.time(since)) or 0)


def published_since(reader: Reader, since: datetime) -> Iterator[ScannedArticle]:
    """Every article published since `since` with its source's name and tags, oldest
    first, streamed. Plain values, not ORM objects: a backtest reads tens of thousands."""
    sources = {
        id_: (name, tuple(_json(tags) or ()))
        for id_, name, tags in reader.rows("SELECT id, name, tags FROM sources")
    }
    rows = reader.stream(
        "SELECT id, title, summary, link, published, story_id, lang, source_id FROM articles "
        "WHERE published >= ? ORDER BY published, id",
        reader.time(since),
    )
    for id_, title, summary, link, published, story, lang, source_id in rows:
        name, tags = sources.get(source_id, ("", ()))
        when = utc(published)
        assert when is not None  # the column is NOT NULL
        yield ScannedArticle(id_, title, summary, link, when, story, lang, name, tags)


def alerted_articles(reader: Reader, theme_id: str) -> set[int]:
    sql = "SELECT article_id FROM hits WHERE theme_id = ? AND alerted = ?"
    return {article_id for (article_id,) in reader.rows(sql, theme_id, True)}


def marks_of_theme(reader: Reader, theme_id: str, since: datetime) -> dict[int, str]:
    """story id -> mark, for the theme's marked stories published since `since`: a rule can
    only be judged on stories it could have seen."""
    rows = reader.rows(
        "SELECT marks.story_id, marks.mark FROM marks JOIN stories ON stories.id = marks.story_id "
        "WHERE marks.theme_id = ? AND stories.published >= ?",
        theme_id,
        reader.time(since),
    )
    return {story: mark for story, mark in rows}


# Digests: what a period's digest holds


@dataclass(frozen=True)
class DigestHit:
    """A hit found in a digest's period, with its article and the article's outlet."""

    theme_id: str
    story_id: int | None
    spans: list[dict[str, Any]]
    article_id: int
    title: str
    summary: str
    link: str
    lang: str | None
    published: datetime
    first_seen: datetime
    source: str


def hits_in_period(
    reader: Reader, theme_ids: Sequence[str], start: datetime, end: datetime
) -> list[DigestHit]:
    """The hits found in [start, end), oldest first; articles stored silently (backfill)
    are left out."""
    if not theme_ids:
        return []
    rows = reader.rows(
        "SELECT hits.theme_id, hits.story_id, hits.spans, articles.id, articles.title, "
        "articles.summary, articles.link, articles.lang, articles.published, "
        "articles.first_seen, sources.name FROM hits "
        "JOIN articles ON articles.id = hits.article_id "
        "JOIN sources ON sources.id = articles.source_id "
        f"WHERE hits.theme_id IN ({_marks(theme_ids)}) AND hits.created_at >= ? "
        "AND hits.created_at < ? AND articles.silent = ? ORDER BY hits.created_at, hits.id",
        *theme_ids,
        reader.time(start),
        reader.time(end),
        False,
    )
    return [
        DigestHit(theme, story, list(_json(spans) or []), article, title, summary, link, lang,
                  _when(published), _when(first_seen), source)
        for theme, story, spans, article, title, summary, link, lang, published, first_seen,
        source in rows
    ]  # fmt: skip


def _when(value: Any) -> datetime:
    """A time from a NOT NULL column."""
    found = utc(value)
    if found is None:
        raise ValueError("a NOT NULL time column gave NULL")
    return found


def reports_of_stories(
    reader: Reader, story_ids: Sequence[int], end: datetime
) -> dict[int, list[tuple[int, str, str, str]]]:
    """Each story's reports found before `end`, first found first: (article id, outlet,
    headline, link)."""
    found: list[tuple[datetime, int, int, str, str, str]] = []
    for chunk in _chunks(sorted(story_ids)):
        rows = reader.rows(
            "SELECT articles.first_seen, articles.id, articles.story_id, sources.name, "
            "articles.title, articles.link FROM articles "
            "JOIN sources ON sources.id = articles.source_id "
            f"WHERE articles.story_id IN ({_marks(chunk)}) AND articles.first_seen < ?",
            *chunk,
            reader.time(end),
        )
        found += [(_when(seen), id_, story, name, title, link)
                  for seen, id_, story, name, title, link in rows]  # fmt: skip
    out: dict[int, list[tuple[int, str, str, str]]] = {}
    for _, article_id, story_id, name, title, link in sorted(found, key=lambda r: r[:2]):
        out.setdefault(story_id, []).append((article_id, name, title, link))
    return out


def stories_first_seen(reader: Reader, story_ids: Sequence[int]) -> dict[int, datetime]:
    out: dict[int, datetime] = {}
    for chunk in _chunks(sorted(story_ids)):
        sql = f"SELECT id, first_seen FROM stories WHERE id IN ({_marks(chunk)})"
        out.update((story, _when(first)) for story, first in reader.rows(sql, *chunk))
    return out


def hit_times(
    reader: Reader, theme_ids: Sequence[str], start: datetime, end: datetime
) -> list[tuple[str, int | None, datetime]]:
    """(theme, story, found at) of every hit found in [start, end)."""
    if not theme_ids:
        return []
    rows = reader.rows(
        "SELECT theme_id, story_id, created_at FROM hits "
        f"WHERE theme_id IN ({_marks(theme_ids)}) AND created_at >= ? AND created_at < ?",
        *theme_ids,
        reader.time(start),
        reader.time(end),
    )
    return [(theme, story, _when(created)) for theme, story, created in rows]


def failing_sources(reader: Reader, before: datetime) -> list[tuple[str, datetime, str]]:
    """(name, failing since, what fails) of the configured sources failing (or disabled by
    a failure) since before `before`, the longest failing first."""
    rows = reader.rows(
        "SELECT name, failing_since, last_error, status FROM sources WHERE in_config = ? "
        "AND status IN ('error', 'disabled') AND failing_since IS NOT NULL "
        "AND failing_since < ? ORDER BY failing_since",
        True,
        reader.time(before),
    )
    return [(name, _when(since), error or status) for name, since, error, status in rows]


def last_period_end(reader: Reader, name: str, before: datetime) -> datetime | None:
    """Where the last sent (or skipped) digest of this name ended, before `before`."""
    found = reader.value(
        "SELECT max(period_end) FROM digest_runs WHERE name = ? "
        "AND status IN ('sent', 'skipped') AND period_end < ?",
        name,
        reader.time(before),
    )
    return utc(found)


IN_LIST = 500  # ids a statement: under SQLite's and PostgreSQL's parameter limits


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), IN_LIST):
        yield ids[start : start + IN_LIST]


# The outbox, as an operator changes it (`outbox retry`, `outbox drop`)


def requeue(reader: Reader, ids: Sequence[int] | None, now: datetime) -> int:
    """Failed (or given-up) deliveries go back to the queue, due now; `ids` None: all."""
    sql = (
        "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, attempts = 0, "
        "last_error = NULL WHERE status = 'failed'"
    )
    if ids is None:
        return reader.change(sql, reader.time(now))
    return sum(
        reader.change(f"{sql} AND id IN ({_marks(chunk)})", reader.time(now), *chunk)
        for chunk in _chunks(list(ids))
    )


def drop(reader: Reader, ids: Sequence[int]) -> int:
    """Give up on queued or failed deliveries: they are kept, as dropped, never sent."""
    return sum(
        reader.change(
            "UPDATE deliveries SET status = 'dropped', claimed_by = NULL, claimed_until = NULL "
            f"WHERE id IN ({_marks(chunk)}) AND status IN ('pending', 'held', 'failed')",
            *chunk,
        )
        for chunk in _chunks(list(ids))
    )


def probe_now(reader: Reader, now: datetime) -> None:
    """Make every pause due for a probe (someone fixed something and said so)."""
    reader.change("UPDATE delivery_pauses SET probe_at = ?", reader.time(now))
