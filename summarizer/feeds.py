"""The list of feeds `summarizer fetch` reads: the bundled one, a user's TOML, or a feed reader's OPML."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import quoteattr

from summarizer.errors import ConfigError

BUNDLED = "data/feeds.toml"
KINDS = ("feed", "sitemap")  # feed: RSS 2.0 or Atom; sitemap: a (news) sitemap or sitemap index


@dataclass(frozen=True)
class Feed:
    """One feed of one outlet."""

    url: str
    outlet: str
    site: str = ""
    section: str = ""
    region: str = ""
    kind: str = "feed"


def user_list(home: Path) -> Path:
    """Where a user's own feed list lives; when it exists it replaces the bundled one."""
    return home / "feeds.toml"


def load_feeds(path: Path | None, home: Path) -> tuple[list[Feed], str]:
    """The feeds of a TOML or OPML file, else of the user's list, else the bundled one; and where they came from."""
    if path is None and user_list(home).exists():
        path = user_list(home)
    if path is None:
        text = resources.files("summarizer").joinpath(BUNDLED).read_text(encoding="utf-8")
        return read_toml(text, f"summarizer/{BUNDLED}"), f"the bundled list (summarizer/{BUNDLED})"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the feed list {path} ({exc.strerror or exc}); check the path") from exc
    if _is_opml(path, data):
        return read_opml(data, str(path)), str(path)
    try:
        return read_toml(data.decode("utf-8"), str(path)), str(path)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc}); give a TOML or OPML feed list") from exc


def _is_opml(path: Path, data: bytes) -> bool:
    return path.suffix.lower() in (".opml", ".xml") or data.lstrip()[:200].lower().startswith((b"<?xml", b"<opml"))


def read_toml(text: str, where: str) -> list[Feed]:
    """Feeds of a TOML list shaped as summarizer/data/feeds.toml."""
    try:
        data = tomllib.loads(text)
        feeds = []
        for entry in data.get("outlet", []):
            for feed in entry.get("feeds", []):
                kind = feed.get("kind", "feed")
                if kind not in KINDS:
                    raise ValueError(f"outlet {entry['name']!r}: kind {kind!r} is not one of {', '.join(KINDS)}")
                feeds.append(Feed(url=str(feed["url"]), outlet=str(entry["name"]), site=str(entry.get("site", "")),
                                  section=str(feed.get("section", "")), region=str(entry.get("region", "")), kind=kind))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{where}: not a valid feed list ({exc}); see summarizer/{BUNDLED} for the shape") from exc
    return feeds


def read_opml(data: bytes, where: str) -> list[Feed]:
    """Feeds of an OPML file as feed readers export it: outlines with xmlUrl, in folders (a folder is a section)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"{where}: not a readable OPML file ({exc}); export it again from the feed reader") from exc
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise ConfigError(f"{where}: not an OPML file (no <opml><body>); give an OPML export or a TOML feed list")
    feeds = []
    for outline in body.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue
        folder = outline.getparent()
        section = outline.get("category") or (folder.get("text") or folder.get("title") or "" if folder.tag == "outline" else "")
        kind = "sitemap" if outline.get("type") == "sitemap" else "feed"
        name = outline.get("title") or outline.get("text") or url
        feeds.append(Feed(url=url, outlet=name.strip(), site=(outline.get("htmlUrl") or "").strip(), section=section.strip(), kind=kind))
    if not feeds:
        raise ConfigError(f"{where}: the OPML file lists no feeds (no outline with an xmlUrl)")
    return feeds


def to_opml(feeds: list[Feed], title: str = "summarizer feeds") -> str:
    """The feeds as OPML 2.0, one folder per section, for a feed reader to import."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', f"  <head><title>{_text(title)}</title></head>", "  <body>"]
    sections: dict[str, list[Feed]] = {}
    for feed in feeds:
        sections.setdefault(feed.section, []).append(feed)
    for section, members in sections.items():
        indent = "    "
        if section:
            lines.append(f"    <outline text={quoteattr(section)}>")
            indent = "      "
        for feed in members:
            kind = "sitemap" if feed.kind == "sitemap" else "rss"
            attrs = f"text={quoteattr(feed.outlet)} title={quoteattr(feed.outlet)} type={quoteattr(kind)} xmlUrl={quoteattr(feed.url)}"
            lines.append(f"{indent}<outline {attrs}" + (f" htmlUrl={quoteattr(feed.site)}" if feed.site else "") + "/>")
        if section:
            lines.append("    </outline>")
    return "\n".join([*lines, "  </body>", "</opml>"]) + "\n"


def _text(value: str) -> str:
    return quoteattr(value)[1:-1]


def to_toml(feeds: list[Feed]) -> str:
    """The feeds as a TOML list of the bundled file's shape, one [[outlet]] per outlet."""
    outlets: dict[str, list[Feed]] = {}
    for feed in feeds:
        outlets.setdefault(feed.outlet, []).append(feed)
    parts = ["# Feed list for `summarizer fetch` (shape: summarizer/data/feeds.toml).\n"]
    for name, members in outlets.items():
        first = members[0]
        lines = ["[[outlet]]", f"name = {_quote(name)}"]
        lines += [f"site = {_quote(first.site)}"] if first.site else []
        lines += [f"region = {_quote(first.region)}"] if first.region else []
        lines.append("feeds = [")
        for feed in members:
            fields = [f"url = {_quote(feed.url)}", f"section = {_quote(feed.section)}"] + ([f'kind = "{feed.kind}"'] if feed.kind != "feed" else [])
            lines.append("  { " + ", ".join(fields) + " },")
        parts.append("\n".join([*lines, "]"]) + "\n")
    return "\n".join(parts)


def _quote(value: str) -> str:
    # A JSON string is a TOML basic string for everything a name or an address holds (escapes included).
    return json.dumps(value, ensure_ascii=False)
