"""`wirewatch check`: validate the config, its queries and the theme examples."""

from __future__ import annotations

import argparse
import sys

from service.alerts.themes import compile_rules, example_problems
from service.config import Config, ConfigError, load_config


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        print(f"\n{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return 1
    rules = compile_rules(config)
    problems = example_problems(config, rules)
    if problems:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print(f"\n{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    for theme_id, query in rules.compiled.items():
        for warning in query.warnings:
            print(f"warning: theme '{theme_id}': {warning}", file=sys.stderr)
    for warning in _delivery_warnings(config):
        print(f"warning: {warning}", file=sys.stderr)
    if args.diff:
        from service.commands.check_diff import print_diff

        return print_diff(config, rules, days=args.days)
    if args.online:
        from service.commands.slack import report

        if config.slack is not None and report(config) != 0:
            return 1
    n_examples = sum(len(t.examples.match) + len(t.examples.no_match) for t in config.themes)
    print(
        f"{config.path}: OK: {len(config.sources)} sources, {len(config.themes)} themes "
        f"({n_examples} examples agree), {len(config.digests)} digests"
    )
    return 0


def _delivery_warnings(config: Config) -> list[str]:
    """Set-ups that work, but not as the config reads."""
    slack = config.slack
    if slack is None or slack.token is not None:
        return []
    return [
        f"theme '{t.id}': channel {t.channel} cannot be honoured: an incoming webhook posts "
        "only to its own channel (set slack.token, a bot token, to post to each theme's)"
        for t in config.themes
        if t.alert and t.channel
    ]
