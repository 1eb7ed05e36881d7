"""What the config says of each source, and what a source row holds once it follows that.

Apart from `store.sources` (SQLAlchemy) so that a quick command can tell, on the driver's
own connection (`store.plain`), that the sources table follows the config already.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.config import Config

DISABLED_IN_CONFIG = "disabled in config"


@dataclass(frozen=True)
class SourceSpec:
    """A source as the config describes it."""

    name: str
    url: str
    interval: timedelta
    tags: tuple[str, ...] = ()
    lang: str | None = None
    enabled: bool = True


def specs_of(config: Config) -> list[SourceSpec]:
    default = config.polling.interval
    return [
        SourceSpec(
            name=s.name,
            url=str(s.url),
            interval=s.interval or default,
            tags=tuple(s.tags),
            lang=s.lang,
            enabled=s.enabled,
        )
        for s in config.sources
    ]


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Followed:
    """The columns of a source row that the config decides."""

    config_url: str
    tags: tuple[str, ...]
    lang: str | None
    interval_seconds: int
    in_config: bool
    status: str
    disabled_reason: str | None


def following(spec: SourceSpec, status: str, disabled_reason: str | None) -> Followed:
    """The config's columns of a row with this status once it follows `spec`: a source the
    config disabled is polled again when the config enables it; one its failures disabled
    stays disabled."""
    if not spec.enabled:
        status, disabled_reason = "disabled", DISABLED_IN_CONFIG
    elif status == "disabled" and disabled_reason == DISABLED_IN_CONFIG:
        status, disabled_reason = "pending", None
    seconds = int(spec.interval.total_seconds())
    return Followed(spec.url, spec.tags, spec.lang, seconds, True, status, disabled_reason)


def in_step(specs: Sequence[SourceSpec], rows: Mapping[str, Followed]) -> bool:
    """Whether making the table follow `specs` would change nothing: every configured
    source has its row, following it already, and no other row counts as configured."""
    wanted = {spec.name: spec for spec in specs}
    if not wanted.keys() <= rows.keys():
        return False
    for name, row in rows.items():
        spec = wanted.get(name)
        if spec is None:
            if row.in_config:
                return False
        elif row != following(spec, row.status, row.disabled_reason):
            return False
    return True
