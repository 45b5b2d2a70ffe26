"""Fetch speed: 1,000 article pages from 20 local hosts (127.0.0.2 … 127.0.0.21, each its own host with its own
feed and robots.txt), with the politeness delay at 0 and at its default, and the cost of an immediate rerun
(nothing changed: no page may be downloaded again).

Pages are real articles of the shared evaluation windows (all five, 933 articles; the last 67 pages add a paragraph
of another article so each text is distinct). Loopback only: this measures our side (HTTP client, extraction, WARC
writing, the state), not the internet.

Run: .venv/bin/python bench/fetch_speed.py [--hosts 20] [--pages 1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from report import EVAL, ROOT, machine, write_section

sys.path.insert(0, str(ROOT / "tests"))

from newsserver import NewsServer, Route, article_page, rss  # noqa: E402

from summarizer.feeds import Feed  # noqa: E402
from summarizer.fetch import FetchOptions, fetch  # noqa: E402
from summarizer.polite import Politeness  # noqa: E402


def articles(count: int) -> list[dict]:
    rows = []
    for path in sorted((EVAL / "stories").glob("*articles*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]  # not splitlines: U+2028 in text
    pages = []
    for k in range(count):
        row = rows[k % len(rows)]
        text = row["text"] if k < len(rows) else row["text"] + "\n" + rows[(k * 7 + 3) % len(rows)]["text"].split("\n")[0]
        pages.append({"title": row["title"], "text": text, "published": row["published"][:10]})
    return pages


def serve(hosts: int, pages: list[dict]) -> tuple[list[NewsServer], list[Feed]]:
    servers, feeds = [], []
    per_host = len(pages) // hosts
    for h in range(hosts):
        server = NewsServer(f"127.0.0.{h + 2}").__enter__()
        mine = pages[h * per_host : (h + 1) * per_host]
        for i, page in enumerate(mine):
            server.routes[f"/news/{i}"] = Route(article_page(page, f"site {h}", server.url(f"/news/{i}")).encode(), headers={"Content-Type": "text/html; charset=utf-8"})
        server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
        server.routes["/rss"] = Route(rss([(server.url(f"/news/{i}"), p["title"], p["published"]) for i, p in enumerate(mine)]),
                                      headers={"Content-Type": "application/rss+xml"}, etag=f'"{h}"')
        servers.append(server)
        feeds.append(Feed(server.url("/rss"), f"Outlet {h}"))
    return servers, feeds


def run(feeds: list[Feed], archive: Path, delay: float, per_feed: int) -> tuple[float, object]:
    started = time.perf_counter()
    result = fetch(feeds, archive, FetchOptions(max_per_feed=per_feed, politeness=Politeness(delay=delay)), lambda p: print("  ", p))
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    pages = articles(args.pages)
    servers, feeds = serve(args.hosts, pages)
    per_feed = args.pages // args.hosts
    rows = []
    try:
        for delay in (0.0, Politeness().delay):
            with tempfile.TemporaryDirectory() as tmp:
                before = sum(s.page_hits() for s in servers)
                seconds, first = run(feeds, Path(tmp), delay, per_feed)
                fetched = sum(s.page_hits() for s in servers) - before
                again, second = run(feeds, Path(tmp), delay, per_feed)
                refetched = sum(s.page_hits() for s in servers) - before - fetched
                size = sum(p.stat().st_size for p in Path(tmp).rglob("*.warc.gz"))
                rows.append((delay, seconds, first, fetched, again, second, refetched, size))
                print(f"delay {delay:g} s: {first.line()} in {seconds:.1f} s; rerun {again:.2f} s: {second.line()}; pages asked again {refetched}")
    finally:
        for server in servers:
            server.__exit__(None, None, None)

    lines = [
        f"{args.pages} article pages on {args.hosts} local hosts (127.0.0.2-{args.hosts + 1}; {per_feed} a host, one RSS feed and a "
        "robots.txt each), real articles of the evaluation windows. Loopback: our side only (client, extraction with "
        "trafilatura, WARC writing, SQLite state), not the internet's latency.",
        "",
        "| politeness delay | first run | pages/s | new articles | same text skipped | WARC size | immediate rerun | pages downloaded again | feeds answered 304 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for delay, seconds, first, fetched, again, second, refetched, size in rows:
        lines.append(f"| {delay:g} s | {seconds:.1f} s | {fetched / seconds:.1f} | {first.articles} | {first.duplicates} | {size / 1e6:.1f} MB | {again:.2f} s | {refetched} | {second.feeds_unchanged} of {second.feeds} |")
    lines += [
        "",
        "With the delay, each host gets one request at a time and a pause between; hosts are fetched at once (up to "
        "32), so a run takes about (pages per host) x delay. The rerun asks each feed with its ETag and downloads nothing. "
        "The evaluation windows share some articles (the same text in two windows): the text hash stores those once, "
        "which is the 'same text skipped' column. At delay 0 the run is bound by extracting the pages (trafilatura, "
        "one core's worth under the GIL), not by the network.",
        "",
        f"Machine: {machine()}. Command: `.venv/bin/python bench/fetch_speed.py --hosts {args.hosts} --pages {args.pages}`.",
    ]
    write_section("fetch-speed", "## Fetch speed (`summarizer fetch`)\n\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
