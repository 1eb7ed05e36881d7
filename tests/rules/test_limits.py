"""Bounds on queries and aliases: a hostile config or query is rejected at once, with the
bound it broke named in the error, never a RecursionError or minutes of work."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import ConfigError, load_config
from service.rules import WRLError, compile_query, validate_aliases
from service.rules.limits import MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS, MAX_WILDCARDS
from tests.e2e.support import cli


def doubling_aliases(levels: int) -> dict[str, str | list[str]]:
    """a1 names a0 twice, a2 names a1 twice, ...: 2^levels terms once expanded."""
    aliases: dict[str, str | list[str]] = {"a0": ["Quad"]}
    for n in range(1, levels + 1):
        aliases[f"a{n}"] = f"@a{n - 1} OR @a{n - 1}"
    return aliases


def test_a_doubling_alias_chain_is_rejected_naming_the_chain() -> None:
    with pytest.raises(WRLError) as caught:
        compile_query("@a30 AND summit", doubling_aliases(30))
    error = caught.value
    assert error.code == "E10" and "MAX_TERMS" in error.message
    assert "@a30 → @a29 → @a28" in error.message and error.message.count("@a") >= 31


def test_the_alias_that_first_grows_past_the_limit_is_named_when_aliases_are_checked() -> None:
    with pytest.raises(WRLError) as caught:
        validate_aliases(doubling_aliases(30))
    first_too_big = next(n for n in range(31) if 2**n > MAX_TERMS)
    assert caught.value.alias == f"a{first_too_big}"


def test_a_chain_just_under_the_limit_still_compiles() -> None:
    levels = MAX_TERMS.bit_length() - 1  # 2**levels <= MAX_TERMS
    assert compile_query(f"@a{levels}", doubling_aliases(levels)).source == f"@a{levels}"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 5000])
def test_deep_parentheses_are_an_error_not_a_crash(depth: int) -> None:
    with pytest.raises(WRLError) as caught:
        compile_query("(" * depth + "Quad" + ")" * depth)
    assert caught.value.code == "E13" and "MAX_DEPTH" in caught.value.message


def test_parentheses_as_deep_as_the_limit_are_fine() -> None:
    compile_query("(" * MAX_DEPTH + "Quad" + ")" * MAX_DEPTH)


def test_a_long_chain_of_aliases_counts_as_depth() -> None:
    aliases: dict[str, str | list[str]] = {"a0": ["Quad"]}
    for n in range(1, 100):
        aliases[f"a{n}"] = f"@a{n - 1}"
    with pytest.raises(WRLError, match="MAX_DEPTH"):
        compile_query("@a99", aliases)


def test_an_overlong_query_is_refused_before_it_is_read() -> None:
    with pytest.raises(WRLError) as caught:
        compile_query(" OR ".join(["Quad"] * (MAX_QUERY_CHARS // 4)))
    assert caught.value.code == "E13" and "MAX_QUERY_CHARS" in caught.value.message


def test_a_term_with_too_many_wildcards_is_e8() -> None:
    compile_query("abc" + "*a" * MAX_WILDCARDS)
    with pytest.raises(WRLError) as caught:
        compile_query("abc" + "*a" * (MAX_WILDCARDS + 1))
    assert caught.value.code == "E8" and "MAX_WILDCARDS" in caught.value.message


def _config(tmp_path: Path, query: str, aliases: dict[str, str | list[str]] | None = None) -> Path:
    lines = [f"database: sqlite:///{tmp_path / 'db.sqlite'}", "sources: []"]
    if aliases:
        lines.append("aliases:")
        lines += [
            f"  {k}: {v!r}" if isinstance(v, str) else f"  {k}: {v}" for k, v in aliases.items()
        ]
    lines += ["themes:", "  - id: t", "    name: T", f"    query: {query!r}"]
    path = tmp_path / "config.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_check_reports_the_alias_bomb_as_config_problems(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(str(_config(tmp_path, "@a30 AND summit", doubling_aliases(30))))
    paths = {p.path for p in caught.value.problems}
    assert {"themes[0].query"} <= paths and any(p.startswith("aliases.") for p in paths)


@pytest.mark.parametrize("command", [["check"], ["sources"], ["match", "--theme", "t"]])
def test_every_command_reports_deep_nesting_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    config = _config(tmp_path, "(" * 500 + "Quad" + ")" * 500)
    try:
        code, _, err = cli(capsys, "-c", str(config), *command)
    except SystemExit as exited:  # a command that stops at the config error
        code, err = int(str(exited.code)), capsys.readouterr().err
    assert code == 1
    assert "MAX_DEPTH" in err and "Traceback" not in err


def test_match_reports_a_deep_query_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "match", "-q", "(" * 500 + "Quad" + ")" * 500, "--json")
    assert code == 2 and '"code": "E13"' in out
