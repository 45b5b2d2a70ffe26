"""A real HTTP server on a loopback address, serving news sites made from real articles: feeds, pages, robots.txt.

Used by the fetch tests and bench/fetch_speed.py. Never binds anything but 127.x.x.x.
"""

from __future__ import annotations

import email.utils
import gzip
import html
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Callable

from loopback import LoopbackServer, QuietHandler

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT.parent / "shared" / "eval" / "stories" / "articles.jsonl"


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a timeout case)
    gzip: bool = False  # compressed when the client accepts gzip
    etag: str | None = None  # answered 304 to a matching If-None-Match
    last_modified: str | None = None  # answered 304 to a matching If-Modified-Since


class NewsServer(LoopbackServer):
    """Routes by path (query included); counts the requests to each path; one server per loopback address."""

    def __init__(self, address: str = "127.0.0.1"):
        self.routes: dict[str, Route | Callable[[BaseHTTPRequestHandler], Route]] = {}
        self.hits: Counter[str] = Counter()
        self.agents: set[str] = set()
        self.log: list[tuple[float, str]] = []  # (monotonic time, path) of every request
        self._lock = threading.Lock()
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                with server._lock:
                    server.hits[self.path] += 1
                    server.agents.add(self.headers.get("User-Agent", ""))
                    server.log.append((time.monotonic(), self.path))
                route = server.routes.get(self.path) or Route(b"not here", 404)
                if callable(route):
                    route = route(self)
                if route.delay:
                    time.sleep(route.delay)
                unchanged = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified)
                if unchanged:
                    self.answer(304, b"")
                    return
                body = route.body
                headers = dict(route.headers)
                if route.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                self.answer(route.status, body, headers)

        super().__init__(Handler, address)

    def url(self, path: str) -> str:
        return self.base + path

    def page_hits(self) -> int:
        """Requests for article pages (paths under /news/ or /private/)."""
        return sum(n for path, n in self.hits.items() if path.startswith(("/news/", "/private/")))


def eval_articles(limit: int) -> list[dict]:
    """Real articles to serve: the shared evaluation stories when present; else (a checkout alone) the seeds, each
    cut in two at a paragraph (ten distinct real texts), titled by their first words and dated one day."""
    if STORIES.exists():
        with STORIES.open(encoding="utf-8") as file:
            rows = [json.loads(line) for _, line in zip(range(limit), file)]
        return [{"title": r["title"], "text": r["text"], "published": r["published"][:10]} for r in rows]
    from typer.testing import CliRunner

    from summarizer.cli import app

    result = CliRunner().invoke(app, ["ingest", str(ROOT / "seeds")])
    halves = []
    for seed in (json.loads(line) for line in result.stdout.splitlines()):
        paragraphs = seed["text"].split("\n\n")
        middle = len(paragraphs) // 2
        halves += ["\n".join(paragraphs[:middle]), "\n".join(paragraphs[middle:])]
    return [{"title": " ".join(text.split()[:8]), "text": text, "published": "2024-06-19"} for text in halves[:limit]]


def article_page(article: dict, site_name: str, url: str, with_date: bool = True) -> str:
    """An outlet's page for an article: masthead, menu, the article with its metadata, related links, footer."""
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n") if p.strip())
    date = f'<meta property="article:published_time" content="{article["published"]}T08:00:00Z">' if with_date else ""
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{html.escape(article["title"])} | {html.escape(site_name)}</title>
<meta property="og:site_name" content="{html.escape(site_name)}">
<meta property="og:title" content="{html.escape(article["title"])}">
<link rel="canonical" href="{html.escape(url)}">{date}
</head><body>
<header><nav><a href="/">الرئيسية</a> <a href="/world">العالم</a> <a href="/sport">رياضة</a></nav></header>
<main><article><h1>{html.escape(article["title"])}</h1>
{paragraphs}
</article>
<aside><h2>اقرأ أيضا</h2><ul><li><a href="/news/other">خبر آخر</a></li></ul></aside></main>
<footer>جميع الحقوق محفوظة</footer>
</body></html>"""


def rss(items: list[tuple[str, str, str | None]], title: str = "أخبار") -> bytes:
    """An RSS 2.0 feed of (url, title, ISO date or None) items."""
    entries = []
    for url, headline, date in items:
        when = f"<pubDate>{email.utils.format_datetime(_datetime(date))}</pubDate>" if date else ""
        entries.append(f"<item><title>{html.escape(headline)}</title><link>{html.escape(url)}</link>{when}</item>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{html.escape(title)}</title>'
            f"<link>http://example.invalid/</link><description>feed</description>{''.join(entries)}</channel></rss>").encode()


def atom(items: list[tuple[str, str, str | None]]) -> bytes:
    """An Atom feed of (url, title, ISO date or None) items."""
    entries = "".join(
        f'<entry><title>{html.escape(t)}</title><link href="{html.escape(u)}"/><id>{html.escape(u)}</id>'
        + (f"<updated>{d}T08:00:00Z</updated>" if d else "") + "</entry>"
        for u, t, d in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>أخبار</title>'
            f"<id>urn:feed</id><updated>2018-05-08T00:00:00Z</updated>{entries}</feed>").encode()


def news_sitemap(items: list[tuple[str, str, str | None]]) -> bytes:
    """A Google News sitemap of (url, title, ISO date) items."""
    urls = "".join(
        f"<url><loc>{html.escape(u)}</loc><news:news><news:publication><news:name>x</news:name><news:language>ar</news:language>"
        f"</news:publication><news:publication_date>{d}</news:publication_date><news:title>{html.escape(t)}</news:title></news:news></url>"
        for u, t, d in items
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>').encode()


def opml(feeds: list[tuple[str, str, str]]) -> bytes:
    """An OPML list of (outlet, feed url, type) as feed readers export it, in one folder."""
    outlines = "".join(f'<outline text="{html.escape(n)}" title="{html.escape(n)}" type="{t}" xmlUrl="{html.escape(u)}"/>' for n, u, t in feeds)
    return f'<?xml version="1.0"?><opml version="2.0"><head><title>news</title></head><body><outline text="arabic">{outlines}</outline></body></opml>'.encode()


def _datetime(date: str):
    import datetime as dt

    return dt.datetime.fromisoformat(date + "T08:00:00+00:00")
