"""Extractive summaries against two baselines on the 150 BBC Arabic dev articles, measured the same way.

ROUGE-1/2/L F1 against the editors' summaries with the tool's Arabic-aware tokenizer
(summarizer.evaluate.ROUGE_TOKENIZER). Baselines: the lead (the article's first sentences, as many
words as our summary has) and LexRank (sumy), each at the same number of sentences as ours.

Run: python bench/summary_quality.py [--sentences 1 2]
Needs ../shared/eval/summaries/ and sumy (pip install -e '.[bench]'). Writes results/benchmarks.md
(section "summary-quality").
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from report import write_section

from summarizer.arabic import normalize, split_sentences
from summarizer.evaluate import ROUGE_TOKENIZER, rouge
from summarizer.pipeline import load_articles
from summarizer.records import Article
from summarizer.settings import Settings
from summarizer.summarize import candidates, extractive_summary

GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "summaries" / "bbc_arabic_dev150.jsonl"


class SumyWords:
    """sumy's tokenizer interface over the tool's splitter and normalisation (sumy's own needs NLTK data)."""

    language = "arabic"

    def to_sentences(self, paragraph: str) -> list[str]:
        return split_sentences(paragraph)

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"\w+", normalize(sentence))


def lexrank(article: Article, n: int) -> str:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    words = SumyWords()
    # The same candidate sentences as ours, so only the selection differs.
    sentences = [Sentence(c.text, words) for c in candidates([article])]
    if not sentences:
        return ""
    picked = LexRankSummarizer()(ObjectDocumentModel([Paragraph(sentences)]), n)
    return " ".join(str(s) for s in picked)


def lead(article: Article, words: int) -> str:
    out: list[str] = []
    for c in candidates([article]):
        if out and sum(len(s.split()) for s in out) >= words:
            break
        out.append(c.text)
    return " ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if not GOLD.exists():
        print(f"skipped: {GOLD} not found (the shared evaluation data)", file=sys.stderr)
        return
    references = {r["id"]: r["summary"] for r in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())}
    articles = [a for a in load_articles([str(GOLD)], Settings.resolve(env={})) if isinstance(a, Article)]
    gold = [references[a.id] for a in articles]
    rows = []
    for n in args.sentences:
        start = time.perf_counter()
        ours = [extractive_summary([a], n).text for a in articles]
        seconds = time.perf_counter() - start
        systems = {
            "extractive (ours)": ours,
            "lead, same words as ours": [lead(a, len(s.split())) for a, s in zip(articles, ours)],
            "LexRank (sumy)": [lexrank(a, n) for a in articles],
        }
        for name, predictions in systems.items():
            scores = rouge(predictions, gold)
            words = sum(len(p.split()) for p in predictions) / len(predictions)
            rows.append(f"| {n} | {name} | {scores['rouge1']:.2f} | {scores['rouge2']:.2f} | {scores['rougeL']:.2f} | {words:.0f} |")
            print(rows[-1], file=sys.stderr)
        rows.append(f"| | *(ours took {1000 * seconds / len(articles):.1f} ms an article)* | | | | |")
    write_section(
        "summary-quality",
        "## Extractive summaries vs lead and LexRank (BBC Arabic, 150 articles)\n\n"
        f"`python bench/summary_quality.py --sentences {' '.join(map(str, args.sentences))}` — ROUGE F1 ×100 against the "
        f"editor-written summaries; tokenizer: {ROUGE_TOKENIZER}. All three systems choose among the same candidate "
        "sentences (the shared splitter, sentences of 5 words or more). The published anchor for abstractive mT5 on "
        "XL-Sum Arabic (a different test split and ROUGE set-up) is "
        "34.91 / 14.79 / 29.16, so it is not directly comparable.\n\n"
        "| sentences | system | ROUGE-1 | ROUGE-2 | ROUGE-L | mean words |\n|---:|---|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n",
    )


if __name__ == "__main__":
    main()
