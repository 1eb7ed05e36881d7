"""Keep feedparser from expanding hostile DTD entities.

feedparser already drops external entities and nested ones (billion laughs), but
it keeps every plain-text `<!ENTITY name "value">` and, when the XML parser gives
up, its fallback parser expands them without any limit: a 100 KB feed whose
100 KB entity is referenced 1,000 times becomes a 100 MB title (the "quadratic
blowup" attack). We drop every entity declaration whose value is longer than a
character reference, before feedparser sees the document. The hook sits on
feedparser's own DOCTYPE step because that runs after its charset conversion,
so UTF-16/32 documents are covered too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import feedparser.api

# What feedparser's DOCTYPE step treats as a declaration (sanitizer.RE_ENTITY_PATTERN).
_DECLARATION = re.compile(rb"^\s*<!ENTITY([^>]*?)>", re.MULTILINE)
# Short enough that no number of references can amplify the document much (&a; -> 8 bytes).
_SHORT_VALUE = re.compile(rb'\s+\w+\s+"(?:&#\w+;|[^&"%]{0,8})"\s*')
_FIRST_ELEMENT = re.compile(rb"<\w")

_Replace = Callable[[bytes], tuple[str | None, bytes, dict[str, str]]]


def drop_expanding_entities(data: bytes) -> bytes:
    """`data` without the entity declarations that could inflate it (prolog only)."""
    start = _FIRST_ELEMENT.search(data)
    end = start.start() if start else len(data)
    head = data[:end]
    if b"<!ENTITY" not in head:
        return data
    kept = _DECLARATION.sub(lambda m: m[0] if _SHORT_VALUE.fullmatch(m[1]) else b"", head)
    return kept + data[end:]


def install() -> None:
    """Wrap feedparser's DOCTYPE step once per process (idempotent)."""
    original: _Replace = feedparser.api.replace_doctype
    if getattr(original, "wirewatch_guard", False):
        return

    def guarded(data: bytes) -> tuple[str | None, bytes, dict[str, str]]:
        return original(drop_expanding_entities(data))

    guarded.wirewatch_guard = True  # type: ignore[attr-defined]
    feedparser.api.replace_doctype = guarded
