"""The page's Jinja2 environment: autoescaped (headlines are hostile input), times in the
configured zone, matched words marked."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from service.clock import local_time
from service.domain import merge_ranges, web_link

TEASER_CHARS = 400


def marked(text: str, ranges: Iterable[tuple[int, int]], limit: int | None = None) -> Markup:
    """`text` escaped, with each range in <mark>; cut at `limit` characters (a word
    boundary) with an ellipsis. Ranges are character offsets into `text`."""
    cut = len(text)
    if limit is not None and len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
    clipped = [(max(0, s), min(cut, e)) for s, e in ranges]
    parts: list[str] = []
    at = 0
    for start, end in merge_ranges((s, e) for s, e in clipped if s < e):
        parts.append(str(escape(text[at:start])))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    parts.append(str(escape(text[at:cut])))
    if cut < len(text):
        parts.append("…")
    return Markup("".join(parts))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("service.web", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["marked"] = marked
    env.filters["href"] = web_link
    return env


def render(name: str, timezone: str, **context: Any) -> str:
    def when(moment: datetime | None) -> str:
        return local_time(moment, timezone) if moment is not None else "—"

    return environment().get_template(name).render(when=when, teaser=TEASER_CHARS, **context)
