"""Checks across entries: names that must be unique, references that must resolve.

They run on the parsed YAML data, not on the validated models, so they are
reported even when some other part of the file is invalid.
"""

from __future__ import annotations

import difflib
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from .problems import Problem
from .yamlsource import SourceMap, join_index, join_key


def cross_check(data: dict[str, Any], file: str, positions: SourceMap) -> list[Problem]:
    problems = _duplicates(data, "sources", "name", "source name", file, positions, fold=True)
    problems += _duplicates(data, "themes", "id", "theme id", file, positions)
    problems += _duplicates(data, "digests", "name", "digest name", file, positions)
    problems += _digest_themes(data, file, positions)
    problems += _credentials_in_the_clear(data, file, positions)
    problems += _weak_server_token(data, file, positions)
    return problems


MIN_TOKEN_CHARS = 16


def _weak_server_token(data: dict[str, Any], file: str, positions: SourceMap) -> list[Problem]:
    """A short server.token can be guessed, and it is what lets a page visitor write."""
    server = data.get("server")
    token = server.get("token") if isinstance(server, dict) else None
    if not isinstance(token, str) or not token.strip() or len(token) >= MIN_TOKEN_CHARS:
        return []
    path = "server.token"
    return [
        Problem(
            file,
            positions.line_of(path),
            None,
            path,
            f"server.token is too short to keep writes safe (under {MIN_TOKEN_CHARS} characters)",
            "generate one, e.g. `openssl rand -hex 24`, and pass it as ${WIREWATCH_TOKEN}",
        )
    ]


def _credentials_in_the_clear(
    data: dict[str, Any], file: str, positions: SourceMap
) -> list[Problem]:
    """Secrets that would cross the network unencrypted. The values are never quoted:
    they are secrets."""
    problems = []
    email = data.get("email")
    if isinstance(email, dict) and email.get("security") == "none":
        host = str(email.get("host") or "")
        if (email.get("username") or email.get("password")) and not _loopback(host):
            path = "email.security"
            problems.append(
                Problem(
                    file,
                    positions.line_of(path),
                    None,
                    path,
                    f"security: none would send the SMTP username and password to {host} "
                    "unencrypted",
                    "use security: starttls (port 587) or security: tls (port 465); "
                    "`none` is only for a relay on this machine (localhost)",
                )
            )
    slack = data.get("slack")
    webhook = slack.get("webhook_url") if isinstance(slack, dict) else None
    if isinstance(webhook, str) and webhook.strip() and not _private(webhook):
        path = "slack.webhook_url"
        problems.append(
            Problem(
                file,
                positions.line_of(path),
                None,
                path,
                "webhook_url must be an https:// URL: the URL itself is the secret that "
                "lets anyone post to the channel (plain http is only for this machine)",
                "copy the URL from your Slack app's Incoming Webhooks page; it starts with "
                "https://hooks.slack.com/services/",
            )
        )
    return problems


def _loopback(host: str) -> bool:
    host = host.strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _private(url: str) -> bool:
    """An https URL, or plain http to this machine (a local relay or test server)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    return bool(host) and (scheme == "https" or (scheme == "http" and _loopback(host)))


def _entries(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(section)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _duplicates(
    data: dict[str, Any],
    section: str,
    key: str,
    what: str,
    file: str,
    positions: SourceMap,
    *,
    fold: bool = False,
) -> list[Problem]:
    """Report every repeat of a name; `fold` compares case-insensitively (feed: does too)."""
    first_seen: dict[str, str] = {}
    problems = []
    for index, entry in _entries(data, section):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        norm = value.strip().casefold() if fold else value
        path = join_key(join_index(section, index), key)
        if norm not in first_seen:
            first_seen[norm] = path
            continue
        line, column = positions.position(path, value=True) or (None, None)
        first_line = positions.line_of(first_seen[norm])
        message = f"duplicate {what} '{value}'"
        if first_line is not None:
            message += f" (first used on line {first_line})"
        problems.append(Problem(file, line, column, path, message, f"give each {what} once"))
    return problems


def _digest_themes(data: dict[str, Any], file: str, positions: SourceMap) -> list[Problem]:
    ids = [str(e["id"]) for _, e in _entries(data, "themes") if isinstance(e.get("id"), str)]
    problems = []
    for index, digest in _entries(data, "digests"):
        wanted = digest.get("themes")
        if not isinstance(wanted, list):
            continue
        for j, theme in enumerate(wanted):
            if not isinstance(theme, str) or theme in ids:
                continue
            path = join_index(join_key(join_index("digests", index), "themes"), j)
            line, column = positions.position(path, value=True) or (None, None)
            close = difflib.get_close_matches(theme, ids, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else _known(ids)
            problems.append(Problem(file, line, column, path, f"unknown theme '{theme}'", hint))
    return problems


def _known(ids: list[str]) -> str:
    return "known themes: " + ", ".join(ids) if ids else "there are no themes: add some"
