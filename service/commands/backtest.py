"""`wirewatch backtest (--theme ID | --query Q) [--since 30d] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from service.alerts.backtest import BacktestResult, backtest
from service.alerts.themes import compile_rules
from service.clock import SystemClock, iso, local_time
from service.commands.match import report_invalid_query, span_json
from service.commands.progress import Progress
from service.commands.reading import reading
from service.commands.textmark import highlight
from service.config import load_or_exit
from service.desk.agreement import agreement
from service.desk.period import parse_since
from service.domain import ranges_of
from service.rules import WRLError, compile_query
from service.store import plain


def run(args: argparse.Namespace) -> int:
    config = load_or_exit(args.config)
    themes = compile_rules(config).themes
    try:
        since = parse_since(args.since, SystemClock().now(), config.timezone)
    except ValueError as exc:
        print(f"--since: {exc}", file=sys.stderr)
        return 2
    if args.theme and args.theme not in themes:
        print(f"no theme {args.theme!r} (themes: {', '.join(themes)})", file=sys.stderr)
        return 2
    query_text = themes[args.theme].query if args.theme else args.query
    try:
        query = compile_query(query_text, config.aliases)
    except WRLError as exc:
        return report_invalid_query(args, query_text, exc)
    with reading(args, config) as reader:
        bar = None if args.json else Progress("backtest")
        result = backtest(reader, query, since, config.timezone, args.theme, bar)
        marks = plain.marks_of_theme(reader, args.theme, since) if args.theme else {}
    judged = agreement({m.story for m in result.matches if m.story}, marks) if marks else None
    if args.json:
        body = to_json(result, args.theme, query_text)
        body["marks"] = judged.to_json() if judged else None
        print(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        print(readable(result, args.theme, query_text, config.timezone))
        if judged:
            print(
                f"against the desk's {len(marks)} marks for '{args.theme}': it {judged.sentence()}"
            )
    return 0


def to_json(result: BacktestResult, theme: str | None, query: str) -> dict[str, Any]:
    return {
        "theme": theme,
        "query": query,
        "since": iso(result.since),
        "scanned": result.scanned,
        "stories": result.stories,
        "per_day": dict(sorted(result.per_day.items())),
        "matches": [
            {
                "title": m.title,
                "link": m.link,
                "source": m.source,
                "published": iso(m.published),
                "story": m.story,
                "spans": [span_json(s) for s in m.spans],
                "alerted": m.alerted,
            }
            for m in result.matches
        ],
    }


def readable(result: BacktestResult, theme: str | None, query: str, zone: str) -> str:
    tty = sys.stdout.isatty()
    if not result.matches:
        return (
            f"{'theme ' + theme if theme else 'query'}: {query}\n"
            f"no matches: none of the {result.scanned} articles stored since "
            f"{local_time(result.since, zone)} match"
            + ("" if result.scanned else " (none were stored in that period)")
        )
    lines = [
        f"{'theme ' + theme if theme else 'query'}: {query}",
        f"{len(result.matches)} of {result.scanned} articles since "
        f"{local_time(result.since, zone)} match, in {result.stories} stories",
    ]
    if result.per_day:
        top = max(result.per_day.values())
        for day, count in sorted(result.per_day.items()):
            lines.append(f"  {day} {'█' * max(1, round(20 * count / top))} {count}")
    by_story: dict[int, list[Any]] = {}
    for m in result.matches:
        by_story.setdefault(m.story or -m.article_id, []).append(m)
    for members in by_story.values():
        first = members[0]
        title_spans = ranges_of(first.spans, "title")
        mark = " (alerted)" if any(m.alerted for m in members) else ""
        outlets = ", ".join(dict.fromkeys(m.source for m in members))
        lines.append(f"- {highlight(first.title, title_spans, tty)}{mark}")
        lines.append(f"    {outlets} · {local_time(first.published, zone)} · {first.link}")
    if theme:
        alerted = sum(any(m.alerted for m in ms) for ms in by_story.values())
        lines.append(
            f"{alerted} of these {len(by_story)} stories alerted for '{theme}'; the others "
            "were stored silently (backfill), found before the theme went live, or matched "
            "only under the current rule"
        )
    return "\n".join(lines)
