"""`wirewatch digest [--name N] (--send | --preview FILE)`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from service.digest.build import subject
from service.worker.app import digest_sender, open_app


def run(args: argparse.Namespace) -> int:
    app = open_app(args.config)
    try:
        if not app.config.digests:
            print(f"{app.config.path}: no digests configured (see `digests:`)", file=sys.stderr)
            return 2
        sender = digest_sender(app)
        try:
            if args.preview:
                digest, html = sender.preview(args.name)
                Path(args.preview).write_text(html, encoding="utf-8")
                print(f"wrote {args.preview}: {subject(digest)}")
                return 0
            outcome = asyncio.run(sender.send_now(args.name))
        except LookupError as exc:
            print(str(exc.args[0]), file=sys.stderr)
            return 2
    finally:
        app.close()
    if outcome.status == "sent":
        print(f"sent digest {outcome.name} ({outcome.stories} stories) to {outcome.where}")
        return 0
    print(
        f"digest {outcome.name} not sent: {outcome.error} (it will be retried by `wirewatch run`)",
        file=sys.stderr,
    )
    return 1
