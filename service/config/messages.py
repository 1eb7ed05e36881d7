"""Pydantic validation errors -> Problems with a line, a key path and a friendly message."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .problems import Problem
from .yamlsource import SourceMap, join_index, join_key

# Values of these keys are never repeated in a message, nor is anything that came
# from an environment variable: both may be secrets.
_SECRET_KEYS = {"token", "webhook_url", "password", "database", "username"}
_NO_ECHO_TYPES = {"missing", "extra_forbidden", "list_type", "dict_type", "model_type"}

_FIXED_MESSAGES = {
    "missing": "missing required key",
    "extra_forbidden": "unknown key",
    "string_type": "expected text",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "list_type": "expected a list, like [a, b] or one '- item' per line",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
}


def problems_from_validation(
    exc: ValidationError,
    data: Any,
    file: str,
    positions: SourceMap,
    from_env: set[str],
    model: type[BaseModel],
) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        path, node = _path_of(error["loc"], data)
        kind = error["type"]
        # Unknown keys and whole-section errors point at the key; value errors at the value.
        at_key = kind == "extra_forbidden" or isinstance(node, dict)
        position = positions.position(path, value=not at_key)
        line, column = position if position else (None, None)
        message, hint = _describe(error, path, model)
        if _may_echo(error, path, from_env):
            message += f", got {_short(error['input'])}"
        problems.append(Problem(file, line, column, path, message, hint))
    return problems


def _path_of(loc: tuple[int | str, ...], data: Any) -> tuple[str, Any]:
    """Follow `loc` through the input data; parts that name union branches are skipped."""
    path, node = "", data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, dict) and isinstance(part, str) and (part in node or last):
            path, node = join_key(path, part), node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path, node = join_index(path, part), node[part]
    return path, node


def _describe(error: ErrorDetails, path: str, model: type[BaseModel]) -> tuple[str, str | None]:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error" or kind == "assertion_error":
        cause = ctx.get("error")
        return str(cause), getattr(cause, "hint", None)
    if kind == "extra_forbidden":
        return "unknown key", _key_hint(path, model)
    if kind == "missing":
        return f"missing required key '{_last_key(path)}'", None
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}", None
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _bound_message(kind, ctx), None
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)", None
    return _FIXED_MESSAGES.get(kind, error["msg"]), None


def _bound_message(kind: str, ctx: dict[str, Any]) -> str:
    words = {
        "greater_than": ("greater than", "gt"),
        "greater_than_equal": ("at least", "ge"),
        "less_than": ("less than", "lt"),
        "less_than_equal": ("at most", "le"),
    }
    word, key = words[kind]
    return f"must be {word} {ctx.get(key)}"


def _may_echo(error: ErrorDetails, path: str, from_env: set[str]) -> bool:
    if error["type"] in _NO_ECHO_TYPES or path in from_env:
        return False
    if any(part in _SECRET_KEYS for part in _parts(path)):
        return False
    return isinstance(error.get("input"), str | int | float)


def _short(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _last_key(path: str) -> str:
    parts = _parts(path)
    return parts[-1] if parts else path


def _parts(path: str) -> list[str]:
    return [p for p in re.sub(r"\[\d+\]", "", path).split(".") if p]


def _key_hint(path: str, model: type[BaseModel]) -> str | None:
    parts = _parts(path)
    allowed = allowed_keys(model, parts[:-1])
    if not allowed or not parts:
        return None
    close = difflib.get_close_matches(parts[-1], allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(allowed)


def allowed_keys(model: type[BaseModel], parents: list[str]) -> list[str]:
    """The keys the model allows at `parents` (a key path without list indexes)."""
    current: type[BaseModel] | None = model
    for part in parents:
        if current is None:
            return []
        field = _field_named(current, part)
        current = _model_in(field.annotation) if field else None
    if current is None:
        return []
    return [field.alias or name for name, field in current.model_fields.items()]


def _field_named(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside `list[X]`, `X | None` or `Annotated[X, ...]`, if any."""
    for candidate in _walk_types(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _walk_types(annotation: Any) -> Iterator[Any]:
    yield annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            yield from _walk_types(arg)
