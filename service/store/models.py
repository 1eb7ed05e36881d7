"""The tables. Unique constraints make every write idempotent: inserting a row that
exists already is a no-op that reports "not new", which is what keeps restarts and
second workers from alerting twice (ENGINEERING.md, "notify only what storage says is new").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service.store.types import JSONText, UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


SEARCH_INDEX = "articles_search"  # SQLite's FTS5 index of articles (migration 0004)


def is_search_index(name: str | None) -> bool:
    """The FTS5 table and its shadow tables: kept by triggers, not declared as models."""
    return bool(name) and str(name).startswith(SEARCH_INDEX)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SourceRow(Base):
    """A configured feed and its durable poll state (the scheduler keeps none)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    config_url: Mapped[str] = mapped_column(Text)  # as written in config.yaml
    url: Mapped[str] = mapped_column(Text)  # current URL; 301/308 move it
    tags: Mapped[list[str]] = mapped_column(JSONText, default=list)
    lang: Mapped[str | None] = mapped_column(String(35))
    interval_seconds: Mapped[int] = mapped_column(Integer)
    in_config: Mapped[bool] = mapped_column(Boolean, default=True)
    # pending | ok | error | disabled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    error_kind: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    # Scale-out: a worker leases a source before polling it, so only one polls it at a time.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoryRow(Base):
    """One news event, however many outlets reported it."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)  # the first report's headline
    link: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    published: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the page: newest first


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("source_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(512))  # identity within the source
    guid: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    published: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fingerprint: Mapped[str] = mapped_column(String(64))  # title+summary hash: edits
    authors: Mapped[list[str]] = mapped_column(JSONText, default=list)
    tags: Mapped[list[str]] = mapped_column(JSONText, default=list)
    lang: Mapped[str | None] = mapped_column(String(35))
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True
    )
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Stored during backfill (older than polling.backfill): never alerts.
    silent: Mapped[bool] = mapped_column(Boolean, default=False)


class StoryKeyRow(Base):
    """Exact keys of a story (canonical URL, guid): a second outlet with the same key
    joins the story. Unique, so two workers cannot create two stories for one key."""

    __tablename__ = "story_keys"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)


class StoryBandRow(Base):
    """Locality-sensitive hash bands of the text of a story's articles: candidates for
    near-duplicate grouping are looked up here, never by scanning stories."""

    __tablename__ = "story_bands"

    band: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )


class HitRow(Base):
    """A theme matched an article. Unique per (article, theme)."""

    __tablename__ = "hits"
    __table_args__ = (UniqueConstraint("article_id", "theme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True
    )
    theme_id: Mapped[str] = mapped_column(String(100), index=True)
    spans: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    alerted: Mapped[bool] = mapped_column(Boolean, default=False)


class Claimed:
    """Durable delivery state: a row is claimed by one worker (a conditional UPDATE) for a
    lease, then finished as sent, retried later with backoff, or failed."""

    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeliveryRow(Claimed, Base):
    """The outbox: one row per message to deliver, claimed with a conditional UPDATE.

    `dedup_key` is unique ("alert:<story>:<theme>", "followup:<article>:<theme>", ...),
    so one story alerts once per theme whatever restarts or workers do.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # alert | followup | summary | notice
    theme_id: Mapped[str | None] = mapped_column(String(100))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    # A follow-up waits for its alert's Slack ts, to reply in that thread.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONText)
    # status: pending | held | sending | sent | summarized | failed
    sent_channel: Mapped[str | None] = mapped_column(String(200))
    sent_ts: Mapped[str | None] = mapped_column(String(64))


class DigestRunRow(Claimed, Base):
    """One digest for one period: unique, so a digest is sent once per schedule."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("name", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(32))  # local date, YYYY-MM-DD
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    # status: pending | sending | sent | skipped | failed
    message_id: Mapped[str | None] = mapped_column(Text)
    stories: Mapped[int] = mapped_column(Integer, default=0)


class ThemeStateRow(Base):
    """When each theme went live, so a theme added by an edit starts quietly."""

    __tablename__ = "theme_states"

    theme_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConfigVersionRow(Base):
    """Every config the service applied, and what changed."""

    __tablename__ = "config_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    path: Mapped[str] = mapped_column(Text)
    # aliases and themes only: the rest of the file may hold secrets
    rules: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    # applied | rejected (a bad edit: the service kept the previous config)
    status: Mapped[str] = mapped_column(String(16), default="applied")
    error: Mapped[str | None] = mapped_column(Text)


class MarkRow(Base):
    """The desk's judgement of a story for a theme: relevant, not relevant, or missed (it
    should have matched). One per story and theme; a new mark replaces the old one."""

    __tablename__ = "marks"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    mark: Mapped[str] = mapped_column(String(16))  # relevant | not_relevant | missed
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeliveryPauseRow(Base):
    """A destination Slack refused as a whole (a revoked token: `channel` is "") or one
    channel it refused (the bot is not in it). Messages for it stay queued, in order, until
    a probe succeeds or the config changes; the pause is reported once."""

    __tablename__ = "delivery_pauses"

    channel: Mapped[str] = mapped_column(String(200), primary_key=True)  # "": every channel
    error: Mapped[str] = mapped_column(String(100))  # Slack's error code
    message: Mapped[str] = mapped_column(Text)  # what happened and what to do
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime)
    probe_at: Mapped[datetime] = mapped_column(UTCDateTime)  # one message is tried again then
    probes: Mapped[int] = mapped_column(Integer, default=0)
