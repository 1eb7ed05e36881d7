"""Bad config files: every problem found at once, with its line, key path and a fix-it."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import ConfigError, Problem, load_config, parse_config

SOURCE = "sources:\n  - name: Kyodo\n    url: https://english.kyodonews.net/rss/news.xml\n"


def problems(text: str, env: dict[str, str] | None = None) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, file="config.yaml", env=env or {})
    return caught.value.problems


def only(text: str, env: dict[str, str] | None = None) -> Problem:
    found = problems(text, env)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def test_a_misspelled_key_gets_a_did_you_mean() -> None:
    problem = only("polling:\n  intervall: 10m\n")
    assert (problem.line, problem.column, problem.path) == (2, 3, "polling.intervall")
    assert problem.hint == "did you mean 'interval'?"
    assert problem.format() == (
        "config.yaml:2:3: polling.intervall: unknown key. Did you mean 'interval'?"
    )


def test_an_unknown_key_with_no_near_match_lists_the_allowed_keys() -> None:
    problem = only(SOURCE + "    colour: red\n")
    assert problem.path == "sources[0].colour"
    assert problem.hint is not None and "tags" in problem.hint


def test_a_bad_duration_says_what_is_expected() -> None:
    problem = only("polling:\n  timeout: 10 minutes\n")
    assert (problem.line, problem.column, problem.path) == (2, 12, "polling.timeout")
    assert "expected a duration like 30s, 10m, 2h" in problem.message
    assert "'10 minutes'" in problem.message


def test_a_zero_polling_interval_is_rejected() -> None:
    assert only("polling:\n  interval: 0\n").message == "must be longer than zero, got '0'"


def test_a_missing_variable_is_named_with_its_line() -> None:
    problem = only("timezone: UTC\ndatabase: ${WW_DB}\n")
    assert problem.line == 2 and problem.path == "database"
    assert "WW_DB" in problem.message and "not set" in problem.message
    assert problem.hint is not None and "${WW_DB:-" in problem.hint


def test_a_malformed_variable_reference_is_reported() -> None:
    problem = only("timezone: ${not valid}\n")
    assert "bad variable reference" in problem.message


def test_a_yaml_syntax_error_gives_line_and_column() -> None:
    problem = only("polling:\n  interval: 10m\n  timeout: [20s\nsources: []\n")
    assert problem.line == 4 and problem.column is not None
    assert problem.message.startswith("invalid YAML")


def test_tabs_get_a_hint() -> None:
    problem = only("polling:\n\tinterval: 10m\n")
    assert problem.line == 2
    assert problem.hint is not None and "spaces" in problem.hint


def test_a_bad_timezone_suggests_the_nearest_name() -> None:
    problem = only("timezone: Asia/Tokio\n")
    assert problem.line == 1 and problem.path == "timezone"
    assert problem.hint == "did you mean 'Asia/Tokyo'?"


def test_duplicate_source_names_are_errors_even_in_other_case() -> None:
    text = SOURCE + "  - name: KYODO\n    url: https://other.example/feed\n"
    problem = only(text)
    assert (problem.line, problem.path) == (4, "sources[1].name")
    assert "first used on line 2" in problem.message


def test_duplicate_theme_ids_and_digest_names_are_errors() -> None:
    text = (
        "themes:\n  - {id: quad, query: q}\n  - {id: quad, query: r}\n"
        "digests:\n  - {name: m, at: '07:30', to: [a@example.org]}\n"
        "  - {name: m, at: '18:00', to: [a@example.org]}\n"
    )
    found = problems(text)
    assert [(p.line, p.path) for p in found] == [(3, "themes[1].id"), (6, "digests[1].name")]


def test_a_digest_naming_an_unknown_theme_gets_a_did_you_mean() -> None:
    text = (
        "themes:\n  - {id: quad, query: q}\n"
        "digests:\n  - name: m\n    at: '07:30'\n    to: [a@example.org]\n    themes: [quadd]\n"
    )
    problem = only(text)
    assert (problem.line, problem.path) == (7, "digests[0].themes[0]")
    assert problem.hint == "did you mean 'quad'?"


def test_slack_without_token_or_webhook_is_an_error() -> None:
    problem = only("slack:\n  channel: '#desk'\n")
    assert problem.path == "slack" and problem.line == 1
    assert "token or a webhook_url" in problem.message


def test_an_unset_slack_token_is_reported_once() -> None:
    problem = only("slack:\n  token: ${SLACK_BOT_TOKEN}\n")
    assert problem.path == "slack.token" and "SLACK_BOT_TOKEN" in problem.message


def test_a_bad_database_url_from_the_environment_is_blamed_on_the_variable() -> None:
    problem = only("timezone: UTC\n", env={"WIREWATCH_DATABASE_URL": "mysql://x:pw@h/db"})
    assert problem.path == "database" and problem.line is None
    assert problem.hint == "it comes from WIREWATCH_DATABASE_URL"
    assert "pw" not in problem.format()


def test_secrets_never_appear_in_errors_or_reprs(tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-very-secret",
        "SMTP_PASSWORD": "hunter2",
        "N": "notanumber",
        "U": "desk-login",
    }
    text = (
        "database: postgresql+psycopg://desk:dbpass@db/ww\n"
        "slack:\n  token: ${SLACK_BOT_TOKEN}\n  max_per_hour: ${N}\n"
        "email:\n  host: smtp.example.org\n  password: ${SMTP_PASSWORD}\n  username: ${U}\n"
        "  from: 'W <w@example.org>'\n  port: ${SMTP_PASSWORD}\n"
        "polling:\n  timeout: forever\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text, env=env)
    report = str(caught.value) + repr(caught.value.problems)
    assert "slack.max_per_hour" in report and "email.port" in report
    for secret in ("xoxb-very-secret", "hunter2", "notanumber", "dbpass"):
        assert secret not in report
    assert "'forever'" in report  # ordinary values are still shown

    good = text.replace("  max_per_hour: ${N}\n", "").replace("  port: ${SMTP_PASSWORD}\n", "")
    config = parse_config(good.replace("forever", "20s"), env=env)
    shown = repr(config) + str(config)
    for secret in ("xoxb-very-secret", "hunter2", "dbpass", "desk-login"):
        assert secret not in shown


def test_every_problem_is_reported_at_once_in_file_order(tmp_path: Path) -> None:
    text = (
        "timezone: Mars/Olympus\n"  # 1
        "polling:\n"  # 2
        "  interval: soon\n"  # 3
        "  concurency: 4\n"  # 4
        "sources:\n"  # 5
        "  - name: A\n"  # 6
        "    url: ftp://a.example/feed\n"  # 7
        "  - name: A\n"  # 8
        "    url: https://a.example/feed\n"  # 9
        "themes:\n"  # 10
        "  - id: Bad Id\n"  # 11
        "    query: x\n"  # 12
        "    priority: urgent\n"  # 13
        "server:\n  listen: localhost\n"  # 14-15
    )
    path = tmp_path / "desk.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    found = caught.value.problems
    assert [(p.line, p.path) for p in found] == [
        (1, "timezone"),
        (3, "polling.interval"),
        (4, "polling.concurency"),
        (7, "sources[0].url"),
        (8, "sources[1].name"),
        (11, "themes[0].id"),
        (13, "themes[0].priority"),
        (15, "server.listen"),
    ]
    assert found[2].hint == "did you mean 'concurrency'?"
    assert all(p.file == str(path) for p in found)
    report = str(caught.value)
    assert report.startswith(f"{path}: 8 problems\n")
    assert f"{path}:13:15: themes[0].priority: expected 'high', 'normal' or 'low'" in report


def test_a_missing_required_key_points_at_its_entry() -> None:
    problem = only("sources:\n  - name: A\n")
    assert (problem.line, problem.path) == (2, "sources[0].url")
    assert problem.message == "missing required key 'url'"


def test_a_duplicate_yaml_key_is_an_error() -> None:
    problem = only("timezone: UTC\ntimezone: Asia/Tokyo\n")
    assert problem.line == 2 and "duplicate key 'timezone' (first on line 1)" in problem.message


def test_a_missing_file_says_how_to_name_another(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml", env={})
    assert caught.value.problems[0].message == "file not found"
    assert "WIREWATCH_CONFIG" in str(caught.value)


def test_an_empty_file_or_a_list_is_not_a_config() -> None:
    assert only("").message == "the file is empty"
    assert "top level" in only("- a\n- b\n").message


def test_anchors_that_explode_are_refused() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    for i in range(1, 8):
        prev = "a" if i == 1 else f"a{i - 1}"
        bomb += f"a{i}: &a{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    assert "more than" in only(bomb).message


def test_an_unknown_alias_in_a_theme_is_a_wrl_error() -> None:
    text = "aliases:\n  japan: [Japan]\nthemes:\n  - id: t\n    query: '@japan AND @koreaa'\n"
    problem = only(text)
    assert (problem.line, problem.path, problem.code) == (5, "themes[0].query", "E10")
    assert "@japan AND @koreaa" in problem.message and "^" in problem.message


def test_a_bad_query_is_reported_with_a_caret() -> None:
    problem = only("themes:\n  - id: t\n    query: South Korea\n")
    assert problem.code == "E1" and problem.line == 3
    assert problem.message.endswith("    South Korea\n          ^")


def test_a_bad_query_is_listed_together_with_problems_in_other_sections() -> None:
    text = (
        "polling:\n  intervall: 10m\n"
        "themes:\n  - id: t\n    name: T\n    query: '@japn AND Korea'\n"
    )
    found = problems(text)
    assert [(p.line, p.path, p.code) for p in found] == [
        (2, "polling.intervall", None),
        (6, "themes[0].query", "E10"),
    ]


def test_smtp_login_over_plaintext_to_another_host_is_refused() -> None:
    text = (
        "email:\n  host: smtp.example.org\n  port: 25\n  security: none\n"
        "  username: desk\n  password: hunter2-secret\n  from: w@example.org\n"
    )
    problem = only(text)
    assert problem.path == "email.security" and problem.line == 4
    assert "unencrypted" in problem.message and "starttls" in (problem.hint or "")
    assert "hunter2-secret" not in problem.format()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_smtp_without_encryption_to_this_machine_is_fine(host: str) -> None:
    text = (
        f"email:\n  host: '{host}'\n  port: 25\n  security: none\n"
        "  username: desk\n  password: pw\n  from: w@example.org\n"
    )
    assert parse_config(text, file="config.yaml", env={}).email is not None


def test_a_webhook_that_is_not_https_is_refused_without_showing_it() -> None:
    secret = "hxxp://hooks.slack.com/services/T000/B000/SECRETSECRET"
    problem = only(f"slack:\n  webhook_url: '{secret}'\n")
    assert problem.path == "slack.webhook_url" and "https://" in problem.message
    assert "SECRETSECRET" not in problem.format()
