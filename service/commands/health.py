"""`wirewatch health`: exit 0 when the running service answers /healthz (Docker HEALTHCHECK)."""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request

from service.config import listen_of


def run(args: argparse.Namespace) -> int:
    # Not the validated config: a rejected edit must not stop the check asking the service,
    # which runs its last good config and says so in /healthz.
    host, _, port = listen_of(args.config).rpartition(":")
    if host in ("0.0.0.0", "::", "[::]", ""):
        host = "127.0.0.1"
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:  # an answer, but not 200: say what it was
        status, body = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1
    print(f"{status} {body.decode('utf-8', 'replace')}")
    return 0 if status == 200 else 1
