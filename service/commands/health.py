"""`wirewatch health`: exit 0 when the running service answers /healthz (Docker HEALTHCHECK)."""

from __future__ import annotations

import argparse
import sys

import httpx

from service.app import load_or_exit


def run(args: argparse.Namespace) -> int:
    config = load_or_exit(args.config)
    host, _, port = config.server.listen.rpartition(":")
    if host in ("0.0.0.0", "::", "[::]", ""):
        host = "127.0.0.1"
    url = f"http://{host}:{port}/healthz"
    try:
        response = httpx.get(url, timeout=5)
    except httpx.HTTPError as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1
    print(f"{response.status_code} {response.text}")
    return 0 if response.status_code == 200 else 1
