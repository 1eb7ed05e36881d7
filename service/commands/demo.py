"""`wirewatch demo [--cycles N] [--keep DIR]`: the offline demo, then where its files are."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from service.demo.run import DemoResult, run_demo
from service.demo.server import DemoError


def summary_lines(result: DemoResult) -> list[str]:
    width = max((len(t.name) for t in result.alerts), default=0)
    alerts = [f"{t.name:<{width}}  {t.alerts}" for t in result.alerts]
    busiest = max(result.alerts, key=lambda t: t.alerts, default=None)
    theme = busiest.theme_id if busiest else "ID"
    lines = [
        "━━ summary",
        f"   sources   {result.sources} polled on 127.0.0.1"
        + (f", failing: {', '.join(result.failing)}" if result.failing else ", all ok"),
        f"   articles  {result.articles} stored, grouped into {result.stories} stories",
    ]
    for title, outlets in result.shared:
        lines.append(f"             one story from {', '.join(outlets)}: {title}")
    lines += [
        f"   alerts    {alerts[0] if alerts else 'no themes configured'}",
    ]
    lines += [f"             {line}" for line in alerts[1:]]
    if result.followups:
        lines.append(f"             (+{result.followups} later reports threaded under their alert)")
    lines += [
        f"   digest    {result.preview}",
        f"             {result.digest_subject}",
        f"             open it in a browser: {result.preview.resolve().as_uri()}",
        f"   files     {result.directory} (config.yaml, demo.db) are kept; try:",
        f"             wirewatch -c {result.config} backtest --theme {theme} "
        f"--since {result.history_days}d",
        f"             wirewatch -c {result.config} digest --preview digest.html",
    ]
    return lines


def run(args: argparse.Namespace) -> int:
    # Without --keep the files go to a fresh temporary folder that is NOT deleted: the
    # digest preview is the point of the demo, the current directory may be read-only or a
    # checkout that should not collect stray files, and the kept database lets the user try
    # `backtest` and `digest` on it afterwards. The OS clears its temp folder in time.
    keep = getattr(args, "keep", None)
    directory = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="wirewatch-demo-"))
    cycles = getattr(args, "cycles", 3)
    if cycles < 1:
        print("--cycles must be at least 1", file=sys.stderr)
        return 2
    # The per-poll and per-delivery log events would bury the alerts; -v brings them back.
    events = logging.getLogger("wirewatch")
    level = events.level
    if not getattr(args, "verbose", False):
        events.setLevel(logging.WARNING)
    try:
        result = run_demo(directory, cycles, getattr(args, "config", None), sys.stdout)
    except DemoError as exc:
        print(f"wirewatch demo: {exc}", file=sys.stderr)
        return 1
    finally:
        events.setLevel(level)
    print("\n".join(summary_lines(result)))
    # Every feed is on loopback: a failing one is a bug in the demo or the service.
    return 1 if result.failing else 0
