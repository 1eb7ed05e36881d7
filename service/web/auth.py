"""Who may write: `server.token` as a bearer token for the API, and a login (a cookie
derived from the token) for the page, with a CSRF token on every form.

No token configured: nothing writes, and the page says so. The cookie and CSRF values
are HMACs of the token, so they change when the token does, and a stolen cookie never
reveals the token itself.
"""

from __future__ import annotations

import hashlib
import hmac

from aiohttp import web

from service.config import Config

COOKIE = "wirewatch_session"


def token_of(config: Config) -> str | None:
    secret = config.server.token
    return secret.get_secret_value() if secret is not None else None


def _derive(token: str, purpose: str) -> str:
    return hmac.new(token.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def session_value(token: str) -> str:
    return _derive(token, "wirewatch page session v1")


def csrf_value(token: str) -> str:
    return _derive(token, "wirewatch page form v1")


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def bearer_status(request: web.Request, token: str | None) -> int | None:
    """None when the request may write; else the HTTP status to refuse it with."""
    if token is None:
        return 403
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not _same(given.strip(), token):
        return 401
    return None


def logged_in(request: web.Request, token: str | None) -> bool:
    return token is not None and _same(request.cookies.get(COOKIE), session_value(token))


def form_allowed(request: web.Request, token: str | None, form_csrf: str | None) -> bool:
    """A page form may write: logged in, the form's CSRF token, and no foreign Origin."""
    if token is None or not logged_in(request, token):
        return False
    origin = request.headers.get("Origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.host:
        return False
    return _same(form_csrf, csrf_value(token))


def token_matches(given: str, token: str | None) -> bool:
    return token is not None and _same(given, token)
