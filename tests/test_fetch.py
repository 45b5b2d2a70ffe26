"""`summarizer fetch`, `feeds` and `brief --fetch` against a real HTTP server on 127.0.0.1: feeds, pages, the archive,
and every bad case a crawler meets, each one line while the rest goes on."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from newsserver import NewsServer, Route, article_page, atom, eval_articles, news_sitemap, opml, rss

from summarizer import __version__
from summarizer.cli import app
from summarizer.feeds import Feed, load_feeds, read_opml, read_toml, to_opml, to_toml
from summarizer.fetch import FetchOptions, fetch
from summarizer.polite import Politeness
from summarizer.syndication import canonical_url, parse_listing

FAST = ["--delay", "0", "--timeout", "0.5", "--retries", "1"]


def _site(server: NewsServer, articles: list[dict]) -> dict[str, str]:
    """Every case on one host; returns the feed addresses by name."""
    def page(i: int, path: str | None = None, **kwargs) -> Route:
        path = path or f"/news/a{i}"
        return Route(article_page(articles[i], "موقع", server.url(path)).encode(), headers={"Content-Type": "text/html; charset=utf-8"}, **kwargs)

    for i in (0, 1, 5, 6, 7, 8):
        server.routes[f"/news/a{i}"] = page(i)
    server.routes["/news/a2"] = page(2, gzip=True)
    # Windows-1256 bytes served as UTF-8: the declared charset is wrong.
    server.routes["/news/a3"] = Route(article_page(articles[3], "موقع", server.url("/news/a3")).replace('charset="utf-8"', "").encode("cp1256", errors="replace"),
                                      headers={"Content-Type": "text/html; charset=utf-8"})
    server.routes["/news/a9"] = Route(article_page(articles[9], "موقع", server.url("/news/a9"), with_date=False).encode(), headers={"Content-Type": "text/html"})
    server.routes["/private/a4"] = page(4, "/private/a4")
    server.routes["/news/huge"] = Route(b"<html><body><p>" + "كلمة ".encode() * 1_300_000 + b"</p></body></html>", headers={"Content-Type": "text/html"})
    server.routes["/news/a1-copy"] = page(1, "/news/a1-copy")  # the same article under another address
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    day = articles[0]["published"]
    items = lambda *pairs: [(server.url(path), articles[i]["title"], day) for i, path in pairs]  # noqa: E731
    server.routes["/feeds/rss.xml"] = Route(rss(items((0, "/news/a0"), (1, "/news/a1"), (2, "/news/a2"), (3, "/news/a3"), (4, "/private/a4"), (0, "/news/missing"), (0, "/news/huge"))),
                                            headers={"Content-Type": "application/rss+xml"}, etag='"v1"')
    server.routes["/feeds/atom.xml"] = Route(atom(items((5, "/news/a5"), (6, "/news/a6"), (0, "/news/a0?utm_source=atom&utm_medium=rss"), (1, "/news/a1-copy"))),
                                             headers={"Content-Type": "application/atom+xml"}, last_modified="Tue, 08 May 2018 10:00:00 GMT")
    server.routes["/sitemap-news.xml"] = Route(news_sitemap(items((7, "/news/a7"), (8, "/news/a8"))), headers={"Content-Type": "application/xml"})
    server.routes["/feeds/undated.xml"] = Route(rss([(server.url("/news/a9"), articles[9]["title"], None)]), headers={"Content-Type": "application/rss+xml"})
    server.routes["/feeds/broken.xml"] = Route(b"<?xml version='1.0'?><rss><channel><item><title>x</titl", headers={"Content-Type": "application/rss+xml"})
    server.routes["/feeds/error.xml"] = Route(b"oops", 500, {"Retry-After": "0"})
    server.routes["/feeds/slow.xml"] = Route(rss([]), delay=1.5)
    server.routes["/feeds/loop.xml"] = Route(b"", 302, {"Location": "/feeds/loop2.xml"})
    server.routes["/feeds/loop2.xml"] = Route(b"", 302, {"Location": "/feeds/loop.xml"})
    return {name: server.url(path) for name, path in [
        ("rss", "/feeds/rss.xml"), ("atom", "/feeds/atom.xml"), ("sitemap", "/sitemap-news.xml"), ("undated", "/feeds/undated.xml"),
        ("broken", "/feeds/broken.xml"), ("gone", "/feeds/gone.xml"), ("error", "/feeds/error.xml"), ("slow", "/feeds/slow.xml"), ("loop", "/feeds/loop.xml")]}


OUTLETS = {"rss": "BBC Arabic", "atom": "Sky News Arabia", "sitemap": "France 24", "undated": "Al Arabiya"}
STORED = [0, 1, 2, 3, 5, 6, 7, 8, 9]  # the articles the site offers that may be stored: each once


@pytest.fixture
def site(tmp_path):
    articles = eval_articles(10)
    with NewsServer() as server:
        feeds = _site(server, articles)
        listing = tmp_path / "feeds.opml"
        listing.write_bytes(opml([(OUTLETS.get(name, f"Outlet {name}"), url, "sitemap" if name == "sitemap" else "rss") for name, url in feeds.items()]))
        yield server, articles, listing


def test_fetch_archives_each_article_once_and_ingest_reads_them_back(runner, site, tmp_path):
    server, articles, listing = site
    archive = tmp_path / "archive"
    first = runner.invoke(app, ["fetch", "--feeds", str(listing), "--archive", str(archive), *FAST])
    assert first.exit_code == 1, first.output  # some feeds and pages failed; the rest was fetched
    lines = first.stderr.splitlines()
    # Every bad case is one line, naming its address and why.
    for address, why in [("/feeds/broken.xml", "malformed XML"), ("/feeds/gone.xml", "HTTP 404"), ("/feeds/error.xml", "HTTP 500"),
                         ("/feeds/slow.xml", "timed out"), ("/feeds/loop.xml", "redirect loop"), ("/private/a4", "robots.txt disallows"),
                         ("/news/missing", "HTTP 404"), ("/news/huge", "size cap")]:
        said = [line for line in lines if address in line.split(": ", 2)[1]]
        assert len(said) == 1 and why in said[0], (address, lines)
    assert "read 4 of 9 feeds (5 failed); fetched 11 pages; 9 new articles; 2 duplicates skipped; 3 pages failed" in first.stderr
    assert {a for a in server.agents if a} == {f"summarizer/{__version__} (Arabic news briefings; honours robots.txt)"}
    assert server.hits["/private/a4"] == 0 and server.hits["/feeds/error.xml"] == 2  # robots kept us out; a 500 is tried again once

    warcs = list(archive.rglob("*.warc.gz"))
    assert len(warcs) == 1
    read = runner.invoke(app, ["ingest", str(archive)])
    assert read.exit_code == 0, read.output
    docs = [json.loads(line) for line in read.stdout.splitlines()]
    assert sorted(d["title"] for d in docs) == sorted(articles[i]["title"] for i in STORED)  # each once, the cp1256 page read right
    by_path = {d["url"].split(server.base, 1)[1]: d for d in docs}
    assert set(by_path) == {f"/news/a{i}" for i in STORED}
    assert by_path["/news/a0"]["outlet"] == "BBC Arabic" and by_path["/news/a7"]["outlet"] == "France 24"
    assert all(d["published"] == articles[0]["published"] for d in docs if d["url"] != server.url("/news/a9"))
    assert by_path["/news/a9"]["published"] is None  # neither the feed nor the page dates it: not guessed
    assert all(d["published_at"] == f"{d['published']}T08:00Z" for d in docs if d["published"])  # and the time, in UTC

    pages_before, feeds_before = server.page_hits(), server.hits["/feeds/rss.xml"] + server.hits["/feeds/atom.xml"]
    again = runner.invoke(app, ["fetch", "--feeds", str(listing), "--archive", str(archive), *FAST])
    assert server.page_hits() == pages_before  # no article page downloaded again
    assert server.hits["/feeds/rss.xml"] + server.hits["/feeds/atom.xml"] == feeds_before + 2
    assert "2 unchanged" in again.stderr and "0 new articles" in again.stderr  # ETag and Last-Modified answered 304
    assert len(list(archive.rglob("*.warc.gz"))) == 1  # nothing new: no empty archive file either


def test_brief_fetch_writes_the_briefing_of_the_fetched_articles(runner, tmp_path):
    articles = eval_articles(3)
    with NewsServer() as server:
        for i in range(3):
            server.routes[f"/news/a{i}"] = Route(article_page(articles[i], "موقع", server.url(f"/news/a{i}")).encode(), headers={"Content-Type": "text/html"})
        server.routes["/rss"] = Route(rss([(server.url(f"/news/a{i}"), articles[i]["title"], articles[i]["published"]) for i in range(3)]))
        listing = tmp_path / "feeds.toml"
        listing.write_text(to_toml([Feed(server.url("/rss"), "BBC Arabic")]), encoding="utf-8")
        out = tmp_path / "out"
        result = runner.invoke(app, ["brief", "--fetch", "--feeds", str(listing), "--archive", str(tmp_path / "archive"), "--out", str(out), "--no-store"])
    assert result.exit_code == 0, result.output
    briefing = json.loads((out / f"briefing-{articles[0]['published']}.json").read_text(encoding="utf-8"))
    urls = {source["url"] for source in briefing["sources"]}
    assert urls == {server.url(f"/news/a{i}") for i in range(3)}
    assert "3 new articles" in result.stderr


def test_politeness_delay_retry_after_and_the_decompressed_size_cap(tmp_path):
    articles = eval_articles(2)
    calls = {"n": 0}

    def busy_then_fine(_handler) -> Route:
        calls["n"] += 1
        if calls["n"] == 1:
            return Route(b"busy", 429, {"Retry-After": "1"})
        return Route(article_page(articles[1], "موقع", "x").encode(), headers={"Content-Type": "text/html"})

    with NewsServer() as server:
        server.routes["/news/a0"] = Route(article_page(articles[0], "موقع", server.url("/news/a0")).encode(), headers={"Content-Type": "text/html"})
        server.routes["/news/busy"] = busy_then_fine
        server.routes["/news/bomb"] = Route(gzip.compress(b"<html>" + b" " * 3_000_000 + b"</html>"), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
        server.routes["/feed"] = Route(rss([(server.url(p), "t", None) for p in ("/news/a0", "/news/busy", "/news/bomb")]))
        said = []
        politeness = Politeness(delay=0.3, timeout=2, retries=2, backoff=0.01, max_bytes=1_000_000)
        result = fetch([Feed(server.url("/feed"), "BBC Arabic")], tmp_path / "archive", FetchOptions(politeness=politeness), said.append)
    assert result.articles == 2 and result.pages_failed == 1
    assert [str(p) for p in said] == [f"{server.url('/news/bomb')}: over the 0.953674 MB size cap once decompressed; from the feed of BBC Arabic; the rest of the feed goes on"]
    times = [t for t, _ in server.log]
    assert all(b - a >= 0.29 for a, b in zip(times, times[1:]))  # one host: a request at a time, the delay between
    busy = [t for t, path in server.log if path == "/news/busy"]
    assert busy[1] - busy[0] >= 0.99  # Retry-After: 1 was waited for


def test_since_and_max_per_feed_choose_what_is_fetched(tmp_path):
    articles = eval_articles(4)
    with NewsServer() as server:
        for i in range(4):
            server.routes[f"/news/a{i}"] = Route(article_page(articles[i], "موقع", server.url(f"/news/a{i}")).encode(), headers={"Content-Type": "text/html"})
        dates = ["2018-05-08", "2018-05-01", None, "2018-05-09"]
        server.routes["/rss"] = Route(rss([(server.url(f"/news/a{i}"), "t", d) for i, d in enumerate(dates)]))
        feed = [Feed(server.url("/rss"), "BBC Arabic")]
        options = FetchOptions(max_per_feed=2, since=dt.date(2018, 5, 5), politeness=Politeness(delay=0))
        first = fetch(feed, tmp_path / "a", options, print)
        assert first.articles == 2 and server.page_hits() == 2 and server.hits["/news/a1"] == 0  # a1 is older than --since
        second = fetch(feed, tmp_path / "a", options, print)
        assert second.articles == 1 and server.hits["/news/a3"] == 1 and server.hits["/news/a1"] == 0  # the one left over


def test_feed_formats_and_canonical_addresses():
    assert canonical_url("HTTPS://WWW.Example.com:443/a/b?utm_source=x&id=3&fbclid=zz#frag") == "https://www.example.com/a/b?id=3"
    assert canonical_url("http://example.com/x?b=2&a=1") == canonical_url("http://example.com/x?a=1&b=2")
    base = "http://127.0.0.1/"
    listing = parse_listing(rss([("/news/1", "عنوان", "2018-05-08"), ("http://127.0.0.1/news/2", "ب", None)]), base)
    # A feed's time of day is kept, in UTC (RSS: Tue, 08 May 2018 08:00:00 +0000).
    assert [(e.url, e.title, e.published) for e in listing.entries] == [("http://127.0.0.1/news/1", "عنوان", "2018-05-08T08:00Z"), ("http://127.0.0.1/news/2", "ب", None)]
    assert [e.published for e in parse_listing(atom([("http://h/1", "t", "2018-06-12")]), base).entries] == ["2018-06-12T08:00Z"]
    assert [(e.url, e.title) for e in parse_listing(news_sitemap([("http://h/2", "خبر", "2018-06-13")]), base).entries] == [("http://h/2", "خبر")]
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://h/s1.xml</loc><lastmod>2018-06-13</lastmod></sitemap></sitemapindex>'
    assert [e.url for e in parse_listing(index, base).sitemaps] == ["http://h/s1.xml"]


def test_the_bundled_list_ships_and_round_trips_through_opml(runner, tmp_path):
    bundled, where = load_feeds(None, tmp_path)
    assert "bundled" in where
    assert len({f.outlet for f in bundled}) >= 20 and {f.region for f in bundled} >= {"Gulf", "Levant", "Egypt", "Maghreb", "International"}
    shown = runner.invoke(app, ["feeds", "list"])
    assert shown.exit_code == 0 and "BBC Arabic" in shown.stdout and "Hespress" in shown.stdout
    again = read_opml(to_opml(bundled).encode(), "x.opml")
    assert sorted((f.url, f.outlet, f.section, f.kind) for f in again) == sorted((f.url, f.outlet, f.section, f.kind) for f in bundled)
    # feeds export, then feeds import: the user's own list, which fetch and feeds list then read.
    exported = runner.invoke(app, ["feeds", "export", "--out", str(tmp_path / "mine.opml")])
    assert exported.exit_code == 0
    imported = runner.invoke(app, ["feeds", "import", str(tmp_path / "mine.opml"), "--out", str(tmp_path / "mine.toml")])
    assert imported.exit_code == 0, imported.output
    mine = read_toml((tmp_path / "mine.toml").read_text(encoding="utf-8"), "mine.toml")
    assert sorted((f.url, f.outlet) for f in mine) == sorted((f.url, f.outlet) for f in bundled)


def test_feeds_check_says_ok_moved_dead_and_not_a_feed(runner, tmp_path):
    with NewsServer() as server:
        server.routes["/ok"] = Route(rss([("http://h/1", "t", "2018-05-08")]))
        server.routes["/old"] = Route(b"", 301, {"Location": "/ok"})
        server.routes["/page"] = Route(b"<html><body><p>hello</p></body></html>", headers={"Content-Type": "text/html"})
        listing = tmp_path / "f.toml"
        listing.write_text(to_toml([Feed(server.url(p), f"O{p}") for p in ("/ok", "/old", "/gone", "/page")]), encoding="utf-8")
        result = runner.invoke(app, ["feeds", "check", "--feeds", str(listing)], terminal_width=300)
    assert result.exit_code == 1
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 3}
    assert "ok" in rows["O/ok"] and "1 items, newest 2018-05-08" in rows["O/ok"]
    assert "moved" in rows["O/old"] and server.url("/ok") in rows["O/old"]
    assert "dead" in rows["O/gone"] and "not a feed" in rows["O/page"]


def test_a_cut_archive_gives_its_pages_then_one_line(runner, site, tmp_path):
    server, articles, listing = site
    archive = tmp_path / "archive"
    runner.invoke(app, ["fetch", "--feeds", str(listing), "--archive", str(archive), *FAST])
    (warc,) = archive.rglob("*.warc.gz")
    data = warc.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    result = runner.invoke(app, ["ingest", str(cut)])
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert 3 <= len(docs) < len(STORED)
    assert result.stderr.count("\n") == 1 and "damaged WARC file after record" in result.stderr
    # The same records uncompressed (a .warc file, as other crawlers write too): all of them, no complaint.
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(data))
    whole = runner.invoke(app, ["ingest", str(plain)])
    assert whole.exit_code == 0 and not whole.stderr and len(whole.stdout.splitlines()) == len(STORED)


def test_fetch_is_refused_offline_with_the_fix(runner, tmp_path):
    result = runner.invoke(app, ["--offline", "fetch", "--archive", str(tmp_path / "a")])
    assert result.exit_code == 2 and "offline (option offline=True)" in result.stderr and not (tmp_path / "a").exists()
    result = runner.invoke(app, ["fetch", "--archive", str(tmp_path / "a")], env={"SUMMARIZER_OFFLINE": "1"})
    assert result.exit_code == 2 and "SUMMARIZER_OFFLINE='1'" in result.stderr
    # The Hugging Face variables keep the model hub offline, not the outlets' feeds.
    with NewsServer() as server:
        server.routes["/rss"] = Route(rss([]))
        listing = tmp_path / "f.toml"
        listing.write_text(to_toml([Feed(server.url("/rss"), "BBC Arabic")]), encoding="utf-8")
        result = runner.invoke(app, ["fetch", "--feeds", str(listing), "--archive", str(tmp_path / "b")], env={"HF_HUB_OFFLINE": "1"})
    assert result.exit_code == 0, result.output
    assert server.hits["/rss"] == 1


def test_archive_day_folders_for_a_briefing(tmp_path):
    from summarizer.fetch import archive_inputs

    for day in ("2018-05-06", "2018-05-07", "2018-05-08", "2018-05-09", "2018-05-11"):
        (tmp_path / day).mkdir()
    assert [Path(p).name for p in archive_inputs(tmp_path, dt.date(2018, 5, 8), 1)] == ["2018-05-08", "2018-05-09"]
    assert [Path(p).name for p in archive_inputs(tmp_path, dt.date(2018, 5, 8), 3)] == ["2018-05-06", "2018-05-07", "2018-05-08", "2018-05-09"]


def test_a_page_that_failed_for_now_is_asked_again_next_run_though_its_feed_did_not_change(tmp_path):
    articles = eval_articles(2)
    calls = {"n": 0}

    def down_then_up(_handler) -> Route:
        calls["n"] += 1
        if calls["n"] <= 2:  # the first try and its retry
            return Route(b"down", 503)
        return Route(article_page(articles[1], "موقع", "x").encode(), headers={"Content-Type": "text/html"})

    with NewsServer() as server:
        server.routes["/news/a0"] = Route(article_page(articles[0], "موقع", server.url("/news/a0")).encode(), headers={"Content-Type": "text/html"})
        server.routes["/news/a1"] = down_then_up
        server.routes["/rss"] = Route(rss([(server.url(p), "t", None) for p in ("/news/a0", "/news/a1")]), etag='"same"')
        feed = [Feed(server.url("/rss"), "BBC Arabic")]
        options = FetchOptions(politeness=Politeness(delay=0, retries=1, backoff=0.01))
        first = fetch(feed, tmp_path / "a", options, print)
        assert (first.articles, first.pages_failed) == (1, 1)
        second = fetch(feed, tmp_path / "a", options, print)
        # The feed answered in full (its ETag was not kept), and only the failed page was asked for again.
        assert second.feeds_unchanged == 0 and second.articles == 1 and server.hits["/news/a0"] == 1
        third = fetch(feed, tmp_path / "a", options, print)
        assert third.feeds_unchanged == 1 and third.pages == 0  # all done: now the ETag is kept and answered 304


def test_an_archive_that_cannot_be_written_is_one_line_naming_it(runner, tmp_path, monkeypatch):
    import errno

    from warcio.warcwriter import WARCWriter

    def full(self, record, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    articles = eval_articles(1)
    with NewsServer() as server:
        server.routes["/news/a0"] = Route(article_page(articles[0], "موقع", server.url("/news/a0")).encode(), headers={"Content-Type": "text/html"})
        server.routes["/rss"] = Route(rss([(server.url("/news/a0"), "t", None)]))
        listing = tmp_path / "f.toml"
        listing.write_text(to_toml([Feed(server.url("/rss"), "BBC Arabic")]), encoding="utf-8")
        monkeypatch.setattr(WARCWriter, "write_record", full)
        result = runner.invoke(app, ["fetch", "--feeds", str(listing), "--archive", str(tmp_path / "a"), "--delay", "0", "-q"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("summarizer: error: cannot write the archive ") and "No space left on device" in line
