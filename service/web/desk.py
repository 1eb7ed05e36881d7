"""The desk page (`/`, `/stories/{id}`, `/sources`, `/workbench`) and its JSON API
(`/api/stories`, `/api/try`, `POST /api/stories/{id}/marks`, PRODUCT.md). Both call the
same functions in service.desk; this module only reads requests and renders answers.
Database work runs off the event loop: polling and alerting share it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from typing import Any

from aiohttp import web

from service.alerts.why import Why
from service.config import Config
from service.desk import sources as desk_sources
from service.desk.period import parse_since
from service.desk.stories import DeskStory, StoryFilter, list_stories, one_story
from service.desk.workbench import Tried, try_query
from service.domain import ranges_of
from service.store import Database, plain
from service.store import desk as desk_repo
from service.store import marks as mark_repo
from service.web import auth
from service.web.render import render

TRY_SINCE = "7d"  # the workbench's default period: answers as you type
SHOWN = 10  # stories listed per side of a diff
SHOWN_MATCHES = 200  # articles listed on the page; the API gives every one
PAGE_LIMIT = 50
STATIC = {"desk.css": "text/css", "desk.js": "text/javascript"}
SECURITY_HEADERS = {
    # Everything is served from here; no inline script can run, no other site can frame us.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class BadRequest(ValueError):
    """A filter or body the desk cannot use; its message says what was expected."""


@dataclass(frozen=True)
class Filters:
    story: StoryFilter
    since_text: str
    q: str


def _param(request: web.Request, name: str) -> str:
    return request.query.get(name, "").strip()


class Desk:
    def __init__(
        self, db: Database, now: Callable[[], datetime], config: Callable[[], Config]
    ) -> None:
        self.db = db
        self.now = now
        self.config = config
        self._trying = asyncio.Semaphore(2)  # rule runs scan history: two at a time
        self._why: tuple[Config, Why] | None = None

    def add_routes(self, app: web.Application) -> None:
        app.middlewares.append(_security_headers)
        router = app.router
        router.add_get("/", self.stories_page)
        router.add_get("/stories/{id:\\d+}", self.story_page)
        router.add_post("/stories/{id:\\d+}/marks", self.mark_form)
        router.add_get("/sources", self.sources_page)
        router.add_get("/workbench", self.workbench_page)
        router.add_get("/workbench/results", self.workbench_results)
        router.add_get("/login", self.login_page)
        router.add_post("/login", self.login)
        router.add_post("/logout", self.logout)
        router.add_get("/static/{name}", self.static)
        router.add_get("/api/stories", self.api_stories)
        router.add_get("/api/try", self.api_try)
        router.add_post("/api/stories/{id:\\d+}/marks", self.api_mark)

    # -- shared reading ---------------------------------------------------------------

    def _filters(self, request: web.Request, config: Config) -> Filters:
        since_text = _param(request, "since")
        since = None
        if since_text:
            try:
                since = parse_since(since_text, self.now(), config.timezone)
            except ValueError as exc:
                raise BadRequest(f"since: {exc}") from None
        limit_text = _param(request, "limit") or str(PAGE_LIMIT)
        if not limit_text.isdigit() or int(limit_text) < 1:
            raise BadRequest(f"limit: {limit_text!r} is not a positive whole number")
        q = _param(request, "q")
        story = StoryFilter(
            theme=_param(request, "theme") or None,
            source=_param(request, "source") or None,
            since=since,
            words=StoryFilter.words_of(q),
            limit=int(limit_text),
        )
        return Filters(story, since_text, q)

    def _why_for(self, config: Config) -> Why:
        """One explainer per live config: its compiled aliases outlive a request."""
        if self._why is None or self._why[0] is not config:
            self._why = (config, Why(config.aliases))
        return self._why[1]

    def _stories(self, config: Config, wanted: StoryFilter) -> list[DeskStory]:
        with self.db.transaction() as session:
            return list_stories(session, wanted, _queries(config), self._why_for(config))

    def _try(self, config: Config, query: str, theme: str | None, since_text: str) -> Tried:
        if theme and theme not in _themes(config):
            raise BadRequest(f"theme: no theme {theme!r} in the running config")
        try:
            since = parse_since(since_text or TRY_SINCE, self.now(), config.timezone)
        except ValueError as exc:
            raise BadRequest(f"since: {exc}") from None
        current = (theme, _themes(config)[theme].query) if theme else None
        with self.db.transaction() as session:
            return try_query(session, query, config.aliases, since, config.timezone, current)

    async def _run_try(self, config: Config, query: str, theme: str | None, since: str) -> Tried:
        async with self._trying:
            return await asyncio.to_thread(self._try, config, query, theme, since)

    def _page(self, request: web.Request, config: Config, page: str, title: str) -> dict[str, Any]:
        token = auth.token_of(config)
        signed_in = auth.logged_in(request, token)
        return {
            "page": page,
            "title": title,
            "themes": _themes(config),
            "writable": token is not None,
            "signed_in": signed_in,
            "csrf": auth.csrf_value(token) if signed_in and token else "",
            "zone": config.timezone,
            "back": request.path_qs,
        }

    def _html(
        self, config: Config, template: str, status: int = 200, **context: Any
    ) -> web.Response:
        body = render(template, config.timezone, **context)
        return web.Response(text=body, content_type="text/html", status=status)

    # -- pages ------------------------------------------------------------------------

    async def stories_page(self, request: web.Request) -> web.Response:
        config = self.config()
        error = None
        try:
            filters = self._filters(request, config)
        except BadRequest as exc:
            error = str(exc)
            filters = Filters(StoryFilter(limit=PAGE_LIMIT), "", _param(request, "q"))
        found = await asyncio.to_thread(self._stories, config, filters.story)
        names = await asyncio.to_thread(self._source_names)
        return self._html(
            config,
            "stories.html.j2",
            **self._page(request, config, "stories", "Stories"),
            stories=found,
            filters={
                "theme": filters.story.theme,
                "source": filters.story.source,
                "since_text": filters.since_text,
                "q": filters.q,
            },
            sources=names,
            limit=filters.story.limit,
            error=error,
        )

    def _source_names(self) -> list[str]:
        with self.db.transaction() as session:
            return desk_repo.source_names(session)

    def _one(self, config: Config, story_id: int) -> DeskStory | None:
        with self.db.transaction() as session:
            return one_story(session, story_id, _queries(config), self._why_for(config))

    async def story_page(self, request: web.Request) -> web.Response:
        config = self.config()
        story_id = int(request.match_info["id"])
        story = await asyncio.to_thread(self._one, config, story_id)
        context = self._page(request, config, "stories", f"Story {story_id}")
        if story is None:
            return self._html(
                config, "missing.html.j2", status=404, **context, what=f"No story {story_id}."
            )
        context["title"] = story.title[:80] or context["title"]
        saved = _param(request, "saved").replace("_", " ")[:40]
        return self._html(config, "story.html.j2", **context, story=story, saved=saved)

    async def sources_page(self, request: web.Request) -> web.Response:
        config = self.config()
        names = [s.name for s in config.sources]

        def read() -> list[dict[str, Any]]:
            with self.db.transaction() as session:
                return desk_sources.page_lines(plain.on_session(session), names)

        lines = await asyncio.to_thread(read)
        failing = sum(1 for s in lines if s["status"] in ("error", "disabled"))
        return self._html(
            config,
            "sources.html.j2",
            **self._page(request, config, "sources", "Sources"),
            sources=lines,
            failing=failing,
        )

    async def _workbench_context(self, request: web.Request, config: Config) -> dict[str, Any]:
        theme = _param(request, "theme") or None
        if theme not in _themes(config):
            theme = None
        query = request.query.get("q", "")
        if "q" not in request.query and theme:
            query = _themes(config)[theme].query
        since_text = _param(request, "since") or TRY_SINCE
        tried, error = None, None
        if query.strip():
            try:
                tried = await self._run_try(config, query, theme, since_text)
            except BadRequest as exc:
                error = str(exc)
        return {
            "theme": theme,
            "query": query,
            "since_text": since_text,
            "tried": tried,
            "request_error": error,
            "shown": SHOWN,
            "shown_matches": SHOWN_MATCHES,
            "ranges_of": ranges_of,
        }

    async def workbench_page(self, request: web.Request) -> web.Response:
        config = self.config()
        context = await self._workbench_context(request, config)
        return self._html(
            config,
            "workbench.html.j2",
            **self._page(request, config, "workbench", "Rule workbench"),
            **context,
        )

    async def workbench_results(self, request: web.Request) -> web.Response:
        config = self.config()
        context = await self._workbench_context(request, config)
        return self._html(
            config,
            "_results.html.j2",
            **self._page(request, config, "workbench", "Rule workbench"),
            **context,
        )

    async def login_page(self, request: web.Request) -> web.Response:
        config = self.config()
        return self._html(
            config,
            "login.html.j2",
            **self._page(request, config, "login", "Sign in"),
            next=_local_path(_param(request, "next")),
            failed=False,
        )

    async def login(self, request: web.Request) -> web.Response:
        config = self.config()
        token = auth.token_of(config)
        form = await request.post()
        given = str(form.get("token", ""))
        target = _local_path(str(form.get("next", "")))
        if not auth.token_matches(given, token) or token is None:
            await asyncio.sleep(0.5)  # guessing costs time
            return self._html(
                config,
                "login.html.j2",
                status=401 if token else 403,
                **self._page(request, config, "login", "Sign in"),
                next=target,
                failed=token is not None,
            )
        response = _redirect(target)
        response.set_cookie(
            auth.COOKIE,
            auth.session_value(token),
            httponly=True,
            samesite="Strict",
            secure=_https(request),
            max_age=30 * 24 * 3600,
            path="/",
        )
        return response

    async def logout(self, request: web.Request) -> web.Response:
        config = self.config()
        form = await request.post()
        if not auth.form_allowed(request, auth.token_of(config), str(form.get("csrf", ""))):
            raise web.HTTPForbidden(text="sign-out needs the page's form")
        response = _redirect("/")
        response.del_cookie(auth.COOKIE, path="/")
        return response

    async def mark_form(self, request: web.Request) -> web.Response:
        config = self.config()
        form = await request.post()
        if not auth.form_allowed(request, auth.token_of(config), str(form.get("csrf", ""))):
            raise web.HTTPForbidden(
                text="marks need a signed-in page (server.token) and the page's own form"
            )
        story_id = int(request.match_info["id"])
        theme, mark = str(form.get("theme", "")), str(form.get("mark", ""))
        try:
            await asyncio.to_thread(self._store_mark, config, story_id, theme, mark)
        except BadRequest as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        except LookupError:
            raise web.HTTPNotFound(text=f"no story {story_id}") from None
        target = _local_path(str(form.get("next", ""))) or f"/stories/{story_id}"
        if target.startswith(f"/stories/{story_id}"):
            target = f"/stories/{story_id}?saved={mark}"
        return _redirect(target)

    def _store_mark(self, config: Config, story_id: int, theme: str, mark: str) -> None:
        if mark not in mark_repo.MARKS:
            raise BadRequest(f"mark: expected one of {', '.join(mark_repo.MARKS)}, not {mark!r}")
        if theme not in _themes(config):
            raise BadRequest(f"theme: no theme {theme!r} in the running config")
        with self.db.transaction() as session:
            if not desk_repo.stories(session, [story_id]):
                raise LookupError(story_id)
            mark_repo.set_mark(session, story_id, theme, mark, self.now())

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        body = files("service.web").joinpath("static", name).read_bytes()
        return web.Response(
            body=body, content_type=STATIC[name], headers={"Cache-Control": "max-age=300"}
        )

    # -- JSON API ---------------------------------------------------------------------

    async def api_stories(self, request: web.Request) -> web.Response:
        config = self.config()
        try:
            filters = self._filters(request, config)
        except BadRequest as exc:
            return _json_error(400, str(exc))
        found = await asyncio.to_thread(self._stories, config, filters.story)
        return _json({"stories": [s.to_json() for s in found]})

    async def api_try(self, request: web.Request) -> web.Response:
        config = self.config()
        query = request.query.get("q", "")
        if not query.strip():
            return _json_error(400, "q: give a WRL query, e.g. ?q=Quad%20AND%20summit")
        try:
            tried = await self._run_try(
                config, query, _param(request, "theme") or None, _param(request, "since")
            )
        except BadRequest as exc:
            return _json_error(400, str(exc))
        return _json(tried.to_json())

    async def api_mark(self, request: web.Request) -> web.Response:
        config = self.config()
        refused = auth.bearer_status(request, auth.token_of(config))
        if refused == 403:
            return _json_error(403, "marks are off: set server.token in config.yaml")
        if refused is not None:
            return _json_error(refused, "send Authorization: Bearer <server.token>")
        try:
            body = json.loads(await request.text())
        except (ValueError, UnicodeDecodeError):
            return _json_error(400, 'expected JSON: {"theme": ID, "mark": "missed"}')
        if not isinstance(body, dict):
            return _json_error(400, 'expected a JSON object: {"theme": ID, "mark": "missed"}')
        story_id = int(request.match_info["id"])
        theme, mark = str(body.get("theme", "")), str(body.get("mark", ""))
        try:
            await asyncio.to_thread(self._store_mark, config, story_id, theme, mark)
        except BadRequest as exc:
            return _json_error(400, str(exc))
        except LookupError:
            return _json_error(404, f"no story {story_id}")
        return _json({"story": story_id, "theme": theme, "mark": mark}, status=201)


@web.middleware
async def _security_headers(
    request: web.Request, handler: Callable[[web.Request], Any]
) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


def _themes(config: Config) -> dict[str, Any]:
    return {t.id: t for t in config.themes}


def _queries(config: Config) -> dict[str, str]:
    return {t.id: t.query for t in config.themes}


def _local_path(target: str) -> str:
    """Only a path on this site: a login must never redirect elsewhere."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _redirect(target: str) -> web.Response:
    return web.Response(status=303, headers={"Location": target})


def _https(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


def _json_error(status: int, message: str) -> web.Response:
    return _json({"error": {"message": message}}, status=status)
