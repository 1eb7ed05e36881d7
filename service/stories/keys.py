"""Exact story keys: the canonical URL and a global guid. Two reports sharing one are the
same story whatever their text (wire copy on two sites, AMP and tracking variants)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_TRACKING_KEYS_TEXT = """\
    fbclid gclid dclid gbraid wbraid msclkid yclid igshid twclid ocid cmpid cmp mc_cid mc_eid
    ref ref_src ref_url referrer smid smtyp sr_share share_source __twitter_impression
    _ga _gl ito spm s_cid wt.mc_id at_medium at_campaign at_custom1 at_custom2 at_custom3
    at_custom4 rss_id guccounter guce_referrer guce_referrer_sig taid cid_source"""
_TRACKING_KEYS = frozenset(_TRACKING_KEYS_TEXT.split())
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "oly_")
_AMP_PARAMS = {("amp", ""), ("amp", "1"), ("amp", "true"), ("outputtype", "amp"), ("output", "amp")}


def story_url_key(url: str) -> str:
    """The canonical URL for story identity (see module doc): scheme-less and normalized."""
    parts = urlsplit(url.strip() if "//" in url else f"//{url.strip()}")
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host.removeprefix(prefix)
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _drops(k, v)
    )
    key = host + _canonical_path(parts.path)
    return f"{key}?{urlencode(query)}" if query else key


def _drops(key: str, value: str) -> bool:
    lowered = key.lower()
    return (
        lowered in _TRACKING_KEYS
        or lowered.startswith(_TRACKING_PREFIXES)
        or (lowered, value.lower()) in _AMP_PARAMS
    )


def _canonical_path(path: str) -> str:
    segments = [s for s in path.split("/") if s and s.lower() != "amp"]
    if segments:
        last = segments[-1]
        for suffix in (".amp.html", ".amp.htm"):
            if last.lower().endswith(suffix):
                last = last[: -len(suffix)] + ".html"
        if last.lower().endswith(".amp"):
            last = last[:-4]
        segments[-1] = last
    return "/" + "/".join(segments) if segments else ""


def exact_keys(link: str, guid: str | None) -> list[str]:
    """The story keys of a report: its canonical URL when it has a usable web link, and its
    guid when that is global. A report with neither is grouped by its text and time alone:
    an empty or odd link (or a home page) is no identity, or every such item would be one
    story."""
    keys = []
    if _web_url(link):
        keys.append("url:" + story_url_key(link)[:500])
    if guid and _global_guid(guid):
        keys.append("guid:" + guid.strip()[:500])
    return keys


def _web_url(link: str) -> bool:
    """An absolute http(s) link to a page: a home page many items link to is no identity."""
    try:
        parts = urlsplit(link.strip())
        web = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[bad" and the like
        return False
    return web and bool(parts.path.strip("/") or parts.query)


def _global_guid(guid: str) -> bool:
    # Short or numeric guids ("12345") repeat across outlets; URLs and UUIDs do not.
    guid = guid.strip()
    return len(guid) >= 16 and not guid.isdigit()
