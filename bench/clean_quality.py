"""How much of the main text the cleaner keeps, on the shared evaluation articles (already clean text).

Every line of these articles belongs to the article except the furniture the sites embed (BBC
Arabic's "اقرأ أيضاً" link boxes, separator rules). Counts what the cleaner removed, and lists it.

Run: python bench/clean_quality.py
Writes results/benchmarks.md (section "clean-quality").
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from report import EVAL, write_section

from summarizer.pipeline import load_articles
from summarizer.records import Article
from summarizer.settings import Settings

FILES = ["stories/articles.jsonl", "stories/more_articles_2018-05-14_15.jsonl", "summaries/bbc_arabic_dev150.jsonl"]


def main() -> None:
    if not EVAL.exists():
        print(f"skipped: {EVAL} not found (the shared evaluation data)", file=sys.stderr)
        return
    rows, removed_all = [], []
    for name in FILES:
        path = EVAL / name
        originals = {r["id"]: r["text"] for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
        lines = kept = 0
        removed: list[str] = []
        for article in load_articles([str(path)], Settings.resolve(env={})):
            if not isinstance(article, Article):
                continue
            paragraphs = set(article.paragraphs)
            for line in originals[article.id].splitlines():
                line = " ".join(line.split())
                if not line:
                    continue
                lines += 1
                if line in paragraphs:
                    kept += 1
                else:
                    removed.append(line)
        rules = sum(1 for line in removed if set(line) <= set("-_ "))
        rows.append(f"| {name} | {len(originals)} | {lines} | {kept} | {rules} | {len(removed) - rules} |")
        removed_all += [line for line in removed if not set(line) <= set("-_ ")]
        print(rows[-1], file=sys.stderr)
    kinds = Counter("اقرأ أيضاً heading" if l.startswith("اقرأ أيضاً") else "other" for l in removed_all)
    listing = "\n".join(f"- {line[:90]}" for line in removed_all)
    write_section(
        "clean-quality",
        "## Cleaning: what is kept of real article text\n\n"
        "`python bench/clean_quality.py` — the shared evaluation articles (their text is the article, with only the "
        "sites' own embedded furniture), read as JSONL and cleaned like any page. A line counts as kept when it "
        "comes out as a paragraph unchanged (whitespace aside).\n\n"
        "| file | articles | lines | kept | separator rules removed | other lines removed |\n|---|---:|---:|---:|---:|---:|\n"
        + "\n".join(rows)
        + f"\n\nEvery other line removed ({sum(kinds.values())}, of which {kinds['اقرأ أيضاً heading']} are \"اقرأ أيضاً\" headings), "
        "listed for review:\n\n" + listing + "\n",
    )


if __name__ == "__main__":
    main()
