"""How requests and responses look on the wire: the target URL exactly as it is sent,
response header decoding, and proxies from the environment.

These keep what feed hosts saw before the fetcher moved from httpx to aiohttp: aiohttp
alone would re-quote URLs, read proxies again for every request and send ~/.netrc
credentials to feed hosts.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

from yarl import URL

from service.poll.errors import FetchError


class Target(NamedTuple):
    host: str  # lower-case host name: the key of the per-host limit
    url: URL  # exactly as it goes on the wire
    proxy: str | None


def wire_target(url: str, proxies: Proxies) -> Target:
    """Where to send a GET for `url`, or FetchError if `url` is no http(s) URL with a host
    (aiohttp would take "//host/x" and trip on an assert, or drop a tab inside the host)."""
    parts = fetchable_parts(url)
    assert parts.hostname is not None  # fetchable_parts checked it
    return Target(parts.hostname, _request_url(url, parts), proxies.for_url(parts))


_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _unsafe(excluded: str) -> re.Pattern[str]:
    safe = "".join(chr(i) for i in range(0x21, 0x7F) if chr(i) not in excluded)
    return re.compile(f"[^{re.escape(safe)}]")


# What httpx percent-encoded (as UTF-8) in a path and in a query: WHATWG's percent-encode
# sets, so spaces, quotes, <>, non-ASCII... Everything else, "%xx" escapes included, as is.
_PATH_UNSAFE = _unsafe('"#<>?`{}')
_QUERY_UNSAFE = _unsafe('"#<>')


def _percent_encode(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode())


def _request_url(url: str, parts: SplitResult) -> URL:
    """`url` as httpx put it on the wire. Given a plain string, yarl would "requote" it
    (%7E to ~, %3F to ? in a query, [] to %5B%5D), which can break a signed feed URL."""
    if not parts.netloc.isascii():
        return URL(url)  # an internationalized host name: yarl IDNA-encodes it
    scheme = parts.scheme.lower()
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if hostport.startswith("["):  # an IPv6 literal has colons of its own
        host, _, port = hostport.partition("]")
        host, port = host + "]", port.removeprefix(":")
    else:
        host, _, port = hostport.partition(":")
    if port == _DEFAULT_PORTS[scheme]:
        port = ""
    netloc = f"{userinfo}{at}{host.lower()}{':' + port if port else ''}"
    path = _PATH_UNSAFE.sub(_percent_encode, _remove_dot_segments(parts.path) or "/")
    query = f"?{_QUERY_UNSAFE.sub(_percent_encode, parts.query)}" if parts.query else ""
    return URL(f"{scheme}://{netloc}{path}{query}", encoded=True)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, as httpx did: "/a/../b/./c" is "/b/c"."""
    if "/." not in path:  # a "." or ".." segment follows a "/" (paths start with one)
        return path
    segments = path.split("/")
    if "." not in segments and ".." not in segments:
        return path
    out: list[str] = []
    for segment in segments:
        if segment == "..":
            if out and out != [""]:
                out.pop()
        elif segment != ".":
            out.append(segment)
    return "/".join(out)


def response_headers(raw: tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    """Lower-case names; a repeated header's values joined with ", "; all decoded as ASCII,
    else UTF-8, else Latin-1 (what httpx's Headers.items() gave)."""
    for encoding in ("ascii", "utf-8"):
        try:
            return _decoded_headers(raw, encoding)
        except UnicodeDecodeError:
            continue
    return _decoded_headers(raw, "iso-8859-1")


def _decoded_headers(raw: tuple[tuple[bytes, bytes], ...], encoding: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        key, text = name.decode(encoding).lower(), value.decode(encoding)
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


class Proxies:
    """HTTP(S)_PROXY / ALL_PROXY / NO_PROXY, read once when the Fetcher is built, as httpx
    did (trust_env). aiohttp's own trust_env would read them again, in a thread, for every
    request, and would send ~/.netrc credentials to feed hosts besides."""

    def __init__(self, found: Mapping[str, str]) -> None:
        """`found` as urllib.request.getproxies() gives it: {"http": URL, "no": "a,b"}."""
        self.by_scheme: dict[str, str] = {}
        for scheme in ("http", "https", "all"):
            if value := found.get(scheme):
                proxy = value if "://" in value else f"http://{value}"
                if urlsplit(proxy).scheme.lower() not in ("http", "https"):
                    raise ValueError(
                        f"{scheme}_proxy={value!r}: only http:// and https:// proxies are supported"
                    )
                self.by_scheme[scheme] = proxy
        self.bypass = [h.strip().lower() for h in found.get("no", "").split(",") if h.strip()]
        if "*" in self.bypass:
            self.by_scheme = {}

    def for_url(self, parts: SplitResult) -> str | None:
        if not self.by_scheme:
            return None
        scheme = parts.scheme.lower()
        proxy = self.by_scheme.get(scheme) or self.by_scheme.get("all")
        if proxy is None or any(_no_proxy_matches(e, parts, scheme) for e in self.bypass):
            return None
        return proxy


def _no_proxy_matches(entry: str, parts: SplitResult, scheme: str) -> bool:
    """One NO_PROXY entry, matched as httpx (and curl) match it: "example.com" is that host
    and its subdomains, ".example.com" the subdomains only, an IP address or "localhost"
    itself; an entry may name a port ("example.com:8080") or a scheme ("http://host")."""
    host = parts.hostname or ""
    want_scheme = None
    if "://" in entry:
        want_scheme, _, entry = entry.partition("://")
    if entry.startswith("["):  # "[::1]" or "[::1]:8080"
        name, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
    elif entry.count(":") > 1:  # a bare IPv6 address
        name, port = entry, ""
    else:
        name, _, port = entry.partition(":")
    if want_scheme not in (None, "all", scheme) or (port.isdigit() and int(port) != parts.port):
        return False
    if "/" in name:  # a network, "10.0.0.0/8"
        try:
            return ipaddress.ip_address(host) in ipaddress.ip_network(name, strict=False)
        except ValueError:
            return False
    if want_scheme is not None or name == "localhost" or _is_ip(name):
        return host == name
    name = name.lstrip("*")
    if name.startswith("."):
        return host.endswith(name)
    return host == name or host.endswith("." + name)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def fetchable_parts(url: str) -> SplitResult:
    """`url` split, when it is an http(s) URL with a host and nothing urlsplit or yarl would
    quietly drop; otherwise the FetchError saying why, in the words httpx used (stored
    messages stay stable)."""
    if control := _CONTROL_CHARACTER.search(url):
        # urlsplit and yarl would quietly drop a tab or a newline, even inside the host.
        raise _invalid(
            url,
            f"Invalid non-printable ASCII character in URL, {control.group()!r} at position "
            f"{control.start()}.",
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError as error:
        raise _invalid(url, str(error)) from error
    if not parts.hostname or not parts.scheme:
        raise _invalid(url, "Request URL is missing an 'http://' or 'https://' protocol.")
    if parts.scheme.lower() not in ("http", "https"):
        raise _invalid(url, f"Request URL has an unsupported protocol '{parts.scheme.lower()}://'.")
    return parts


def invalid_url(url: str, exc: BaseException | None = None) -> FetchError:
    """The FetchError for a URL the HTTP client refused (`exc`), even if it looks fine here."""
    try:
        fetchable_parts(url)
    except FetchError as error:
        return error
    return _invalid(url, str(getattr(exc, "description", None) or "the URL is malformed"))


def _invalid(url: str, reason: str) -> FetchError:
    return FetchError("http_error", f"Invalid feed URL {url!r}: {reason}")
