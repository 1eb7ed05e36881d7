"""Normalize stage: a parsed Entry becomes an Article (clean text, identity, canonical URL)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from service.domain import Article, Entry
from service.poll.text_clean import clean_text

__all__ = [
    "canonical_url",
    "clean_text",
    "content_fingerprint",
    "entry_key",
    "is_page_link",
    "normalize_entry",
]

# Query parameters that only say how a reader arrived, never which page it is.
_TRACKING_PREFIXES = ("utm_", "ns_", "at_", "pk_", "mtm_", "hsa_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "igshid", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl", "_hsenc", "_hsmi",
        "ocid", "cmpid", "icid", "smid", "smtyp", "ito", "guccounter", "ref", "ref_src",
        "ref_url", "referrer", "spm", "sr_share", "xtor", "ftag", "taid",
        "amp",  # ?amp=1: the AMP variant of the same page
    }
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_PATH = re.compile(r"(?:/amp|\.amp|/amp\.html)/?$", re.I)
_TITLE_WORDS = 12
_TITLE_CHARS = 100


def canonical_url(url: str) -> str:
    """The URL with everything that does not identify the page removed, for grouping.

    Scheme and host lower-cased, http upgraded to https, `www.` and default ports
    dropped, tracking parameters and AMP variants removed, remaining parameters
    sorted, fragment and trailing slash dropped. Non-web URLs come back stripped.
    """
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower().removeprefix("www.").rstrip(".")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the URL as it came
        return url
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _AMP_PATH.sub("", parts.path).rstrip("/") or "/"
    return urlunsplit(("https", netloc, path, _clean_query(parts.query), ""))


def _clean_query(query: str) -> str:
    # Keep each pair as the server wrote it (no re-encoding); judge it by its decoded name.
    pairs = [pair for pair in query.split("&") if pair and not _is_tracking(pair)]
    return "&".join(sorted(pairs))


def _is_tracking(pair: str) -> bool:
    raw_name, _, raw_value = pair.partition("=")
    name = unquote_plus(raw_name).lower()
    if name == "outputtype":  # outputType=amp is the AMP page; other values may matter
        return raw_value.lower() == "amp"
    return name in _TRACKING_NAMES or name.startswith(_TRACKING_PREFIXES)


def entry_key(entry: Entry) -> str:
    """Identity of an entry within its source: guid, else link, else a hash of title + date.

    Only a link to a page identifies an entry: generators that give every item the same
    `javascript:` link or the site's home page would otherwise make them one entry."""
    if entry.guid and entry.guid.strip():
        return entry.guid.strip()
    if entry.link and is_page_link(entry.link):
        return entry.link.strip()
    when = entry.published or entry.updated
    stamp = when.astimezone(UTC).isoformat() if when else ""
    digest = hashlib.sha1(f"{entry.title.strip()}\x00{stamp}".encode()).hexdigest()
    return f"sha1:{digest}"


def normalize_entry(
    entry: Entry,
    source_name: str,
    feed_lang: str | None,
    source_lang: str | None,
    first_seen: datetime,
    base_url: str,
) -> Article:
    link = _absolute_link(entry.link, base_url)
    summary = clean_text(entry.summary)
    return Article(
        source=source_name,
        key=entry_key(entry),
        link=link,
        canonical_url=canonical_url(link) if link else "",
        title=clean_text(entry.title) or _first_words(summary),
        summary=summary,
        published=_utc(entry.published or entry.updated or first_seen),
        authors=_clean_all(entry.authors),
        tags=_clean_all(entry.tags),
        lang=_lang(entry.lang) or _lang(feed_lang) or _lang(source_lang),
        guid=entry.guid.strip() if entry.guid and entry.guid.strip() else None,
    )


def is_page_link(link: str) -> bool:
    """Whether `link` (absolute, or relative to the feed) points at a page of a web site,
    not at the site's home page, a script or anything else that many items may share."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return False
    if parts.scheme and parts.scheme.lower() not in _DEFAULT_PORTS:
        return False
    return bool(parts.path.strip("/") or parts.query)


def content_fingerprint(article: Article) -> str:
    """Changes when the title or summary is edited; used to tell updates from repeats."""
    payload = f"{article.title}\x00{article.summary}".encode()
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def _absolute_link(link: str | None, base_url: str) -> str:
    if not link or not link.strip():
        return ""
    absolute = urljoin(base_url, link.strip())
    # Only web links: a javascript: or data: link must never reach an alert or a digest.
    return absolute if urlsplit(absolute).scheme.lower() in _DEFAULT_PORTS else ""


def _first_words(text: str) -> str:
    words = text.split()
    title = " ".join(words[:_TITLE_WORDS])
    if len(title) > _TITLE_CHARS:
        title = title[:_TITLE_CHARS].rsplit(" ", 1)[0]
    return title + "…" if title != " ".join(words) else title


def _clean_all(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in (clean_text(x) for x in values) if v))


def _lang(tag: str | None) -> str | None:
    # BCP 47 tags are case-insensitive; some feeds write ja_JP.
    cleaned = (tag or "").strip().replace("_", "-").lower()
    return cleaned or None


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
