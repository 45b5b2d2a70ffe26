"""Scores against gold data: BCubed for story grouping, ROUGE for summaries, BLEU and chrF for translations."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Mapping

from summarizer.arabic import normalize


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, float | int]:
    """BCubed precision, recall and F1 of a clustering (item -> cluster) against gold (item -> class).

    Only items present in both are scored (Amigó et al., 2009).
    """
    items = sorted(set(predicted) & set(gold))
    if not items:
        raise ValueError("no item is in both the prediction and the gold labels")
    by_cluster: dict[str, set[str]] = defaultdict(set)
    by_class: dict[str, set[str]] = defaultdict(set)
    for item in items:
        by_cluster[predicted[item]].add(item)
        by_class[gold[item]].add(item)
    precision = recall = 0.0
    for item in items:
        same = by_cluster[predicted[item]] & by_class[gold[item]]
        precision += len(same) / len(by_cluster[predicted[item]])
        recall += len(same) / len(by_class[gold[item]])
    precision, recall = precision / len(items), recall / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "predicted_stories": len(by_cluster),
        "gold_stories": len(by_class),
        "articles": len(items),
    }


ROUGE_TOKENIZER = "Arabic-aware: the tool's normalisation (diacritics, tatweel, alef/hamza, yeh, teh marbuta, digits), then \\w+ words; no stemming"


class ArabicRougeTokenizer:
    """For rouge-score, whose default tokenizer drops every Arabic letter."""

    def tokenize(self, text: str) -> list[str]:
        """Normalised words of text."""
        return re.findall(r"\w+", normalize(text))


def rouge(predictions: list[str], references: list[str]) -> dict[str, float]:
    """Mean ROUGE-1, ROUGE-2 and ROUGE-L F1 (×100) over pairs, with the Arabic-aware tokenizer."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=ArabicRougeTokenizer())
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for prediction, reference in zip(predictions, references):
        scores = scorer.score(reference, prediction)
        for key in totals:
            totals[key] += scores[key].fmeasure
    return {key: round(100 * value / max(1, len(predictions)), 2) for key, value in totals.items()}


def bleu_chrf(hypotheses: list[str], references: list[str]) -> dict[str, float | str]:
    """sacreBLEU's corpus BLEU and chrF (0-1) of line-aligned translations, with the signatures that say how."""
    import sacrebleu

    bleu, chrf = sacrebleu.metrics.BLEU(), sacrebleu.metrics.CHRF()
    bleu_score, chrf_score = bleu.corpus_score(hypotheses, [references]), chrf.corpus_score(hypotheses, [references])
    return {"bleu": round(bleu_score.score, 2), "chrf": round(chrf_score.score / 100, 4),
            "bleu_signature": str(bleu.get_signature()), "chrf_signature": str(chrf.get_signature())}
