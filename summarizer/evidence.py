"""What a summary sentence rests on: the source sentences that say the same thing, and checks against them.

A sentence is supported by a source sentence that is like it (rarity-weighted words) *and* says its
numbers and its polarity: sharing the story's actors (Putin, Kim) is not support. The checks then
compare the sentence with its evidence, not with the whole story, so a number or a person taken from
elsewhere in the story, a negation added or lost, or two sentences' halves joined, are caught.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from summarizer.arabic import WORD, light_stem, normalize
from summarizer.faithfulness import negation_ar
from summarizer.quantities import quantities
from summarizer.vectors import Vector, rarity, text_vector, to_matrix

SIMILARITY = 0.2  # a source sentence at least this alike may support a sentence
_RARE = 3.5  # rarity (7 - Zipf) from which a word is a name or rare term that its evidence must have
_WEIGHTY = 2.0  # rarity from which a word carries content (not في, قال, اليوم)
_EVENT_SHARE = 0.5  # share of a claim's event words a supporting sentence must have
_JOINED = 0.75  # share of a sentence's weighty words its best evidence must hold, else it may join two sentences


@dataclass(frozen=True)
class Evidence:
    """One source sentence that supports a summary sentence."""

    article: int  # index in the story's article list
    position: int  # sentence index within its article
    text: str
    similarity: float


def _values(text: str) -> set[str]:
    return {q.value for q in quantities(text) if not q.weak}


def _stems(text: str, weighty: float = 0.0) -> set[str]:
    return {light_stem(normalize(w)) for w in WORD.findall(text) if not w.isdigit() and (not weighty or rarity(w) >= weighty)}


def story_actors(texts: list[str]) -> frozenset[str]:
    """Words (stems) in more than half of a story's articles, and in three at least: its actors and setting, which say
    nothing of which event (two articles sharing a word may share the fact)."""
    if len(texts) < 3:
        return frozenset()
    counts: dict[str, int] = {}
    for text in texts:
        for stem in _stems(text, _WEIGHTY):
            counts[stem] = counts.get(stem, 0) + 1
    return frozenset(stem for stem, n in counts.items() if n > len(texts) / 2 and n >= 3)


def agrees(claim: str, source: str, actors: frozenset[str] = frozenset()) -> bool:
    """Whether a source sentence says what the claim says: its numbers (all of them), its polarity, and at
    least half of its event words (its weighty words less the story's actors)."""
    if not _values(claim) <= _values(source) or (negation_ar(claim) == "strong") != (negation_ar(source) == "strong"):
        return False
    event = _stems(claim, _WEIGHTY) - actors
    return not event or len(event & _stems(source)) >= _EVENT_SHARE * len(event)


def find_evidence(claim: str, sentences: list[tuple[int, int, str]], vectors: list[Vector] | None = None,
                  actors: frozenset[str] = frozenset()) -> list[Evidence]:
    """The supporting sentence of each article that has one (article, position, text), most alike first."""
    if not sentences:
        return []
    vectors = vectors if vectors is not None else [text_vector(text) for _, _, text in sentences]
    matrix = to_matrix([text_vector(claim)] + vectors)
    scores = (matrix[0] @ matrix[1:].T).toarray().ravel()
    best: dict[int, Evidence] = {}
    for j in np.argsort(-scores, kind="stable"):
        if scores[j] < SIMILARITY:
            break
        article, position, text = sentences[j]
        if article not in best and agrees(claim, text, actors):
            best[article] = Evidence(article, position, text, round(float(scores[j]), 4))
    return sorted(best.values(), key=lambda e: -e.similarity)


def check_claim(claim: str, evidence: list[Evidence], sentences: list[tuple[int, int, str]]) -> list[str]:
    """Flags for a summary sentence against its evidence (and, when it has none, against the closest sentence)."""
    if not evidence:
        closest = find_evidence_unchecked(claim, sentences)
        if closest is None:
            return ["no supporting sentence in the sources"]
        flags = ["no source sentence says this with its numbers and polarity"]
        missing = sorted(_values(claim) - _values(closest))
        if missing:
            flags.append(f"number not in the closest source sentence: {', '.join(missing)}")
        if (negation_ar(claim) == "strong") != (negation_ar(closest) == "strong"):
            flags.append("negation differs from the closest source sentence")
        return flags
    flags = []
    said = {light_stem(normalize(w)) for e in evidence for w in WORD.findall(e.text)}
    strangers = [w for w in dict.fromkeys(WORD.findall(claim)) if len(w) >= 3 and not w.isdigit() and rarity(w) >= _RARE and light_stem(normalize(w)) not in said]
    if strangers:
        flags.append(f"name or term not in its evidence: {', '.join(strangers)}")
    weighty, held = _stems(claim, _WEIGHTY), _stems(evidence[0].text)
    if weighty and len(weighty & held) / len(weighty) < _JOINED:
        flags.append("only part of it is in its evidence: it may join two source sentences")
    return flags


def find_evidence_unchecked(claim: str, sentences: list[tuple[int, int, str]]) -> str | None:
    """The most alike source sentence at or above SIMILARITY, whatever it says (None when there is none)."""
    if not sentences:
        return None
    matrix = to_matrix([text_vector(claim)] + [text_vector(text) for _, _, text in sentences])
    scores = (matrix[0] @ matrix[1:].T).toarray().ravel()
    j = int(np.argmax(scores))
    return sentences[j][2] if scores[j] >= SIMILARITY else None


def flag_kind(detail: str) -> str:
    """The check a summary flag comes from: number, negation, name, joined or evidence."""
    for word, kind in (("no source sentence", "evidence"), ("no supporting", "evidence"), ("number", "number"), ("negation", "negation"), ("name or term", "name"), ("join", "joined")):
        if word in detail:
            return kind
    return "evidence"
