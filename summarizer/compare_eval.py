"""Scores of the outlet comparison against gold facts (../shared/eval/compare/README.md): pairwise shared facts and
number disagreements found."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.arabic import normalize
from summarizer.compare import compare
from summarizer.ingest import json_lines
from summarizer.records import Article, Comparison

Sentence = tuple[str, int]  # (article id, index of the gold sentence in that article)


@dataclass
class StoryScore:
    """One gold story: the tool's pairs against the gold's, and the number disagreements."""

    story: str
    tool_pairs: int = 0
    gold_pairs: int = 0
    hits: int = 0
    lenient_pairs: int = 0  # tool pairs between two sentences the gold lists
    numbers_gold: int = 0
    numbers_found: int = 0
    numbers_false: int = 0
    numbers_one_to_one: int = 0  # gold disagreements paired with distinct tool disagreements
    unique_gold: int = 0  # sentences the gold lists under facts only one article reports
    unique_listed: int = 0  # sentences the tool says only their article reports, that the gold lists under any fact
    unique_hits: int = 0  # of those, the ones the gold lists under a unique fact
    misses: list[str] = field(default_factory=list)


def read_gold(path: Path) -> list[dict]:
    """The gold records, one a story."""
    return [json.loads(line) for line in json_lines(path.read_text(encoding="utf-8")) if line.strip()]


def score_story(record: dict, articles: dict[str, Article], **parameters: float) -> StoryScore:
    """Run the comparison on the story's articles (in the gold's order), with compare's parameters if given, and score it."""
    members = [articles[i] for i in record["articles"] if i in articles]
    result = compare(members, **parameters)
    gold_sentences = _gold_sentences(record)
    score = StoryScore(record["story"])
    gold, listed = set(), set()
    for fact in record["facts"]:
        reports = [(r["article"], gold_sentences[r["article"]].index(r["sentence"])) for r in fact["reports"]]
        listed |= set(reports)
        gold |= {_pair(*p) for p in itertools.combinations(reports, 2) if p[0][0] != p[1][0]}
    tool = set()
    for claim in result.shared:
        matched = [(members[a].id, _match(c.text, gold_sentences.get(members[a].id, []))) for a, c in claim.reports]
        tool |= {_pair(*p) for p in itertools.combinations(matched, 2) if p[0][0] != p[1][0]}
    score.gold_pairs, score.tool_pairs, score.hits = len(gold), len(tool), len(tool & gold)
    score.lenient_pairs = sum(1 for pair in tool if all(s in listed for s in pair))
    _score_numbers(record, result, members, gold_sentences, score)
    _score_unique(record, result, members, gold_sentences, score)
    return score


def _score_unique(record: dict, result: Comparison, members: list[Article], gold_sentences: dict[str, list[str]], score: StoryScore) -> None:
    """The README's optional unique-facts score: sentences the tool lists as reported by their article alone, against
    the gold's sentences of unique facts (U) and of shared ones (S); sentences the gold does not list are passed over."""
    def sentences(facts: list[dict]) -> set[tuple[str, int]]:
        return {(r["article"], gold_sentences[r["article"]].index(r["sentence"])) for f in facts for r in f["reports"]}

    unique = sentences([f for f in record["facts"] if len({r["article"] for r in f["reports"]}) == 1])
    shared = sentences([f for f in record["facts"] if len({r["article"] for r in f["reports"]}) > 1])
    flagged = {(members[a].id, _match(c.text, gold_sentences.get(members[a].id, []))) for claim in result.unique for a, c in claim.reports}
    score.unique_gold, score.unique_listed, score.unique_hits = len(unique), len(flagged & (unique | shared)), len(flagged & unique)


def _pair(a: tuple, b: tuple) -> tuple:
    """An unordered pair of sentences, in one order (a sentence the gold lacks is named by its text)."""
    return tuple(sorted((a, b), key=lambda s: (s[0], str(s[1]))))


def _gold_sentences(record: dict) -> dict[str, list[str]]:
    """Each article's gold sentences, in a fixed order (the index is a sentence's name)."""
    found: dict[str, list[str]] = {}
    for fact in record["facts"]:
        for r in fact["reports"]:
            found.setdefault(r["article"], [])
            if r["sentence"] not in found[r["article"]]:
                found[r["article"]].append(r["sentence"])
    for quantity in record["numbers_differ"]:
        for v in quantity["values"]:
            found.setdefault(v["article"], [])
            if v["sentence"] not in found[v["article"]]:
                found[v["article"]].append(v["sentence"])
    return found


def _match(text: str, sentences: list[str]) -> int | str:
    """The gold sentence a tool sentence is (most word overlap, at least half of the shorter), else the text."""
    words = Counter(normalize(text).split())
    best, best_share = None, 0.5
    for k, sentence in enumerate(sentences):
        other = Counter(normalize(sentence).split())
        share = sum((words & other).values()) / max(1, min(sum(words.values()), sum(other.values())))
        if share >= best_share:
            best, best_share = k, share
    return best if best is not None else text


def _score_numbers(record: dict, result: Comparison, members: list[Article], gold_sentences: dict[str, list[str]], score: StoryScore) -> None:
    """As the gold README says: a tool disagreement matches a gold one when it cites sentences of two of its articles
    (whose values differ); a gold disagreement is found when one matches it, and a tool disagreement that matches none
    is false. Stricter, one to one: how many gold disagreements distinct tool disagreements can be paired with."""
    score.numbers_gold = len(record["numbers_differ"])
    disputed = [{(members[a].id, _match(c.text, gold_sentences.get(members[a].id, []))) for a, c in difference.claim.reports} for difference in result.numbers]
    matches = []  # for each gold disagreement, the tool disagreements that match it
    for quantity in record["numbers_differ"]:
        values = {(v["article"], gold_sentences[v["article"]].index(v["sentence"])) for v in quantity["values"]}
        matches.append({k for k, sentences in enumerate(disputed) if len({a for a, _ in sentences & values}) >= 2})
    score.numbers_found = sum(1 for m in matches if m)
    score.numbers_false = len(disputed) - len(set().union(*matches))
    score.numbers_one_to_one = _matching(matches)


def _matching(options: list[set[int]]) -> int:
    """The size of a largest matching of gold items to tool items (each used once), by augmenting paths."""
    owner: dict[int, int] = {}

    def take(g: int, seen: set[int]) -> bool:
        for t in options[g] - seen:
            seen.add(t)
            if t not in owner or take(owner[t], seen):
                owner[t] = g
                return True
        return False

    return sum(take(g, set()) for g in range(len(options)))


def pooled(scores: list[StoryScore]) -> dict:
    """Micro (pooled) and macro scores over stories."""
    def prf(hits: int, tool: int, gold: int) -> tuple[float, float, float]:
        p, r = hits / tool if tool else 0.0, hits / gold if gold else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0

    hits, tool, gold = (sum(getattr(s, k) for s in scores) for k in ("hits", "tool_pairs", "gold_pairs"))
    lenient = sum(s.lenient_pairs for s in scores)
    p, r, f = prf(hits, tool, gold)
    per_story = [prf(s.hits, s.tool_pairs, s.gold_pairs)[2] for s in scores]
    return {
        "stories": len(scores), "gold_pairs": gold, "tool_pairs": tool, "hits": hits,
        "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
        "lenient_precision": round(hits / lenient, 4) if lenient else 0.0,
        "macro_f1": round(sum(per_story) / max(1, len(per_story)), 4),
        "numbers_gold": sum(s.numbers_gold for s in scores), "numbers_found": sum(s.numbers_found for s in scores),
        "numbers_false": sum(s.numbers_false for s in scores), "numbers_one_to_one": sum(s.numbers_one_to_one for s in scores),
        "unique_precision": round(sum(s.unique_hits for s in scores) / max(1, sum(s.unique_listed for s in scores)), 4),
        "unique_recall": round(sum(s.unique_hits for s in scores) / max(1, sum(s.unique_gold for s in scores)), 4),
    }
