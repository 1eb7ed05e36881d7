"""Plain RSS 2.0 / Atom 1.0 without feedparser: parse.py's ParsedFeed, or None if unsure.

feedparser's pure-Python SAX handlers cost most of a feed's parse time. For the plain shapes
most feeds have, this reads the document with ElementTree (expat, like feedparser's strict
parser) and fills the entry and feed dictionaries feedparser would -- only the keys
entries.py reads -- for entries.py to turn into a ParsedFeed, as it does feedparser's. Anything it
does not model (an element or attribute that could change a field, a charset situation, a date
or a text feedparser would read differently) makes it decline, and parse.py asks
feedparser. tests/test_parse_fast.py checks that both paths agree on every fixture feed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from service.domain import ParsedFeed
from service.poll import entries

__all__ = ["parse_simple"]

_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# Namespaces read here, by the prefix feedparser gives their elements (it reads Atom as RSS).
_NAMESPACES = {
    "http://www.w3.org/2005/Atom": "", "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms", "http://purl.org/rss/1.0/modules/content/": "content",
    "http://search.yahoo.com/mrss/": "media", "http://search.yahoo.com/mrss": "media",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}  # fmt: skip
# Unknown to feedparser, which keeps their elements under the declared prefix without reading
# them -- unless that prefix is one it reads (_READ); under one of _ALIASES it reads them as such.
_UNKNOWN_INERT = {
    "com-wordpress:feed-additions:1", "http://purl.org/syndication/thread/1.0",
    "http://schemas.google.com/g/2005", "http://dowjones.net/rss/",
    "http://a9.com/-/spec/opensearchrss/1.0/",
}  # fmt: skip
_READ = {"admin", "atom", "cc", "content", "creativecommons", "dc", "dcterms", "geo", "georss",
         "gml", "itunes", "media", "psc", "rdf", "sy", "xhtml", "xml"}  # fmt: skip
_ALIASES = {"dc", "dcterms", "media", "content", "sy"}

_DECLARATION = re.compile(
    rb"<\?xml\s+version=([\"'])1\.0\1(?:\s+encoding=([\"'])([A-Za-z][\w.-]*)\2)?"
    rb"(?:\s+standalone=([\"'])(?:yes|no)\4)?\s*\?>"
)
_UTF8, _ASCII = {"utf-8", "utf8"}, {"us-ascii", "ascii"}
_LATIN1 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1"}
_ASCII_SUPERSETS = _UTF8 | _ASCII | _LATIN1 | {"windows-1252", "cp1252", "iso-8859-15"}
_XML_TYPES = {"application/xml", "application/xml-dtd", "application/xml-external-parsed-entity"}
_TEXT_XML_TYPES = {"text/xml", "text/xml-external-parsed-entity"}
_REFERENCE = re.compile(rb"&#(?:x([0-9a-fA-F]+)|([0-9]+));")
_C1 = re.compile("[\x80-\x9f]")
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.strip() strips below U+0080

_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d\d?) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov"
    r"|Dec) (\d{4}) (\d\d):(\d\d)(?::(\d\d))? (GMT|UTC?|Z|[ECMP][SD]T|[+-]\d{4})",
    re.ASCII,
)
_ISO8601 = re.compile(
    r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d(?::\d\d|00))?)?", re.ASCII
)
_MONTHS = {m: n for n, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"), 1)}  # fmt: skip
_ZONES = {"GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}  # fmt: skip
_ADDRESS = re.compile(r"([\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,4})(?:\s*\(([^()<>&@]*)\))?", re.A)

_TEXT_TYPES = {"text", "plain", "html", "text/plain", "text/html"}
_HTML_TYPES = {"html", "text/html", "xhtml", "application/xhtml+xml"}
_LINK_ATTRS = ("href", "rel", "type", "title", "hreflang", "length")
_TEXTS = {"title", "media:title", "description", "summary", "dc:description",
          "media:description", "content", "content:encoded"}  # fmt: skip
_DATES = dict.fromkeys(["published", "pubDate", "issued", "dcterms:issued"], "published_parsed")
_DATES |= dict.fromkeys(["updated", "modified", "lastBuildDate", "dc:date", "dcterms:modified"],
                        "updated_parsed")  # fmt: skip
_INERT = ("-:", "slash:", "wfw:")  # elements feedparser only stores
_ENTRY_INERT = {"comments", "enclosure", "media:thumbnail", "media:credit", "media:text",
                "dcterms:alternative", "dcterms:created"}  # fmt: skip
_FEED_INERT = {"description", "subtitle", "updated", "lastBuildDate", "pubDate", "generator",
               "copyright", "rights", "docs", "managingEditor", "webMaster", "category", "cloud",
               "icon", "logo", "sy:updateBase", "dc:creator", "dc:date", "dc:rights"}  # fmt: skip
_FEED_BOXES = {  # channel elements feedparser reads apart, with the children they may have
    "image": {"url", "title", "link", "width", "height", "description"},
    "textInput": {"title", "description", "name", "link"},
    "author": {"name", "email", "uri"},
}
# Elements feedparser reads only when they have no attribute at all (not even xml:lang).
_GENERIC = {"ttl", "sy:updatePeriod", "sy:updateFrequency", "media:keywords"}
_FEED_KEYS = {"ttl": "ttl", "sy:updatePeriod": "sy_updateperiod",
              "sy:updateFrequency": "sy_updatefrequency", "language": "language",
              "dc:language": "language"}  # fmt: skip


class _Decline(Exception):
    """Not sure what feedparser would make of this document."""


def parse_simple(body: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed | None:
    """The ParsedFeed parse.py would build with feedparser, or None to let it do that."""
    if entries.SANITIZE_HTML or entries.RESOLVE_RELATIVE_URIS:
        return None  # feedparser would rewrite embedded HTML
    lowered = {key.lower(): value for key, value in headers.items()}  # what feedparser sees
    try:
        reader = _Reader(*_charset(body, lowered), b"xml:base" in body)
        feed, raws = reader.read(body, lowered.get("content-language"))
    except _Decline:
        return None
    found = entries.usable_entries(raws, headers.get("content-language"))  # as parse.py does
    if not found:
        return None  # feedparser's path decides whether that is an error
    return entries.parsed_feed(feed, found, reader.warnings)


def _charset(body: bytes, headers: Mapping[str, str]) -> tuple[bool, tuple[str, ...]]:
    """Whether feedparser reads the (UTF-8) body as Latin-1, and the warning it gives."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _Decline  # UTF-16 / UTF-32: expat would follow the byte order mark
    bom = body.startswith(b"\xef\xbb\xbf")
    data, declared = body[3 if bom else 0 :], ""
    if data.startswith(b"<?"):  # feedparser takes any encoding="" in the first line
        match = _DECLARATION.match(data)
        declared = match[3].decode().lower() if match and match[3] else ""
        if not match and re.match(rb"<\?xml\s", data):
            raise _Decline
        if data.split(b"\n", 1)[0].count(b"encoding=") != bool(declared):
            raise _Decline
    content_type = headers.get("content-type")
    media_type, *params = (content_type or "").split(";")
    media_type, charset, problem = media_type.strip(), "", None
    for key, _, value in (param.partition("=") for param in params):
        charset = value.strip().strip("\"'") if key.strip().lower() == "charset" else charset
    kind, xml_subtype = media_type.partition("/")[0], media_type.endswith("+xml")
    if content_type is None:
        encoding, problem = declared or "iso-8859-1", "no Content-type specified"
    elif media_type in _XML_TYPES or (kind == "application" and xml_subtype):
        encoding = charset or declared or "utf-8"
    elif media_type in _TEXT_XML_TYPES or (kind == "text" and xml_subtype):
        encoding = charset or "us-ascii"
    else:
        problem = f"{content_type} is not an XML media type"
        encoding = (charset or "us-ascii") if kind == "text" else declared or "utf-8"
    label = encoding.lower()
    if label in _UTF8 or (label in _ASCII_SUPERSETS and data.isascii()):
        latin1 = False
    elif label in _LATIN1:  # read as Latin-1, then repaired text by text: see _Reader.text
        latin1 = True
        for ref in _REFERENCE.finditer(data):  # such characters escape the repair
            if (int(ref[1], 16) if ref[1] else int(ref[2])) > 0x7F:
                raise _Decline
    elif label in _ASCII and (declared in _UTF8 or (bom and not declared)):
        override = f"document declared as {encoding}, but parsed as {declared or 'utf-8'}"
        return False, (f"CharacterEncodingOverride: {override}",)
    else:
        raise _Decline
    return latin1, () if problem is None else (f"NonXMLContentType: {problem}",)


class _TreeBuilder(ET.TreeBuilder):
    """ElementTree's tree builder that also notes the namespace declarations."""

    def __init__(self) -> None:
        super().__init__()
        self.declarations: list[tuple[str, str]] = []

    def start_ns(self, prefix: str, uri: str) -> None:
        self.declarations.append((prefix.lower(), uri))


class _Reader:
    """What feedparser makes of one document's names, attributes, texts, links and dates."""

    def __init__(self, latin1: bool, warnings: tuple[str, ...], base: bool) -> None:
        self.latin1 = latin1  # feedparser decoded the body as Latin-1
        self.warnings = warnings
        self.base = base  # there may be an xml:base to resolve links against
        self.names: dict[str, str] = {}
        self.prefixes: dict[str, set[str]] = {}  # namespace -> prefixes declared for it

    def read(self, body: bytes, lang: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The feed dictionary and the entries' dictionaries."""
        first = re.search(rb"<[^?!]", body)  # before the root: nothing but comments and PIs
        if first is None or b"<!" in body[: first.start()].replace(b"<!--", b""):
            raise _Decline  # DOCTYPE, entities
        builder = _TreeBuilder()
        parser = ET.XMLParser(target=builder, encoding="utf-8")  # what feedparser passes on
        try:
            parser.feed(body)
            root = parser.close()
        except ET.ParseError:
            raise _Decline from None  # feedparser's loose parser would take over
        bound: dict[str, str] = {}
        for prefix, uri in builder.declarations:
            read_as = _NAMESPACES.get(uri)
            if bound.setdefault(prefix, uri) != uri or (
                read_as is not None and prefix not in ("", read_as or "atom") and prefix in _READ
            ):
                raise _Decline  # a prefix bound twice, or a namespace under another's prefix
            self.prefixes.setdefault(uri, set()).add(prefix)
        feed = {"language": lang.replace("_", "-")} if lang else {}
        lang = self.lang(root, lang)
        if lang:
            feed["language"] = lang.replace("_", "-")
        if root.tag == "rss" and len(root) == 1 and root[0].tag == "channel":
            self.attrs(root, ("version",))
            return feed, self.feed(root[0], self.lang(root[0], lang), feed, "item")
        if root.tag == "{http://www.w3.org/2005/Atom}feed":
            return feed, self.feed(root, lang, feed, "entry")
        raise _Decline

    def feed(
        self, parent: ET.Element, lang: str | None, feed: dict[str, Any], entry: str
    ) -> list[dict[str, Any]]:
        """Reads an RSS channel or Atom feed into `feed`; returns the entries."""
        self.attrs(parent, ())
        entries = []
        for el in parent:
            name = self.name(el.tag)
            if name == entry:
                entries.append(_Entry(self).read(el, self.lang(el, lang)))
            elif name == "title" and "title" not in feed:
                self.attrs(el, ("type",), text=True)
                feed["title"] = self.text(el)
                feed["title_detail"] = {"language": _dashed(self.lang(el, lang))}
            elif name == "link":
                self.link(el, feed)
            elif name in ("id", "guid"):  # a permalink is the link if there is none (yet)
                self.attrs(el, ("isPermaLink",))
                value = self.text(el)
                if el.get("isPermaLink", "true") == "true" and "link" not in feed:
                    feed["link"] = self.uri(value) if value else value
            elif name in _FEED_KEYS:
                if el.attrib and name in _GENERIC:
                    raise _Decline
                self.attrs(el, ())
                feed[_FEED_KEYS[name]] = self.text(el)
            elif name in _FEED_BOXES:
                self.attrs(el, None)
                for child in el:  # anything else, and feedparser forgets it is in `name`
                    child_name = self.name(child.tag)
                    if child_name not in _FEED_BOXES[name] and not child_name.startswith("-:"):
                        raise _Decline
                    self.attrs(child, None, leaf=True)
            elif name in _FEED_INERT or name.startswith(_INERT):
                self.attrs(el, None, leaf=True)
            else:
                raise _Decline
        return entries

    def name(self, tag: str) -> str:
        """The element's name as feedparser's handlers see it ("-:..." if it only stores it)."""
        if tag[0] != "{":
            return tag
        if (name := self.names.get(tag)) is None:
            uri, _, local = tag[1:].partition("}")
            prefix = _NAMESPACES.get(uri)
            declared = self.prefixes.get(uri, set())
            if prefix is None and len(declared) == 1 and declared <= _ALIASES:
                prefix = next(iter(declared))
            elif prefix is None and uri in _UNKNOWN_INERT:
                named = declared - {""}  # its elements are stored under that prefix, or bare:
                if named & _READ or not (named or local in ("post-id", "site")):
                    raise _Decline
                prefix = "-"
            elif prefix is None:
                raise _Decline
            name = self.names[tag] = f"{prefix}:{local}" if prefix else local
        return name

    def attrs(self, el: ET.Element, allowed: tuple[str, ...] | None, leaf: bool = False,
              text: bool = False) -> None:  # fmt: skip
        """Declines attributes that could matter to feedparser (any but lang / base if None)."""
        if leaf and len(el):
            raise _Decline
        if not (attrib := el.attrib):
            return
        if text and attrib.get("type", "text").lower() not in _TEXT_TYPES:
            raise _Decline  # base64, xhtml
        for key, value in attrib.items():
            if key == _BASE and not value.startswith(("http://", "https://")):
                raise _Decline
            if key in (_LANG, _BASE):
                self.attr(value)
            elif allowed is None:
                if key.rpartition("}")[2].lower() in ("lang", "base"):
                    raise _Decline
            elif key not in allowed:
                raise _Decline

    def attr(self, value: str | None) -> str | None:
        if self.latin1 and value and not value.isascii():
            raise _Decline  # feedparser keeps its Latin-1 reading of attributes
        return value

    def lang(self, el: ET.Element, inherited: str | None) -> str | None:
        if not el.attrib:
            return inherited
        value = el.get(_LANG)
        return inherited if value is None else self.attr(value) or None

    def text(self, el: ET.Element) -> str:
        """The text as feedparser keeps it, or decline where feedparser would change it.

        feedparser strips it; replaces it by its Latin-1 bytes read as UTF-8 when that works
        (mojibake repair), and maps C1 controls to cp1252. When it read the body as Latin-1,
        that repair gives back the UTF-8 text, unless stripping cut into a character.
        """
        if len(el):
            raise _Decline  # markup inside a text element
        raw = el.text or ""
        value = raw.strip()
        if raw.isascii():
            return value
        if _C1.search(value):
            raise _Decline
        if self.latin1:
            if value != raw.strip(_ASCII_SPACE) or value.encode()[-1:] in (b"\x85", b"\xa0"):
                raise _Decline
        elif not value.isascii():
            try:
                value.encode("latin-1").decode("utf-8")
            except UnicodeError:
                return value
            raise _Decline
        return value

    def plain(self, el: ET.Element) -> str:
        """A text feedparser keeps as it was (but stripped): an Atom author's name or email."""
        self.attrs(el, (), leaf=True)
        return (self.attr(el.text) or "").strip()

    def uri(self, value: str) -> str:
        """A link: feedparser resolves it against its base (empty but for xml:base)."""
        if not value or ":///" in value:
            raise _Decline
        try:  # with a base: only absolute links that no base could change
            if self.base and {urljoin("http://a/", value), urljoin("https://a/", value)} != {value}:
                raise _Decline
        except ValueError:
            raise _Decline from None
        return value

    def link(self, el: ET.Element, into: dict[str, Any]) -> None:
        self.attrs(el, _LINK_ATTRS, leaf=True)
        if (href := el.get("href")) is None:
            value = self.text(el)
            if "&" in value and ";" in value:
                raise _Decline  # feedparser "fixes" what look like entity references
            into["link"] = self.uri(value) if value else ""
            return
        rel = el.get("rel", "alternate").lower()
        kind = el.get("type", "application/atom+xml" if rel == "self" else "text/html").lower()
        if rel == "alternate" and kind in _HTML_TYPES:
            into["link"] = self.uri(self.attr(href) or "")

    def date(self, el: ET.Element) -> tuple[int, ...] | None:
        """UTC (year, month, day, hour, minute, second) of a date feedparser reads the same."""
        self.attrs(el, ())
        if not (value := self.text(el)):
            return None
        try:
            if match := _RFC822.fullmatch(value):
                day, month, year, hour, minute, second, zone = match.groups()
                numbers = int(year), _MONTHS[month], int(day), int(hour), int(minute)
                local = datetime(*numbers, int(second or 0))
                if zone in _ZONES:
                    offset = timedelta(hours=_ZONES[zone])
                else:  # +hhmm
                    offset = timedelta(hours=int(zone[:3]), minutes=int(zone[0] + zone[3:]))
            elif _ISO8601.fullmatch(value):
                parsed = datetime.fromisoformat(value)
                local, offset = parsed.replace(tzinfo=None), parsed.utcoffset() or timedelta()
            else:
                raise _Decline
            stamp = local - offset
        except (ValueError, OverflowError):
            raise _Decline from None  # feedparser would try its other date formats
        if not 1900 <= stamp.year <= 2200:
            raise _Decline
        return stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second


class _Entry:
    """One item / entry, read the way feedparser's handlers fill its dictionary."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.raw: dict[str, Any] = {"authors": [], "tags": [], "content": []}
        self.tags: list[list[str | None]] = []  # [term, label]
        self.title_depth = -1  # feedparser skips any later title at this depth or deeper
        self.title_at: int | None = None  # the depth of the title and summary stored
        self.summary_at: int | None = None
        self.has_content = self.atom_author = self.labelled = False

    def read(self, item: ET.Element, lang: str | None) -> dict[str, Any]:
        self.reader.attrs(item, ())
        self.walk(item, 0, lang)
        self.raw["tags"] = [{"term": term, "label": label} for term, label in self.tags]
        return self.raw

    def walk(self, parent: ET.Element, depth: int, lang: str | None) -> None:
        reader, raw = self.reader, self.raw
        for el in parent:
            name = reader.name(el.tag)
            if (depth and not name.startswith("media:")) or depth > 2:
                raise _Decline  # only media elements inside media:content / media:group
            if name in _TEXTS:
                reader.attrs(el, ("type",) if name != "content:encoded" else (), text=True)
                self.text(name, reader.text(el), depth, reader.lang(el, lang))
            elif name == "link":
                reader.link(el, raw)
            elif name in ("guid", "id"):
                reader.attrs(el, ("isPermaLink",))
                permalink = el.get("isPermaLink", "true") == "true"
                value = reader.text(el)
                raw["id"] = reader.uri(value) if permalink and value else value
                if permalink:
                    raw.setdefault("link", raw["id"])
            elif name in _DATES:
                raw[_DATES[name]] = reader.date(el)
            elif name in ("author", "dc:creator"):
                self.author(el)
            elif name in ("category", "dc:subject", "media:category"):
                self.category(el, name)
            elif name == "media:keywords":
                if el.attrib:
                    raise _Decline  # see _GENERIC
                terms = (term.strip() for term in reader.text(el).split(","))
                self.tags += [[term, None] for term in terms if term]
            elif name in ("language", "dc:language"):
                reader.attrs(el, ())
                raw["language"] = reader.text(el)
            elif name == "image" and not depth:
                reader.attrs(el, (), leaf=True)
                self.title_depth = -1
            elif name in ("media:content", "media:group"):
                reader.attrs(el, None)
                self.walk(el, depth + 1, reader.lang(el, lang))
            elif name in _ENTRY_INERT or name.startswith(_INERT):
                reader.attrs(el, None, leaf=True)
            else:
                raise _Decline

    def text(self, name: str, value: str, depth: int, lang: str | None) -> None:
        raw = self.raw
        if name in ("title", "media:title"):
            if not -1 < self.title_depth <= depth:
                if self.title_at is None or depth <= self.title_at:
                    raw["title"], self.title_at = value, depth
                raw["title_detail"] = {"language": _dashed(lang)}
            if value and name == "title":  # but not after a media:title
                self.title_depth = depth
        elif name.startswith("content") or ("summary" in raw and not self.has_content):
            self.has_content = True  # a second summary is content, too
            raw["content"].append({"value": value})
            raw.setdefault("summary", value)
        elif self.summary_at is None or depth <= self.summary_at:
            raw["summary"], self.summary_at = value, depth

    def author(self, el: ET.Element) -> None:
        reader, authors = self.reader, self.raw["authors"]
        reader.attrs(el, ())
        if len(el):  # Atom: <name>, <email>, <uri>
            blank = not (el.text or "").strip() and not any((c.tail or "").strip() for c in el)
            if authors or not blank:
                raise _Decline  # feedparser mixes up several authors' details
            detail: dict[str, str] = {}
            for child in el:
                name = reader.name(child.tag)
                if name in ("name", "email") and name not in detail:
                    detail[name] = reader.plain(child)
                elif name == "uri" or name.startswith("-:"):
                    reader.attrs(child, None, leaf=True)
                else:
                    raise _Decline
            authors.append(detail)
            who, email = detail.get("name"), detail.get("email")
            self.raw["author"] = f"{who} ({email})" if who and email else who or email or ""
            self.atom_author = True
            return
        if self.atom_author:
            raise _Decline
        value = self.raw["author"] = reader.text(el)
        if "@" not in value:
            authors.append({"name": value} if value else {})
        elif match := _ADDRESS.fullmatch(value):  # "jane@example.org (Jane Doe)"
            name = (match[2] or "").strip()
            authors.append({"name": name, "email": match[1]} if name else {"email": match[1]})
        else:
            raise _Decline

    def category(self, el: ET.Element, name: str) -> None:
        reader, tags, attrib = self.reader, self.tags, el.attrib
        if attrib:
            attributes = {"category": ("domain", "term", "scheme", "label"), "dc:subject": ()}
            reader.attrs(el, attributes.get(name, ("scheme",)))
        term, label = reader.attr(attrib.get("term")), reader.attr(attrib.get("label"))
        if term or label or attrib.get("scheme") or attrib.get("domain") or name[0] == "m":
            tags.append([term, label])  # media:category has a default scheme
            self.labelled = self.labelled or bool(label and not term)
        if value := reader.text(el):  # feedparser gives it to the last tag if that has no term
            if self.labelled:
                raise _Decline  # ... and a label-only tag would lose its label
            if tags and not tags[-1][0]:
                tags[-1][0] = value
            else:
                tags.append([value, None])


def _dashed(lang: str | None) -> str | None:
    return lang.replace("_", "-") if lang else lang
