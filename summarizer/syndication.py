"""What a feed or a sitemap lists: article addresses, with a title and a date where it gives them."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from summarizer.dates import parse_instant, parse_iso


@dataclass(frozen=True)
class Entry:
    """One item of a feed or URL of a sitemap."""

    url: str
    title: str | None = None
    published: str | None = None  # the UTC moment (YYYY-MM-DDTHH:MMZ) where the feed gives a time and zone, else the ISO date


@dataclass(frozen=True)
class Listing:
    """What one feed or sitemap gave: its entries, the sitemaps an index points to, and a note on damage if any."""

    entries: list[Entry]
    sitemaps: list[Entry]
    damaged: str | None = None  # the parser's complaint, when it read the entries in spite of it


class NotAFeed(ValueError):
    """The bytes are no feed or sitemap that can be read."""


def canonical_url(url: str) -> str:
    """The address an article is known by: scheme and host lower-cased, default port, fragment and tracking
    parameters (utm_*, fbclid, …) removed, the others sorted."""
    from courlan import normalize_url

    try:
        normal = normalize_url(url.strip())
    except ValueError:  # courlan refuses some malformed addresses: keep them as given, less the fragment
        normal = url.strip()
    parts = urlsplit(normal)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def parse_listing(data: bytes, url: str) -> Listing:
    """Entries of an RSS 2.0, RSS 1.0 or Atom feed, or of a sitemap (news sitemaps' titles and dates included)."""
    root = _xml_root(data)
    if root is not None and _local(root.tag) in ("urlset", "sitemapindex"):
        return _sitemap(root, url)
    return _feed(data, url)


def _xml_root(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        return etree.fromstring(data.lstrip(), parser)
    except etree.XMLSyntaxError:
        return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _sitemap(root, base: str) -> Listing:
    entries, sitemaps = [], []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        fields: dict[str, str] = {}
        for child in node.iter():
            name = _local(child.tag)
            if name in ("loc", "lastmod", "publication_date", "title") and child.text and name not in fields:
                fields[name] = child.text.strip()
        if not fields.get("loc"):
            continue
        stated = fields.get("publication_date") or fields.get("lastmod")
        published = parse_instant(stated) or parse_iso(stated)
        entry = Entry(urljoin(base, fields["loc"]), fields.get("title"), published)
        (sitemaps if _local(node.tag) == "sitemap" else entries).append(entry)
    return Listing(entries, sitemaps)


def _feed(data: bytes, url: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": url})
    entries = []
    for item in parsed.entries:
        link = item.get("link") or next((l.get("href") for l in item.get("links", []) if l.get("href")), None)
        if not link:
            continue
        when = item.get("published_parsed") or item.get("updated_parsed")  # a UTC time, 00:00 where the feed gives a day
        stated = parse_instant(item.get("published") or item.get("updated"))
        published = stated or (dt.datetime.fromtimestamp(calendar.timegm(when), dt.UTC).date().isoformat() if when else None)
        entries.append(Entry(urljoin(url, link.strip()), (item.get("title") or "").strip() or None, published))
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    damaged = f"malformed XML ({_first_line(problem)})" if problem is not None and _serious(problem) else None
    if damaged and not entries:
        raise NotAFeed(damaged)
    if not parsed.get("version") and not entries:
        raise NotAFeed("no RSS, Atom or sitemap found")
    return Listing(entries, [], damaged)


def _serious(problem: Exception) -> bool:
    # feedparser also complains when a server's declared charset differs from the document's: it decodes it all
    # the same, and that is not damage worth a line.
    return type(problem).__name__ not in ("CharacterEncodingOverride", "NonXMLContentType")


def _first_line(problem: object) -> str:
    return str(problem).strip().splitlines()[0] if str(problem).strip() else type(problem).__name__
