"""Correct the most common wrong charset label before feedparser decodes the body.

Servers and generators often label UTF-8 feeds as ISO-8859-1 / Windows-1252 /
US-ASCII (an old default), and feedparser then faithfully produces mojibake
("CafÃ©"). Text that really is in a single-byte charset almost never happens to be
valid UTF-8 once it contains non-ASCII bytes, so a body that decodes as UTF-8 is
treated as UTF-8 whatever the label says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_SINGLE_BYTE = frozenset(
    {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "iso-8859-15", "windows-1252",
     "cp1252", "us-ascii", "ascii"}
)  # fmt: skip
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.I)
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def relabel_utf8(body: bytes, headers: Mapping[str, str]) -> dict[str, str] | None:
    """Headers that declare UTF-8 when a body labelled single-byte is really UTF-8, else None."""
    content_type = headers.get("content-type", "")
    header = _HEADER_CHARSET.search(content_type)
    declared = _XML_ENCODING.match(body[:512])
    labels = [m[1].lower() for m in (header,) if m] + [
        m[1].decode("ascii").lower() for m in (declared,) if m
    ]
    if not labels or not all(label in _SINGLE_BYTE for label in labels):
        return None
    if not _NON_ASCII.search(body) or not _is_utf8(body):
        return None
    media_type = content_type.split(";", 1)[0].strip() or "application/xml"
    return {**headers, "content-type": f"{media_type}; charset=utf-8"}


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
