"""load_config(): read config.yaml, validate everything, report every problem at once."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .checks import cross_check
from .messages import problems_from_validation
from .models import Config
from .problems import ConfigError, Problem
from .raw import CONFIG_ENV, DATABASE_ENV, LISTEN_ENV
from .rules_bridge import _compile_rules, raw_rule_problems
from .yamlsource import Document, read_yaml_guarded


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Load and validate a config file; raise ConfigError listing every problem found.

    `path` defaults to $WIREWATCH_CONFIG, else ./config.yaml; `env` (default
    os.environ) feeds ${VAR} references and WIREWATCH_DATABASE_URL.
    """
    env = os.environ if env is None else env
    where = Path(path or env.get(CONFIG_ENV) or "config.yaml")
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        hint = f"pass -c FILE or set {CONFIG_ENV}"
        raise ConfigError([Problem(str(where), None, None, "", "file not found", hint)]) from None
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror}"
        raise ConfigError([Problem(str(where), None, None, "", message)]) from None
    return parse_config(raw, file=str(where), env=env, path=where)


def parse_config(
    raw: bytes | str,
    *,
    file: str = "config.yaml",
    env: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> Config:
    """Validate config text as load_config does (handy for tests and `wirewatch check`)."""
    env = os.environ if env is None else env
    data_bytes = raw.encode() if isinstance(raw, str) else raw
    text, problem = _decode(data_bytes, file)
    if problem is not None:
        raise ConfigError([problem])
    document = read_yaml_guarded(text, file, env)
    problems = list(document.problems)
    config = None
    if isinstance(document.data, dict):
        config, more = _validate(document, file, env)
        problems += more
        if config is None:
            problems += raw_rule_problems(document.data, file, document.positions.line_of)
    elif not problems:
        problems.append(_not_a_mapping(document.data, file))
    if problems or config is None:
        raise ConfigError(problems)
    config._path = path if path is not None else Path(file)
    config._positions = document.positions
    config._raw_hash = hashlib.sha256(data_bytes).hexdigest()
    rule_problems = _compile_rules(config, config.line_of, config._compiled)
    if rule_problems:
        raise ConfigError(rule_problems)
    return config


def _validate(
    document: Document, file: str, env: Mapping[str, str]
) -> tuple[Config | None, list[Problem]]:
    data: dict[str, Any] = dict(document.data)
    override = env.get(DATABASE_ENV)
    if override:
        data["database"] = override
        document.from_env.add("database")
    listen = env.get(LISTEN_ENV)
    if listen:
        server = data.get("server")
        data["server"] = {**(server if isinstance(server, dict) else {}), "listen": listen}
        document.from_env.add("server.listen")
    problems = cross_check(data, file, document.positions)
    already = {p.path for p in document.problems}  # e.g. an unset ${VAR}: said once is enough
    try:
        return Config.model_validate(data), problems
    except ValidationError as exc:
        found = problems_from_validation(
            exc, data, file, document.positions, document.from_env, Config
        )
    for item in found:
        if any(p == item.path or p.startswith(item.path + ".") for p in already):
            continue
        if override and item.path == "database":
            item = dataclasses.replace(
                item, line=None, column=None, hint=f"it comes from {DATABASE_ENV}"
            )
        problems.append(item)
    return None, problems


def _decode(raw: bytes, file: str) -> tuple[str, Problem | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = "the file is not UTF-8 text"
        return "", Problem(file, line, None, "", message, "save the file as UTF-8")


def _not_a_mapping(data: Any, file: str) -> Problem:
    if data is None:
        return Problem(file, None, None, "", "the file is empty", "see PRODUCT.md for an example")
    message = "expected a mapping of keys (database:, sources:, themes:, ...) at the top level"
    return Problem(file, 1, 1, "", message)


def load_or_exit(path: str | None) -> Config:
    """The config, or every problem printed and exit status 1."""
    try:
        return load_config(path)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(1) from None
