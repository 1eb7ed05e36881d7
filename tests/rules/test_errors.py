"""RULES.md §2 and §7: every compile error code, with position, alias and hint."""

from __future__ import annotations

import pytest

from service.rules import WRLError, compile_query, validate_aliases

ALIASES = {
    "japan": ["Japan", "Japanese", "Tokyo"],
    "korea": '"South Korea" OR Seoul',
    "mixed": "Japan AND Tokyo",
    "meta": "lang:ja",
    "nested": ["@mixed"],
    "one": ["日"],
}


def error(query: str, aliases: dict | None = None) -> WRLError:
    with pytest.raises(WRLError) as info:
        compile_query(query, ALIASES if aliases is None else aliases)
    return info.value


@pytest.mark.parametrize(
    ("query", "code", "position"),
    [
        ("Japan Korea", "E1", 6),
        ("Japan (Korea)", "E1", 6),
        ('Japan "South Korea"', "E1", 6),
        ("(Japan OR Korea) summit", "E1", 17),
        ("Japan OR Tokyo AND Seoul", "E2", 15),
        ("Japan AND Tokyo OR Seoul", "E2", 16),
        ("Japan OR Tokyo NOT Seoul", "E2", 15),
        ("Japan NEAR/3 Tokyo AND Seoul", "E2", 19),
        ("Japan AND Tokyo NEAR/3 Seoul", "E2", 16),
        ("Japan and Korea", "E3", 6),
        ("Japan Or Korea", "E3", 6),
        ("Japan AND not Korea", "E3", 10),
        ("Japan near/3 Korea", "E3", 6),
        ("Japan -bike", "E4", 6),
        ("+Japan", "E4", 0),
        ("Japan NEAR Korea", "E5", 6),
        ("Japan NEAR/101 Korea", "E5", 6),
        ("Japan NEAR/x Korea", "E5", 6),
        ("Japan ONEAR/3 Korea", "E5", 6),
        ("(Japan AND Tokyo) NEAR/5 Seoul", "E6", 1),
        ("(Japan NOT Tokyo) NEAR/5 Seoul", "E6", 1),
        ("NOT Japan NEAR/5 Seoul", "E6", 0),
        ("lang:ja NEAR/5 Seoul", "E6", 0),
        ("Japan NEAR/5 Korea NEAR/5 summit", "E7", 19),
        ("*pacific", "E8", 0),
        ("pa*", "E8", 0),
        ("Indo-*", "E8", 0),
        ("*", "E8", 0),
        ("日本*", "E8", 0),
        ('"quad {bike}" OR {Qu*d}', "E8", 17),
        ("日 AND 韓", "E9", 0),
        ('"日"', "E9", 0),
        ("{日本}", "E9", 0),
        ("@japn AND Korea", "E10", 0),
        ("@Japan", "E10", 0),
        ("headline:Quad", "E11", 0),
        ("title: Quad", "E11", 0),
        ("title:summary:Quad", "E11", 6),
        ("title:(summary:Quad)", "E11", 7),
        ("title:lang:ja AND Quad", "E11", 6),
        ("title:(Quad AND lang:ja)", "E11", 16),
        ("title:Quad NEAR/3 summit", "E11", 0),
        ("NOT Quad", "E12", 0),
        ("Quad OR NOT bike", "E12", 0),
        ("NOT (lang:ja AND Quad)", "E12", 0),
        ('"Japan', "E13", 0),
        ("{Quad", "E13", 0),
        ("Quad}", "E13", 4),
        ("(Japan OR Korea", "E13", 0),
        ("Japan OR Korea)", "E13", 14),
        ("()", "E13", 0),
        ('""', "E13", 0),
        ("Japan AND", "E13", 9),
        ("AND Japan", "E13", 0),
        ("Japan AND OR Korea", "E13", 10),
        ("Japan NOT NOT Korea", "E13", 10),
        ("NOT NOT Japan", "E13", 4),
        ("", "E13", 0),
        ("!!!", "E13", 0),
    ],
)
def test_it_rejects_bad_queries_with_code_and_position(
    query: str, code: str, position: int
) -> None:
    err = error(query)
    assert (err.code, err.position) == (code, position), err.message
    assert err.alias is None


def test_e1_suggests_the_phrase() -> None:
    assert 'did you mean "South Korea"?' in error("South Korea AND Japan").message


def test_e2_suggests_parentheses() -> None:
    assert "(Japan OR Tokyo) AND" in error("Japan OR Tokyo AND Seoul").message


def test_e10_suggests_a_close_alias_name() -> None:
    assert '"@japan"' in error("@japn").message


def test_e11_suggests_a_close_field_name() -> None:
    assert "title:" in error("titel:Quad").message


@pytest.mark.parametrize(
    ("query", "code", "alias"),
    [
        ("@mixed NEAR/5 Seoul", "E6", "mixed"),
        ("@nested NEAR/5 Seoul", "E6", "mixed"),
        ("Seoul NEAR/5 @meta", "E6", "meta"),
        ("title:@meta AND Japan", "E11", "meta"),
        ("@one AND Japan", "E9", "one"),
    ],
)
def test_errors_inside_an_alias_name_it_and_point_at_the_reference(
    query: str, code: str, alias: str
) -> None:
    err = error(query)
    assert (err.code, err.alias) == (code, alias)
    assert err.position == query.index("@")
    assert f"@{alias}" in err.message


def test_it_rejects_an_alias_cycle_when_it_is_used() -> None:
    err = error("@a AND x", {"a": "@b OR y", "b": ["@a"]})
    assert err.code == "E10" and "cycle" in err.message


@pytest.mark.parametrize(
    ("aliases", "alias", "position"),
    [
        ({"Bad-Name": ["x"]}, "Bad-Name", 0),
        ({"a": "x OR @missing"}, "a", 5),
        ({"a": ["@b"], "b": "x OR @a"}, None, None),
        ({"self": "x OR @self"}, "self", 5),
    ],
)
def test_validate_aliases_reports_e10(
    aliases: dict, alias: str | None, position: int | None
) -> None:
    with pytest.raises(WRLError) as info:
        validate_aliases(aliases)
    assert info.value.code == "E10"
    if alias is not None:
        assert (info.value.alias, info.value.position) == (alias, position)


@pytest.mark.parametrize(
    ("aliases", "code"),
    [
        ({"a": "x y"}, "E1"),
        ({"a": ['say "hi"']}, "E13"),
        ({"a": ["*x"]}, "E8"),
        ({"a": ["韓"]}, "E9"),
        ({"a": []}, "E10"),
    ],
)
def test_validate_aliases_checks_each_definition(aliases: dict, code: str) -> None:
    with pytest.raises(WRLError) as info:
        validate_aliases(aliases)
    assert (info.value.code, info.value.alias) == (code, "a")


def test_validate_aliases_accepts_a_good_set() -> None:
    good = {k: v for k, v in ALIASES.items() if k != "one"}
    validate_aliases(good | {"both": ["@japan", "@korea", "{ROK}", "normaliz*"]})


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("US AND Japan", "1-2 letter"),
        ("abc* AND Japan", "3 letters"),
        ("Japan NEAR/31 Korea", "NEAR/31"),
        ("@dup", "twice"),
    ],
)
def test_it_warns_about_risky_but_valid_queries(query: str, fragment: str) -> None:
    q = compile_query(query, {"dup": ["Japan", "japan"]})
    assert any(fragment in w for w in q.warnings), q.warnings


def test_a_clean_query_has_no_warnings_and_keeps_its_source() -> None:
    q = compile_query('"South Korea" AND Japan*')
    assert q.warnings == [] and q.source == '"South Korea" AND Japan*'


def test_curly_quotes_are_phrase_quotes() -> None:
    compile_query("\u201cSouth Korea\u201d AND Japan")


def test_e2_names_the_near_operator_as_written() -> None:
    assert "(Japan OR Tokyo) NEAR/5f" in error("Japan OR Tokyo NEAR/5f Seoul").message
