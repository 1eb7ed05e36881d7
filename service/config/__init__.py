"""Wirewatch configuration: load and validate config.yaml into typed, frozen models.

    config = load_config()            # $WIREWATCH_CONFIG or ./config.yaml
    config.sources[0].interval        # timedelta | None
    config.line_of("themes[3].query") # where to point a person

Every problem in the file is collected and raised together as ConfigError.
"""

from .loader import database_of, listen_of, load_config, load_or_exit, parse_config
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
from .rules_bridge import _compile_rules
from .units import parse_clock, parse_duration, parse_size

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
