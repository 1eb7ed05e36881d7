"""YAML text -> plain Python data, remembering where every key and value was written.

PyYAML's `compose` gives nodes with marks; we build the data ourselves instead of
letting the YAML 1.1 resolver guess types. Every plain scalar stays the text the
user typed (only `~`, `null` and an empty value become None), so `at: 07:30` is
"07:30", not the sexagesimal integer 450, and a source named `No` is not False.
Pydantic then converts text to int, bool or float where a field asks for one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem

Position = tuple[int, int]  # 1-based line and column

_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# `$${` is a literal `${`; an unterminated `${` is reported rather than kept as text.
_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_VARIABLE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?", re.DOTALL)
# Anchors let a small file describe a huge tree (the "billion laughs"); a config
# never needs this many nodes.
_MAX_NODES = 200_000


def join_key(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def join_index(parent: str, index: int) -> str:
    return f"{parent}[{index}]"


_COLUMNS = 1 << 20  # a position is kept as one int, line * _COLUMNS + column


@dataclass
class SourceMap:
    """Key path -> where it was written: `keys` for the key (or list item), `values` for
    values that start elsewhere than their key. The config keeps it for as long as it runs
    (to point at a theme's query), so each position is one int, not a tuple: a config of
    10,000 sources keeps 5 MB less."""

    keys: dict[str, int] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)

    def remember(self, path: str, key: Position, value: Position | None = None) -> None:
        self.keys[path] = _packed(key)
        if value is not None and value != key:
            self.values[path] = _packed(value)

    def position(self, path: str, *, value: bool = False) -> Position | None:
        """The position of `path`, else of its nearest ancestor that was written down."""
        while True:
            found = (self.values.get(path) if value else None) or self.keys.get(path)
            if found is not None or not path:
                return divmod(found, _COLUMNS) if found is not None else None
            path = _parent(path)

    def line_of(self, path: str) -> int | None:
        found = self.position(path)
        return found[0] if found else None


def _packed(position: Position) -> int:
    line, column = position
    return line * _COLUMNS + min(column, _COLUMNS - 1)


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


@dataclass
class Document:
    data: Any
    positions: SourceMap
    from_env: set[str]  # paths whose text came (partly) from an environment variable
    problems: list[Problem]


def read_yaml(text: str, file: str, env: Mapping[str, str]) -> Document:
    """Parse `text`; syntax errors, missing variables and duplicate keys become problems."""
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        return Document(None, SourceMap(), set(), [_syntax_problem(exc, file)])
    builder = _Builder(file, env)
    data = builder.build(root, "") if root is not None else None
    return Document(data, builder.positions, builder.from_env, builder.problems)


def _compose(text: str) -> Node | None:
    """The node tree, by libyaml when PyYAML was built with it: 15 times faster than the
    pure-Python parser and with a third less memory (44 -> 3 ms for the shipped config, 31 -> 19
    MB of nodes for one of 10,000 sources). A document libyaml rejects is parsed again by the
    pure-Python parser, whose errors name the offending character (a tab) and its context."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _syntax_problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    message = f"invalid YAML: {problem}"
    if context and context_mark is not None:
        message += f" ({context} on line {context_mark.line + 1})"
    hint = None
    if "'\\t'" in problem:
        hint = "indent with spaces: YAML does not allow tabs"
    elif "mapping values are not allowed" in problem:
        hint = "put quotes around a value that contains ': '"
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return Problem(file, line, column, "", message, hint)


class _Builder:
    def __init__(self, file: str, env: Mapping[str, str]) -> None:
        self.file = file
        self.env = env
        self.positions = SourceMap()
        self.from_env: set[str] = set()
        self.problems: list[Problem] = []
        self._count = 0
        self._active: set[int] = set()

    def build(self, node: Node, path: str) -> Any:
        self._count += 1
        if self._count > _MAX_NODES:
            raise _TooLarge
        if id(node) in self._active:  # an anchor used inside itself
            self._problem(node, path, "an alias refers to the node that contains it")
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                return self._sequence(node, path)
            assert isinstance(node, ScalarNode)
            return self._scalar(node, path)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: MappingNode, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self._merge(value_node, path))
                continue
            if not isinstance(key_node, ScalarNode):
                self._problem(key_node, path, "a key must be plain text")
                continue
            key = key_node.value
            child = join_key(path, key)
            if key in result:
                first = self.positions.line_of(child)
                self._problem(key_node, child, f"duplicate key '{key}' (first on line {first})")
            self.positions.remember(child, _mark(key_node), _mark(value_node))
            result[key] = self.build(value_node, child)
        return {**merged, **result}

    def _merge(self, node: Node, path: str) -> dict[str, Any]:
        """YAML merge key `<<: *defaults`: the merged keys are defaults for this mapping."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in reversed(sources):
            value = self.build(source, path)
            if isinstance(value, dict):
                merged.update(value)
            else:
                self._problem(source, path, "'<<' must merge a mapping")
        return merged

    def _sequence(self, node: SequenceNode, path: str) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            child = join_index(path, index)
            self.positions.remember(child, _mark(item))
            items.append(self.build(item, child))
        return items

    def _scalar(self, node: ScalarNode, path: str) -> str | None:
        if not node.style and node.tag == _NULL_TAG:  # plain: None from PyYAML, "" from libyaml
            return None
        return self._interpolate(node, path)

    def _interpolate(self, node: ScalarNode, path: str) -> str:
        text: str = node.value
        if "${" not in text:
            return text

        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            inner = match.group(1)
            variable = _VARIABLE.fullmatch(inner) if inner is not None else None
            if variable is None:
                self._problem(
                    node,
                    path,
                    f"bad variable reference '{match.group(0)}'",
                    "write ${NAME} or ${NAME:-default}; write $${ for a literal ${",
                )
                return ""
            self.from_env.add(path)
            name, default = variable.group(1), variable.group(2)
            value = self.env.get(name)
            if value:
                return value
            if default is not None:
                return default
            if value is None:
                self._problem(
                    node,
                    path,
                    f"environment variable {name} is not set",
                    f"set {name}, or give a default with ${{{name}:-default}}",
                )
            return ""

        return _REFERENCE.sub(replace, text)

    def _problem(self, node: Node, path: str, message: str, hint: str | None = None) -> None:
        line, column = _mark(node)
        self.problems.append(Problem(self.file, line, column, path, message, hint))


class _TooLarge(Exception):
    pass


def read_yaml_guarded(text: str, file: str, env: Mapping[str, str]) -> Document:
    """`read_yaml`, with the node limit turned into a problem."""
    try:
        return read_yaml(text, file, env)
    except _TooLarge:
        message = f"the document expands to more than {_MAX_NODES} nodes (anchors used in a loop?)"
        return Document(None, SourceMap(), set(), [Problem(file, None, None, "", message)])


def _mark(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)
