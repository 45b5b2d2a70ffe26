"""Grouping time for 1,000 and 10,000 articles, made by repeating and perturbing the eval articles.

Run: python bench/grouping_speed.py [--sizes 1000 10000]
Needs ../shared/eval/stories/ (skips with a message when absent). Writes results/benchmarks.md
(section "grouping-speed").
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from dataclasses import replace

from report import EVAL, machine, write_section

from summarizer.grouping import build_stories, cluster, node_for
from summarizer.pipeline import load_articles
from summarizer.records import Article
from summarizer.settings import Settings

STORIES = EVAL / "stories"


def synthetic(base: list[Article], n: int, seed: int = 7) -> list[Article]:
    """n articles: eval articles with a sentence dropped and one added, new ids, dates over 30 days."""
    rng = random.Random(seed)
    start = dt.date(2018, 5, 1)
    out = []
    for i in range(n):
        a = base[i % len(base)]
        paragraphs = a.text.split("\n\n")
        if len(paragraphs) > 2:
            del paragraphs[rng.randrange(1, len(paragraphs))]
        paragraphs.append(f"وأفاد مصدر برقم {i} بأن التفاصيل ستعلن لاحقا.")
        day = start + dt.timedelta(days=(i // len(base)) % 30)
        out.append(replace(a, id=f"syn-{i:05d}", text="\n\n".join(paragraphs), published=day.isoformat()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--threshold", type=float, default=Settings().group_threshold)
    args = parser.parse_args()
    if not STORIES.exists():
        print(f"skipped: {STORIES} not found (the shared evaluation data)", file=sys.stderr)
        return
    settings = Settings.resolve(env={})
    base = [a for a in load_articles([str(STORIES / "articles.jsonl"), str(STORIES / "more_articles_2018-05-14_15.jsonl")], settings) if isinstance(a, Article)]
    rows, seconds = [], {}
    for n in args.sizes:
        articles = synthetic(base, n)
        t0 = time.perf_counter()
        nodes = [node_for(a) for a in articles]
        t1 = time.perf_counter()
        groups = cluster(nodes, args.threshold)
        t2 = time.perf_counter()
        stories = build_stories(nodes, groups)
        t3 = time.perf_counter()
        seconds[n] = t3 - t0
        largest = max(len(s.articles) for s in stories)
        rows.append(f"| {n} | {t1 - t0:.1f} | {t2 - t1:.1f} | {t3 - t2:.1f} | **{t3 - t0:.1f}** | {len(stories)} | {largest} |")
        print(rows[-1], file=sys.stderr)
    ratio = ""
    if len(seconds) >= 2:
        small, big = min(seconds), max(seconds)
        ratio = f"\n\n{big:,} articles take {seconds[big] / seconds[small]:.1f}× the time of {small:,} ({big / small:.0f}× the articles).\n"
    write_section(
        "grouping-speed",
        "## Grouping speed\n\n"
        f"`python bench/grouping_speed.py --sizes {' '.join(map(str, args.sizes))}` — articles made from the 365 eval "
        "articles (one day + the unlabelled days a week later): each copy loses one paragraph, gains a unique "
        "sentence, gets a new id and a date spread over 30 days. One process, single run (the sizes are the "
        f"repetitions), vectors computed cold (word-list lookups cached as they go). Machine: {machine()}.\n\n"
        "| articles | vectors s | candidates + clustering s | stories s | total s | stories | largest |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + ratio,
    )


if __name__ == "__main__":
    main()
