"""The `wirewatch` command line: parse arguments, call one function, print, exit."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = {
    "run": "service.commands.run",
    "poll": "service.commands.poll",
    "check": "service.commands.check",
    "match": "service.commands.match",
    "backtest": "service.commands.backtest",
    "digest": "service.commands.digest",
    "sources": "service.commands.sources",
    "db": "service.commands.db",
    "demo": "service.commands.demo",
    "health": "service.commands.health",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirewatch", description="News monitoring and alerting: feeds in, alerts out."
    )
    parser.add_argument(
        "-c", "--config", help="config file (default $WIREWATCH_CONFIG or ./config.yaml)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    # -c is also accepted after the command (`wirewatch check -c FILE`), as people type it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-c", "--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, parents=[common], help=help)

    command("run", help="the service: polling, alerts, digests, /healthz")

    p = command("poll", help="one poll cycle of every (or one) source, then exit")
    p.add_argument("--source", metavar="NAME", help="poll only this source")

    p = command("check", help="validate config, queries and theme examples")
    p.add_argument(
        "--diff", action="store_true", help="backtest changed themes against the running config"
    )
    p.add_argument("--days", type=int, default=30, help="history for --diff (default 30)")

    p = command("match", help="does this item match? why?")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--query", "-q", metavar="Q")
    group.add_argument("--theme", metavar="ID")
    p.add_argument("--title", default="", metavar="T")
    p.add_argument("--text", default="", metavar="T", help="the summary / teaser")
    p.add_argument("--lang", metavar="L")
    p.add_argument("--url", metavar="U")
    p.add_argument("--feed", metavar="NAME", help="configured source name (for feed: and tag:)")
    p.add_argument("--json", action="store_true")

    p = command("backtest", help="run a rule over stored articles")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--theme", metavar="ID")
    group.add_argument("--query", "-q", metavar="Q")
    p.add_argument("--since", default="30d", help="how far back (default 30d)")
    p.add_argument("--json", action="store_true")

    p = command("digest", help="preview or send a digest now")
    p.add_argument("--name", metavar="N", help="digest name (default: the first)")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--send", action="store_true")
    group.add_argument("--preview", metavar="FILE")

    p = command("sources", help="health of every source")
    p.add_argument("--json", action="store_true")

    p = command("db", help="database maintenance")
    p.add_argument("action", choices=["upgrade"])

    p = command("demo", help="offline demo on bundled outlet snapshots")
    p.add_argument("--cycles", type=int, default=3, help="poll cycles (default 3)")
    p.add_argument("--keep", metavar="DIR", help="keep the demo files in DIR")

    command("health", help="exit 0 when the running service answers /healthz")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from service.logs import setup_logging

    setup_logging(verbose=args.verbose)
    module = importlib.import_module(COMMANDS[args.command])
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
