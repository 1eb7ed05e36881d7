"""What a config file says before it is validated: the database and the listen address.

Kept apart from the validating loader (pydantic and the rule compiler): `wirewatch health`
and a broken file's `sources` read only these, and should not pay for the rest.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .yamlsource import read_yaml_guarded

CONFIG_ENV = "WIREWATCH_CONFIG"
DATABASE_ENV = "WIREWATCH_DATABASE_URL"
LISTEN_ENV = "WIREWATCH_LISTEN"  # e.g. 0.0.0.0:8080 in a container, whatever the file says


def database_of(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> str | None:
    """The database a config file names, read even when the rest of the file is invalid
    (so `wirewatch sources` can still show the running service's state); None if unknown."""
    env = os.environ if env is None else env
    if env.get(DATABASE_ENV):
        return str(env[DATABASE_ENV])
    value = _raw(path, env).get("database")
    return value if isinstance(value, str) and value.strip() else None


def listen_of(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """Where the running service listens, read even from an invalid file (the health check
    must still ask the service, which keeps its last good config)."""
    env = os.environ if env is None else env
    if env.get(LISTEN_ENV):
        return str(env[LISTEN_ENV])
    server = _raw(path, env).get("server")
    value = server.get("listen") if isinstance(server, dict) else None
    return value if isinstance(value, str) and ":" in value else "127.0.0.1:8080"


def _raw(path: str | Path | None, env: Mapping[str, str]) -> dict[str, Any]:
    where = Path(path or env.get(CONFIG_ENV) or "config.yaml")
    try:
        text = where.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    document = read_yaml_guarded(text, str(where), env)
    return document.data if isinstance(document.data, dict) else {}
