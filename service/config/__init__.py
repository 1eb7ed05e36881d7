"""Wirewatch configuration: load and validate config.yaml into typed, frozen models.

    config = load_config()            # $WIREWATCH_CONFIG or ./config.yaml
    config.sources[0].interval        # timedelta | None
    config.line_of("themes[3].query") # where to point a person

Every problem in the file is collected and raised together as ConfigError.

The names below load on first use (PEP 562): validating needs pydantic and the rule
compiler (about 0.4 s of start-up), which `wirewatch health` and the raw readers in
`raw.py` never need.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loader import load_config, load_or_exit, parse_config
    from .models import (
        Config,
        Dedup,
        Digest,
        Email,
        Examples,
        Polling,
        Server,
        Slack,
        Source,
        Theme,
        redact_url,
    )
    from .problems import ConfigError, Problem
    from .raw import database_of, listen_of
    from .rules_bridge import _compile_rules
    from .units import parse_clock, parse_duration, parse_size

_RAW = {"database_of", "listen_of"}
_LIGHT = {"ConfigError", "Problem", "parse_clock", "parse_duration", "parse_size"}
_LOADER = {"load_config", "load_or_exit", "parse_config"}
_MODELS = {"Config", "Dedup", "Digest", "Email", "Examples", "Polling", "Server", "Slack"}
_MODELS |= {"Source", "Theme", "redact_url"}

__all__ = [
    "Config",
    "ConfigError",
    "Dedup",
    "Digest",
    "Email",
    "Examples",
    "Polling",
    "Problem",
    "Server",
    "Slack",
    "Source",
    "Theme",
    "_compile_rules",
    "database_of",
    "listen_of",
    "load_config",
    "load_or_exit",
    "parse_clock",
    "parse_config",
    "parse_duration",
    "parse_size",
    "redact_url",
]


def __getattr__(name: str) -> Any:
    # Plain imports, each only when its first name is asked for.
    home: ModuleType
    if name in _RAW:
        from . import raw

        home = raw
    elif name in _LIGHT:
        from . import problems, units

        home = problems if hasattr(problems, name) else units
    elif name in _LOADER:
        from . import loader

        home = loader
    elif name in _MODELS:
        from . import models

        home = models
    elif name == "_compile_rules":
        from . import rules_bridge

        home = rules_bridge
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(home, name)
    globals()[name] = value
    return value
