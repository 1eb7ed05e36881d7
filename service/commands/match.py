"""`wirewatch match`: does this item match the query or theme, and why (spans)?"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from service.commands.textmark import highlight
from service.config import Config, ConfigError, load_config
from service.domain import Span, link_host, ranges_of
from service.rules import MatchItem, WRLError, compile_query, explain


def _config(path: str | None) -> Config | None:
    """The config for aliases and themes; a plain --query works without one."""
    try:
        return load_config(path)
    except ConfigError as exc:
        if path is None and not Path("config.yaml").exists():
            return None
        print(str(exc), file=sys.stderr)
        raise SystemExit(1) from None
    except FileNotFoundError:
        return None


def _item(args: argparse.Namespace, config: Config | None) -> MatchItem:
    host = link_host(args.url) if args.url else ""
    tags: tuple[str, ...] = ()
    if config and args.feed:
        tags = next(
            (tuple(s.tags) for s in config.sources if s.name.lower() == args.feed.lower()), ()
        )
    return MatchItem(
        title=args.title,
        summary=args.text,
        source=host,
        feed=args.feed or "",
        tags=tags,
        lang=args.lang,
    )


def span_json(span: Span) -> dict[str, Any]:
    return {"field": span.field, "start": span.start, "end": span.end, "text": span.text}


def run(args: argparse.Namespace) -> int:
    config = _config(args.config)
    if args.theme:
        if config is None or args.theme not in {t.id for t in config.themes}:
            known = ", ".join(t.id for t in config.themes) if config else "no config loaded"
            print(f"no theme {args.theme!r} (themes: {known})", file=sys.stderr)
            return 2
        query_text = next(t.query for t in config.themes if t.id == args.theme)
    else:
        query_text = args.query
    try:
        query = compile_query(query_text, config.aliases if config else {})
    except WRLError as exc:
        return report_invalid_query(args, query_text, exc)
    spans = explain(query, _item(args, config))
    matched = spans is not None
    if args.json:
        print(
            json.dumps(
                {"match": matched, "spans": [span_json(s) for s in spans or []]}, ensure_ascii=False
            )
        )
    else:
        _readable(args, matched, spans or [])
    return 0


def report_invalid_query(args: argparse.Namespace, query: str, exc: WRLError) -> int:
    """The error object of PRODUCT.md with --json, else the message and a caret; exit 2."""
    if args.json:
        error = {"code": exc.code, "position": exc.position, "message": exc.message}
        if exc.alias:
            error["alias"] = exc.alias
        print(json.dumps({"error": error}, ensure_ascii=False))
    else:
        print(
            f"error {exc.code}: {exc.message}\n  {query}\n  {' ' * exc.position}^", file=sys.stderr
        )
    return 2


def _readable(args: argparse.Namespace, matched: bool, spans: list[Span]) -> None:
    tty = sys.stdout.isatty()
    print("MATCH" if matched else "NO MATCH")
    for field, text in (("title", args.title), ("summary", args.text)):
        if text:
            own = ranges_of(spans, field)
            print(f"  {field:8} {highlight(text, own, tty)}")
    for s in spans:
        print(f"  matched {s.field}[{s.start}:{s.end}] {s.text!r}")
