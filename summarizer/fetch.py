"""`summarizer fetch`: read the feeds, download the new articles politely, keep them in WARC files.

New since the last run only: feeds are asked conditionally (ETag, Last-Modified), articles are known by their
canonical address and by a hash of their text, all remembered in a SQLite file beside the archive
(ARCHIVE/.fetch.sqlite, hidden so `ingest ARCHIVE` reads only the WARC files).

One worker thread per feed host fetches (the polite client keeps each host to one request at a time); the calling
thread alone writes the archive and the state, so a killed run loses at most the page in flight.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from summarizer.feeds import Feed
from summarizer.ingest import read_page
from summarizer.polite import FetchFailed, Politeness, Response, Web
from summarizer.progress import report
from summarizer.records import Problem, RawDocument, Source
from summarizer.db import connect
from summarizer.errors import OutputError
from summarizer.syndication import Entry, NotAFeed, canonical_url, parse_listing
from summarizer.warc import PAGE_TYPES, ArchiveWriter, PageFacts

STATE = ".fetch.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    read TEXT NOT NULL            -- when it last answered (ISO 8601 UTC)
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,         -- canonical address (see syndication.canonical_url)
    status TEXT NOT NULL,         -- article | duplicate | not-article | gone | refused (robots.txt, too big, a loop)
    digest TEXT,                  -- sha256 of the article's text, words joined by one space
    fetched TEXT NOT NULL,
    warc TEXT                     -- the archive file that holds it, relative to the archive
);
CREATE INDEX IF NOT EXISTS pages_digest ON pages(digest);
"""
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
MAX_SITEMAPS = 5  # of a sitemap index, the newest ones read
WORKERS = 32  # feed hosts fetched at once (threads waiting on the network, mostly)


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch and how gently."""

    max_per_feed: int = 50  # new pages a feed may add in one run
    since: dt.date | None = None  # items a feed dates before this are passed over
    politeness: Politeness = Politeness()


@dataclass
class FetchReport:
    """What a run did, for its closing line."""

    feeds: int = 0
    feeds_failed: list[tuple[Feed, str]] = field(default_factory=list)
    feeds_unchanged: int = 0
    pages: int = 0  # downloaded
    articles: int = 0  # new, written to the archive
    duplicates: int = 0  # same address as another item, or the same text under another address
    pages_failed: int = 0
    archive_file: Path | None = None

    def line(self) -> str:
        """The closing line: feeds read and failed, pages fetched, new articles, duplicates skipped."""
        failed = f" ({len(self.feeds_failed)} failed)" if self.feeds_failed else ""
        unchanged = f", {self.feeds_unchanged} unchanged" if self.feeds_unchanged else ""
        pages_failed = f"; {self.pages_failed} pages failed" if self.pages_failed else ""
        return (f"read {self.feeds - len(self.feeds_failed)} of {self.feeds} feeds{failed}{unchanged}; "
                f"fetched {self.pages} pages; {self.articles} new articles; {self.duplicates} duplicates skipped{pages_failed}")


def fetch(feeds: list[Feed], archive: Path, options: FetchOptions, say: Callable[[Problem], None],
          warn: Callable[[str], None] = lambda message: None) -> FetchReport:
    """Fetch what is new in the feeds into archive; each failing feed or page is said as one Problem and the run goes on."""
    run = _Run(archive, options, say, warn)
    try:
        return run.all(feeds)
    except sqlite3.Error as exc:  # a full disk, say: what was written before stays (each page is its own transaction)
        raise OutputError(f"cannot write what fetch remembers, {archive / STATE} ({exc}); make room, or give another --archive") from exc
    finally:
        run.close()


@dataclass(frozen=True)
class _FeedRead:
    feed: Feed
    entries: list[Entry] | None = None  # the new ones to fetch; None when the feed failed or did not change
    failure: str | None = None
    damaged: str | None = None
    moved_to: str | None = None  # where a permanent redirect led: the list should say so
    validators: tuple[str | None, str | None] = (None, None)  # ETag, Last-Modified


@dataclass(frozen=True)
class _Page:
    feed: Feed
    entry: Entry
    response: Response | None = None
    document: RawDocument | None = None
    failure: str | None = None
    status: str | None = None  # a failure not worth asking again (gone, not-article, refused); None: try next run


class _Run:
    def __init__(self, archive: Path, options: FetchOptions, say: Callable[[Problem], None], warn: Callable[[str], None]):
        self.archive, self.options, self.say = archive, options, say
        self.conn = connect(archive / STATE, warn, SCHEMA)
        self.web = Web(options.politeness)
        self.writer = ArchiveWriter(archive)
        self.report = FetchReport()
        self.events: queue.Queue = queue.Queue()
        self._claim_lock = threading.Lock()
        self.known = {row[0] for row in self.conn.execute("SELECT url FROM pages")}  # earlier runs', and this run's stored
        self.claimed: set[str] = set()  # addresses this run has taken or stored: another item at one is a duplicate
        self._counts: dict[str, list[int]] = {}  # each bar's pages done and to do
        self._retry: set[str] = set()  # feeds with a page to ask again next run
        self._stop = threading.Event()  # set when the calling thread cannot go on (a full disk, Ctrl-C)
        self.validators = {row[0]: (row[1], row[2]) for row in self.conn.execute("SELECT url, etag, last_modified FROM feeds")}

    def close(self) -> None:
        self.web.close()
        self.writer.close()
        self.conn.close()

    # --- the calling thread: hand feeds to workers, write what they bring ----------------------------

    def all(self, feeds: list[Feed]) -> FetchReport:
        self.report.feeds = len(feeds)
        by_host: dict[str, list[Feed]] = {}
        for feed in feeds:
            by_host.setdefault(urlsplit(feed.url).netloc.lower(), []).append(feed)
        with ThreadPoolExecutor(max_workers=max(1, min(WORKERS, len(by_host)))) as pool:
            futures = [pool.submit(self._host_worker, host_feeds) for host_feeds in by_host.values()]
            pending = len(futures)
            try:
                while pending:
                    event = self.events.get()
                    if event is None:
                        pending -= 1
                    elif isinstance(event, _Duplicate):
                        self.report.duplicates += 1
                    elif isinstance(event, _FeedDone):
                        self._feed_done(event)
                    elif isinstance(event, _FeedRead):
                        self._feed_read(event)
                    else:
                        self._page(event)
            except BaseException:
                self._stop.set()  # nothing more can be written: the workers finish the request in hand and stop
                raise
            for future in futures:
                future.result()  # a worker's own bug surfaces here, not silently
        self.report.archive_file = self.writer.path if self.report.articles else None
        return self.report

    def _feed_read(self, event: _FeedRead) -> None:
        feed = event.feed
        if event.failure:
            self.report.feeds_failed.append((feed, event.failure))
            self.say(Problem(Source(feed.url), f"feed of {feed.outlet}: {event.failure}", "check it with `summarizer feeds check`"))
            return
        if event.damaged:
            self.say(Problem(Source(feed.url), f"feed of {feed.outlet}: {event.damaged}", "read the items that could be read", skipped=False))
        if event.moved_to:
            self.say(Problem(Source(feed.url), f"feed of {feed.outlet} moved permanently to {event.moved_to}", "read it there; update the feed list", skipped=False))
        if event.entries is None:
            self.report.feeds_unchanged += 1
        self._progress(feed, 0, len(event.entries or []))

    def _feed_done(self, event: _FeedDone) -> None:
        """A feed's pages are all handled: keep its ETag and Last-Modified for the next run's conditional request,
        unless a page failed for a reason that may pass (the next run must read the feed whole to ask again)."""
        etag, modified = event.validators if event.feed.url not in self._retry else (None, None)
        with self.conn:
            self.conn.execute("INSERT INTO feeds (url, etag, last_modified, read) VALUES (?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                              "etag = excluded.etag, last_modified = excluded.last_modified, read = excluded.read",
                              (event.feed.url, etag, modified, _now()))

    def _page(self, page: _Page) -> None:
        if page.response is not None:
            self.report.pages += 1
        self._progress(page.feed, 1, 0)
        addresses = {canonical_url(page.entry.url)}
        if page.response is not None:
            addresses.add(canonical_url(page.response.url))
        if page.failure:
            self.report.pages_failed += 1
            self.say(Problem(Source(page.entry.url), page.failure, f"from the feed of {page.feed.outlet}; the rest of the feed goes on"))
            if page.status:
                self._remember(addresses, page.status, None, None)
            else:
                self._retry.add(page.feed.url)
            return
        document = page.document
        assert document is not None and page.response is not None
        if document.url:
            addresses.add(canonical_url(document.url))  # the page's rel=canonical
        digest = hashlib.sha256(" ".join(document.text.split()).encode("utf-8")).hexdigest()
        same = self.conn.execute("SELECT url FROM pages WHERE digest = ? LIMIT 1", (digest,)).fetchone()
        if same or (addresses - {canonical_url(page.entry.url)}) & self.known:
            self.report.duplicates += 1
            self._remember(addresses, "duplicate", digest, None)
            return
        self.writer.add(page.response, PageFacts(page.feed.outlet, page.feed.url, page.entry.title, page.entry.published))
        self.report.articles += 1
        self._remember(addresses, "article", digest, str(self.writer.path.relative_to(self.archive)))

    def _remember(self, addresses: set[str], status: str, digest: str | None, warc: str | None) -> None:
        with self.conn:
            for address in addresses:
                self.conn.execute("INSERT OR IGNORE INTO pages (url, status, digest, fetched, warc) VALUES (?, ?, ?, ?, ?)",
                                  (address, status, digest, _now(), warc))
        with self._claim_lock:
            self.known |= addresses
            self.claimed |= addresses

    def _progress(self, feed: Feed, done: int, total: int) -> None:
        step = f"{feed.outlet}" + (f" ({feed.section})" if feed.section else "")
        counts = self._counts.setdefault(step, [0, 0])  # feeds of one outlet and section share a bar
        counts[0] += done
        counts[1] += total
        report(step, counts[0], counts[1])

    # --- worker threads: the network and the extraction --------------------------------------------

    def _host_worker(self, feeds: list[Feed]) -> None:
        try:
            for feed in feeds:
                if self._stop.is_set():
                    return
                read = self._read_feed(feed)
                self.events.put(read)
                for entry in read.entries or []:
                    if self._stop.is_set():
                        return
                    self.events.put(self._fetch_page(feed, entry))
                if not read.failure:
                    self.events.put(_FeedDone(feed, read.validators))
        finally:
            self.events.put(None)

    def _read_feed(self, feed: Feed) -> _FeedRead:
        etag, modified = self.validators.get(feed.url, (None, None))
        conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", modified)) if v}
        try:
            response = self.web.get(feed.url, FEED_ACCEPT, conditional)
            if response.status == 304:
                return _FeedRead(feed, validators=(etag, modified))
            if response.status != 200:
                return _FeedRead(feed, failure=response.status_line)
            listing = parse_listing(response.body, response.url)
            entries = list(listing.entries)
            for sitemap in sorted(listing.sitemaps, key=lambda s: s.published or "", reverse=True)[:MAX_SITEMAPS]:
                entries += self._sitemap_entries(sitemap.url)
        except (FetchFailed, NotAFeed) as exc:
            return _FeedRead(feed, failure=str(exc))
        moved = response.url if any(status in (301, 308) for status, _ in response.redirects) else None
        return _FeedRead(feed, self._new(entries), damaged=listing.damaged, moved_to=moved,
                         validators=(response.header("etag"), response.header("last-modified")))

    def _sitemap_entries(self, url: str) -> list[Entry]:
        """The entries of one sitemap an index points to; none when it cannot be read (the others still count)."""
        try:
            response = self.web.get(url, FEED_ACCEPT)
            return parse_listing(response.body, response.url).entries if response.status == 200 else []
        except (FetchFailed, NotAFeed):
            return []

    def _new(self, entries: list[Entry]) -> list[Entry]:
        """The entries to fetch: dated on or after --since, not known from earlier runs nor taken by another feed,
        at most max_per_feed. An address another feed took this run is a duplicate skipped."""
        chosen = []
        since = self.options.since.isoformat() if self.options.since else None
        for entry in entries:
            if len(chosen) >= self.options.max_per_feed:
                break
            if since and entry.published and entry.published < since:
                continue
            address = canonical_url(entry.url)
            with self._claim_lock:
                if address in self.claimed:
                    self.events.put(_Duplicate())
                    continue
                if address in self.known:  # fetched by an earlier run
                    continue
                self.claimed.add(address)
            chosen.append(entry)
        return chosen

    def _fetch_page(self, feed: Feed, entry: Entry) -> _Page:
        try:
            response = self.web.get(entry.url, PAGE_ACCEPT)
        except FetchFailed as exc:
            return _Page(feed, entry, failure=str(exc), status="refused" if exc.permanent else None)
        if response.status in (404, 410):
            return _Page(feed, entry, response, failure=response.status_line, status="gone")
        if response.status != 200:
            return _Page(feed, entry, response, failure=response.status_line)
        kind = (response.header("content-type") or "text/html").split(";")[0].strip().lower()
        if kind not in PAGE_TYPES:
            return _Page(feed, entry, response, failure=f"content type {kind}, not a web page", status="not-article")
        document = read_page(response.body, Source(entry.url), response.url, PageFacts(feed.outlet, feed.url, entry.title, entry.published))
        if isinstance(document, Problem):
            return _Page(feed, entry, response, failure=document.reason, status="not-article")
        return _Page(feed, entry, response, document)


class _Duplicate:
    """The same address listed by two feeds (or twice in one)."""


@dataclass(frozen=True)
class _FeedDone:
    """A feed whose pages have all been handed over, with the validators its answer carried."""

    feed: Feed
    validators: tuple[str | None, str | None]


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def archive_inputs(archive: Path, day: dt.date | None, days: int) -> list[str]:
    """The archive's day folders a briefing of `days` days ending on `day` (default today, UTC) reads: those days,
    and the next one (a page published late is fetched the day after)."""
    end = day or dt.datetime.now(dt.UTC).date()
    wanted = [end + dt.timedelta(days=offset) for offset in range(1 - days, 2)]
    return [str(folder) for folder in (archive / d.isoformat() for d in wanted) if folder.is_dir()]


def check_feed(feeds: list[Feed], politeness: Politeness) -> Iterator[tuple[Feed, tuple[str, str]]]:
    """Each feed's verdict: ok (with its item count and newest date), moved (and where), dead or failing (and why)."""
    with Web(politeness) as web:
        for feed in feeds:
            yield feed, _verdict(web, feed)


def _verdict(web: Web, feed: Feed) -> tuple[str, str]:
    try:
        response = web.get(feed.url, FEED_ACCEPT)
    except FetchFailed as exc:
        return "failing", str(exc)
    if response.status in (404, 410):
        return "dead", response.status_line
    if response.status != 200:
        return "failing", response.status_line
    try:
        listing = parse_listing(response.body, response.url)
    except NotAFeed as exc:
        return "not a feed", str(exc)
    permanent = [url for status, url in response.redirects if status in (301, 308)]
    items = len(listing.entries) or len(listing.sitemaps)
    newest = max((e.published for e in listing.entries if e.published), default=None)
    detail = f"{items} items" + (f", newest {newest}" if newest else ", undated")
    if permanent:
        return "moved", f"now at {response.url}; {detail}"
    return "ok", detail
