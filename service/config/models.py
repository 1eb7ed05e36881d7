"""The typed shape of config.yaml (see PRODUCT.md). Unknown keys are errors: usually typos."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, PrivateAttr, model_validator

from .fields import (
    AliasBody,
    ApiUrl,
    Backfill,
    Clock,
    DatabaseUrl,
    EmailAddress,
    Fraction,
    HintedValueError,
    HttpUrl,
    Listen,
    OptionalSecret,
    OptionalText,
    PositiveDuration,
    Sender,
    Size,
    Text,
    ThemeId,
    TimeZone,
)
from .yamlsource import SourceMap

DEFAULT_USER_AGENT = "Wirewatch/1.0 (+https://example.org/wirewatch)"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Polling(_Model):
    interval: PositiveDuration = timedelta(minutes=10)
    timeout: PositiveDuration = timedelta(seconds=20)
    max_bytes: Size = 10_000_000
    concurrency: PositiveInt = 32
    per_host: PositiveInt = 2
    # None means "all": on a first poll every item alerts; zero means none does.
    backfill: Backfill = timedelta(hours=24)
    user_agent: Text = DEFAULT_USER_AGENT


class Source(_Model):
    name: Text
    url: HttpUrl
    interval: PositiveDuration | None = None  # None: polling.interval
    tags: list[Text] = []
    lang: OptionalText = None
    enabled: bool = True


class Examples(_Model):
    match: list[str] = []
    no_match: list[str] = []


class Theme(_Model):
    id: ThemeId
    name: Text
    query: Text
    priority: Literal["high", "normal", "low"] = "normal"
    alert: bool = True
    channel: OptionalText = None  # None: slack.channel
    digest: bool = True
    examples: Examples = Examples()

    @model_validator(mode="before")
    @classmethod
    def _name_defaults_to_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("name") is None and isinstance(data.get("id"), str):
            return {**data, "name": data["id"]}
        return data


class Slack(_Model):
    token: OptionalSecret = None
    webhook_url: OptionalSecret = None
    api_url: ApiUrl = "https://slack.com/api/"
    channel: Text = "#news-alerts"
    max_per_hour: PositiveInt = 30
    # Alerts queued longer than this (an outage, a paused channel) go out as one summary
    # per theme and channel, not one by one.
    summarize_after: PositiveDuration = timedelta(hours=6)

    @model_validator(mode="after")
    def _needs_a_way_to_post(self) -> Slack:
        if self.token is None and self.webhook_url is None:
            raise HintedValueError(
                "slack needs a token or a webhook_url",
                "set SLACK_BOT_TOKEN, or remove the slack: section to print alerts instead",
            )
        return self


class Email(_Model):
    host: Text
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: OptionalText = Field(default=None, repr=False)  # often a secret from ${SMTP_USER}
    password: OptionalSecret = None
    from_: Sender = Field(alias="from")
    timeout: PositiveDuration = timedelta(seconds=30)
    verify: bool = True


class Digest(_Model):
    name: Text
    at: Clock
    timezone: TimeZone | None = None  # filled from the top-level timezone at load
    to: list[EmailAddress] = Field(min_length=1)
    themes: list[str] | None = None  # None: every theme with digest: true
    send_empty: bool = False


class Server(_Model):
    listen: Listen = "127.0.0.1:8080"
    # Where the desk page is reached from outside: Slack alerts link to story pages there.
    public_url: HttpUrl | None = None
    # Writes (feedback marks) need it: a bearer token for the API, a login for the page.
    token: OptionalSecret = None

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])


class Dedup(_Model):
    window: PositiveDuration = timedelta(hours=72)
    threshold: Fraction | None = None


# Sections a user may leave empty (`sources:` with every line commented out).
_EMPTY_MEANS_DEFAULT = ("polling", "sources", "aliases", "themes", "digests", "server", "dedup")


class Config(_Model):
    database: DatabaseUrl = "sqlite:///data/wirewatch.db"
    timezone: TimeZone = "UTC"
    polling: Polling = Polling()
    sources: list[Source] = []
    aliases: dict[str, AliasBody] = {}
    themes: list[Theme] = []
    slack: Slack | None = None  # None: alerts are printed to standard output
    email: Email | None = None  # None: digests are written to ./outbox/
    digests: list[Digest] = []
    server: Server = Server()
    dedup: Dedup = Dedup()

    _path: Path | None = PrivateAttr(default=None)
    _positions: SourceMap = PrivateAttr(default_factory=SourceMap)
    _raw_hash: str = PrivateAttr(default="")
    _compiled: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = {k: v for k, v in data.items() if not (k in _EMPTY_MEANS_DEFAULT and v is None)}
        zone = data.get("timezone", "UTC")
        digests = data.get("digests")
        # A bad top-level zone is reported once, on its own line, not again per digest.
        if isinstance(digests, list) and _is_zone(zone):
            data["digests"] = [
                {**d, "timezone": zone} if isinstance(d, dict) and d.get("timezone") is None else d
                for d in digests
            ]
        return data

    @property
    def path(self) -> Path | None:
        """The file this config was loaded from (None when built in code)."""
        return self._path

    @property
    def raw_hash(self) -> str:
        """sha256 hex of the file's bytes: a reload can tell whether anything changed."""
        return self._raw_hash

    def line_of(self, path: str) -> int | None:
        """The line where `path` ("themes[3]", "themes[3].query") is written, if known."""
        return self._positions.line_of(path)

    def compiled_query(self, theme_id: str) -> Any | None:
        """The compiled WRL query of a theme, when service.rules compiled it at load."""
        return self._compiled.get(theme_id)

    def interval_of(self, source: Source) -> timedelta:
        return source.interval or self.polling.interval

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            yield name, (redact_url(value) if name == "database" else value)


def _is_zone(name: Any) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***, for logs and reprs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[2]}"))
