"""Peak memory and time of `summarizer brief` on one huge article: 2, 10 and 20 MB single-article files.

The article is the BBC Arabic eval articles' paragraphs, one after another, each with a numbered sentence added
so no two are alike, until the file has the size. Each size runs in a fresh process (its peak RSS is its own);
extractive summary, no translator (the summary's few sentences are all a translator would see).

Run: python bench/brief_memory.py [--sizes 2 10 20]
Needs ../shared/eval/summaries/. Writes results/benchmarks.md (section "brief-memory").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import EVAL, machine, write_section

SOURCE = EVAL / "summaries" / "bbc_arabic_dev150.jsonl"
MB = 1024 * 1024
GOAL_MB = 2048  # the bound for a 20 MB article


def article_file(path: Path, size_mb: int) -> int:
    """Write one article of (just under) size_mb MB; its number of paragraphs."""
    paragraphs = [p for line in SOURCE.open(encoding="utf-8") for p in json.loads(line)["text"].split("\n") if p.strip()]
    written, count = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while True:  # up to the size, not past it: 20 MB is the default limit
            text = f"{paragraphs[count % len(paragraphs)]} وقال المصدر رقم {count} إن التفاصيل ستعلن لاحقا.\n\n"
            if written + len(text.encode("utf-8")) > size_mb * MB:
                break
            out.write(text)
            written += len(text.encode("utf-8"))
            count += 1
    return count


def run(path: Path, home: Path, out: Path) -> dict:
    """brief on one file in a fresh process: seconds, peak RSS, exit code."""
    env = {**os.environ, "SUMMARIZER_HOME": str(home)}
    command = [sys.executable, "-m", "summarizer", "brief", str(path), "--no-store", "-q", "--out", str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "code": code, "error": "" if code == 0 else stderr.strip().splitlines()[-1:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 10, 20])
    args = parser.parse_args()
    if not SOURCE.exists():
        print(f"skipped: {SOURCE} not found (the shared evaluation data)", file=sys.stderr)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = run(folder / "nothing.txt", folder / "home", folder / "out")  # the interpreter and imports alone
        for size in args.sizes:
            path = folder / f"article-{size}mb.txt"
            paragraphs = article_file(path, size)
            result = run(path, folder / "home", folder / "out")
            rows.append((size, path.stat().st_size / MB, paragraphs, result))
            print(f"{size} MB: {result}", file=sys.stderr)
    lines = [
        "## brief memory: one huge article",
        "",
        f"`python bench/brief_memory.py` on {machine()}. One single-article .txt file of each size (BBC Arabic eval",
        "paragraphs, each with a numbered sentence added), `summarizer brief FILE --no-store`, extractive summary,",
        "no translator installed; each size in a fresh process, peak RSS from the kernel (`wait4`).",
        f"A run with no article (a missing file: interpreter and imports) peaks at {baseline['peak_mb']:.0f} MB.",
        "",
        "| file | paragraphs | time | peak memory | exit |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size, actual, paragraphs, r in rows:
        lines.append(f"| {actual:.1f} MB | {paragraphs:,} | {r['seconds']:.1f} s | {r['peak_mb']:,.0f} MB | {r['code']} |")
    biggest = max(rows, key=lambda row: row[0])
    met = biggest[3]["peak_mb"] < GOAL_MB and biggest[3]["code"] == 0
    lines += ["", f"Goal: the {biggest[0]} MB article under {GOAL_MB / 1024:.0f} GB: **{'met' if met else 'missed'}**."]
    write_section("brief-memory", "\n".join(lines))


if __name__ == "__main__":
    main()
