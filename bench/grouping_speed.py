"""Grouping time and peak memory for 1,000, 10,000 and 100,000 articles, made by repeating and perturbing the eval articles.

Run: python bench/grouping_speed.py [--sizes 1000 10000 100000]
Needs ../shared/eval/stories/ (skips with a message when absent). Writes results/benchmarks.md
(section "grouping-speed").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace

from report import EVAL, machine, write_section

from summarizer.grouping import build_stories, cluster, nodes_for
from summarizer.pipeline import load_articles
from summarizer.records import Article
from summarizer.settings import Settings

STORIES = EVAL / "stories"
BASE = sorted(STORIES.glob("*articles*.jsonl")) + [EVAL / "summaries" / "bbc_arabic_dev150.jsonl"]


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


def run_one(n: int, threshold: float) -> dict:
    """Group n synthetic articles cold in this process: seconds per step, stories, and peak memory."""
    settings = Settings.resolve(env={})
    base = [a for a in load_articles([str(p) for p in BASE], settings) if isinstance(a, Article)]
    articles = synthetic(base, n)
    t0 = time.perf_counter()
    nodes = nodes_for(articles)
    t1 = time.perf_counter()
    groups = cluster(nodes, threshold)
    t2 = time.perf_counter()
    stories = build_stories(nodes, groups)
    t3 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"n": n, "base": len(base), "vectors": t1 - t0, "clustering": t2 - t1, "stories_s": t3 - t2, "total": t3 - t0,
            "stories": len(stories), "largest": max(len(s.articles) for s in stories), "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--threshold", type=float, default=Settings().group_threshold)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # run one size in this process (used per size, for its peak memory)
    args = parser.parse_args()
    if not STORIES.exists():
        print(f"skipped: {STORIES} not found (the shared evaluation data)", file=sys.stderr)
        return
    if args.one:
        print(json.dumps(run_one(args.one, args.threshold)))
        return
    rows, seconds, base = [], {}, 0
    for n in args.sizes:
        # A fresh process per size: cold word-list caches, and a peak memory of that size alone.
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--threshold", str(args.threshold)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        seconds[n], base = r["total"], r["base"]
        rows.append(f"| {n:,} | {r['vectors']:.1f} | {r['clustering']:.1f} | {r['stories_s']:.1f} | **{r['total']:.1f}** | {r['peak_mb']:,.0f} | {r['stories']} | {r['largest']} |")
        print(rows[-1], file=sys.stderr)
    ratio = ""
    if len(seconds) >= 2:
        small, big = min(seconds), max(seconds)
        ratio = f"\n\n{big:,} articles take {seconds[big] / seconds[small]:.1f}× the time of {small:,} ({big / small:.0f}× the articles)."
    goals = [f"{n:,} articles in {seconds[n]:.0f} s against a goal of {limit} s: {'met' if seconds[n] <= limit else 'missed'}"
             for n, limit in ((10_000, 60), (100_000, 600)) if n in seconds]
    ratio += ("\n\nGoals (issue #24, cold, 2 cores, under 6 GB): " + "; ".join(goals) + "." if goals else "") + "\n"
    write_section(
        "grouping-speed",
        "## Grouping speed\n\n"
        f"`python bench/grouping_speed.py --sizes {' '.join(map(str, args.sizes))}` — articles made from the {base} eval "
        "articles (the labelled and unlabelled story windows and the BBC set): each copy loses one paragraph, gains a unique "
        "sentence, gets a new id and a date spread over 30 days. Each size runs cold in a fresh process (vectors computed, "
        f"word lists loaded); peak memory is that process's maximum resident size. Machine: {machine()}.\n\n"
        "| articles | vectors s | clustering s | stories s | total s | peak MB | stories | largest |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + ratio,
    )


if __name__ == "__main__":
    main()
