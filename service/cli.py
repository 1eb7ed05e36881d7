"""The `wirewatch` command line: parse arguments, call one function, print, exit."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

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
    "outbox": "service.commands.outbox",
    "slack": "service.commands.slack",
}


def _poll(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", metavar="NAME", help="poll only this source")


def _check(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--diff", action="store_true", help="backtest changed themes against the running config"
    )
    p.add_argument("--days", type=int, default=30, help="history for --diff (default 30)")
    p.add_argument("--online", action="store_true", help="also run `slack test`")


def _match(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--query", "-q", metavar="Q")
    group.add_argument("--theme", metavar="ID")
    p.add_argument("--title", default="", metavar="T")
    p.add_argument("--text", default="", metavar="T", help="the summary / teaser")
    p.add_argument("--lang", metavar="L")
    p.add_argument("--url", metavar="U")
    p.add_argument("--feed", metavar="NAME", help="configured source name (for feed: and tag:)")
    p.add_argument("--json", action="store_true")


def _backtest(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--theme", metavar="ID")
    group.add_argument("--query", "-q", metavar="Q")
    p.add_argument("--since", default="30d", help="how far back: 30d, or a date 2023-05-01")
    p.add_argument("--json", action="store_true")


def _digest(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", metavar="N", help="digest name (default: the first)")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--send", action="store_true")
    group.add_argument("--preview", metavar="FILE")


def _sources(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["upgrade"])


def _outbox(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", default="list", choices=["list", "retry", "drop"])
    p.add_argument("ids", nargs="*", type=int, metavar="ID", help="messages (from `outbox list`)")
    p.add_argument("--json", action="store_true")


def _slack(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["test"])
    p.add_argument("--channel", metavar="C", help="post the test message here")


def _demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cycles", type=int, default=3, help="poll cycles (default 3)")
    p.add_argument("--keep", metavar="DIR", help="keep the demo files in DIR")


def _no_options(p: argparse.ArgumentParser) -> None:
    pass


# name: (help, its options); the order is the order of `wirewatch --help`.
OPTIONS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "run": ("the service: polling, alerts, digests, /healthz", _no_options),
    "poll": ("one poll cycle of every (or one) source, then exit", _poll),
    "check": ("validate config, queries and theme examples", _check),
    "match": ("does this item match? why?", _match),
    "backtest": ("run a rule over stored articles", _backtest),
    "digest": ("preview or send a digest now", _digest),
    "sources": ("health of every source", _sources),
    "slack": ("check the Slack set-up and post a test message", _slack),
    "outbox": ("alerts waiting, paused or failed: list, retry or drop them", _outbox),
    "db": ("database maintenance", _db),
    "demo": ("offline demo on bundled outlet snapshots", _demo),
    "health": ("exit 0 when the running service answers /healthz", _no_options),
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
    for name, (text, options) in OPTIONS.items():
        options(subparsers.add_parser(name, parents=[common], help=text))
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
    except Exception as exc:
        message = _user_failure(exc)
        if message is None:
            raise  # a bug: keep its traceback
        print(f"wirewatch {args.command}: {message}", file=sys.stderr)
        return 1


def _user_failure(exc: Exception) -> str | None:
    """One line for a failure the user can fix (the database, the listen address), else
    None. Imported here: most runs never fail, and these modules load SQLAlchemy."""
    from service.commands.errors import CommandError

    if isinstance(exc, CommandError):
        return str(exc)
    from service.store.plain import is_driver_error, last_opened

    if "sqlalchemy" not in sys.modules and not is_driver_error(exc):
        return None
    from service.store.failures import describe

    return describe(exc, last_opened())


if __name__ == "__main__":
    raise SystemExit(main())
