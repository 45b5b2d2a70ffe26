"""What a summary sentence rests on: the source sentences that say the same thing, and checks against them.

A sentence is supported by a source sentence that is like it (rarity-weighted words) *and* says its
numbers and its polarity: sharing the story's actors (Putin, Kim) is not support. The checks then
compare the sentence with its evidence, not with the whole story, so a number or a person taken from
elsewhere in the story, a negation added or lost, two sentences' halves joined, or words put in another
speaker's mouth, are caught.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from summarizer.arabic import WORD, light_stem, normalize
from summarizer.faithfulness import Flag, negation_ar, numbers
from summarizer.quantities import quantities
from summarizer.records import Article
from summarizer.speakers import speaker
from summarizer.vectors import Vector, rarity, text_vector, to_matrix

SIMILARITY = 0.2  # a source sentence at least this alike may support a sentence
RARE = 3.5  # rarity (7 - Zipf) from which a word is a name or rare term that its sources must have
_WEIGHTY = 2.0  # rarity from which a word carries content (not في, قال, اليوم)
_EVENT_SHARE = 0.5  # share of a claim's event words a supporting sentence must have
_JOINED = 0.75  # share of a sentence's weighty words its best evidence must hold, else it may join two sentences
_ONE_SAYS_IT, _TWO_ADD = 0.9, 0.2  # ...or when no sentence holds 90% of them and a second one adds a fifth more
_SPLICE_RUN = 4  # words copied in a row that make a stretch of one source sentence (see _spliced)
_SPLICE_SLACK = 2  # words by which the second stretch may overlap the first, or leave a gap (a joining و)


@dataclass(frozen=True)
class Evidence:
    """One source sentence that supports a summary sentence."""

    article: int  # index in the story's article list
    position: int  # sentence index within its article
    text: str
    similarity: float


def _values(text: str) -> set[str]:
    return {q.value for q in quantities(text) if not q.weak}


def _negated(text: str) -> bool:
    return negation_ar(text, against_english=False) == "strong"


def _stems(text: str, weighty: float = 0.0) -> set[str]:
    return {light_stem(normalize(w)) for w in WORD.findall(text) if not w.isdigit() and (not weighty or rarity(w) >= weighty)}


def _strangers(sentence: str, said: set[str]) -> list[str]:
    """The sentence's names and rare terms whose stems are not among `said` (each once, in order)."""
    return [w for w in dict.fromkeys(WORD.findall(sentence)) if len(w) >= 3 and not w.isdigit() and rarity(w) >= RARE and light_stem(normalize(w)) not in said]


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
    if not _values(claim) <= _values(source) or _negated(claim) != _negated(source):
        return False
    event = _stems(claim, _WEIGHTY) - actors
    return not event or len(event & _stems(source)) >= _EVENT_SHARE * len(event)


def _scores(claim: str, sentences: list[tuple[int, int, str]], vectors: list[Vector] | None) -> np.ndarray:
    """Similarity of the claim to each sentence (their vectors, when the caller has them)."""
    vectors = vectors if vectors is not None else [text_vector(text) for _, _, text in sentences]
    matrix = to_matrix([text_vector(claim)] + vectors)
    return (matrix[0] @ matrix[1:].T).toarray().ravel()


def find_evidence(claim: str, sentences: list[tuple[int, int, str]], vectors: list[Vector] | None = None,
                  actors: frozenset[str] = frozenset()) -> list[Evidence]:
    """The supporting sentence of each article that has one (article, position, text), most alike first."""
    if not sentences:
        return []
    scores = _scores(claim, sentences, vectors)
    best: dict[int, Evidence] = {}
    for j in np.argsort(-scores, kind="stable"):
        if scores[j] < SIMILARITY:
            break
        article, position, text = sentences[j]
        if article not in best and agrees(claim, text, actors):
            best[article] = Evidence(article, position, text, round(float(scores[j]), 4))
    return sorted(best.values(), key=lambda e: -e.similarity)


def check_claim(claim: str, evidence: list[Evidence], sentences: list[tuple[int, int, str]], texts: list[str],
                vectors: list[Vector] | None = None) -> list[Flag]:
    """Flags for a summary sentence against its evidence; when it has none, against the closest sentence and then
    against the whole of the articles (`texts`)."""
    if evidence:
        flags = []
        strangers = _strangers(claim, set().union(*(_stems(e.text) for e in evidence)))
        if strangers:
            flags.append(Flag("name", f"name or term not in its evidence: {', '.join(strangers)}"))
        weighty, held = _stems(claim, _WEIGHTY), _stems(evidence[0].text)
        if weighty and (len(weighty & held) / len(weighty) < _JOINED or _two_say_it(weighty, sentences)) or _spliced(claim, sentences):
            flags.append(Flag("joined", "only part of it is in its evidence: it may join two source sentences"))
        said_by, source_said_by = speaker(claim), speaker(evidence[0].text)
        # Who says it, against who says it in its evidence: the speaker's words (its weighty ones, where it has any) must
        # meet the evidence speaker's.
        if said_by and source_said_by and not (_stems(said_by, _WEIGHTY) or _stems(said_by)) & _stems(source_said_by):
            flags.append(Flag("speaker", f"said by {said_by} here, by {source_said_by} in its evidence"))
        return flags
    scores = _scores(claim, sentences, vectors) if sentences else np.zeros(0)
    if not len(scores) or scores.max() < SIMILARITY:
        return [Flag("evidence", "no supporting sentence in the sources")] + _unsupported(claim, texts)
    closest = sentences[int(np.argmax(scores))][2]
    flags = [Flag("evidence", "no source sentence says this with its numbers and polarity")]
    missing = sorted(_values(claim) - _values(closest))
    if missing:
        flags.append(Flag("number", f"number not in the closest source sentence: {', '.join(missing)}"))
    if _negated(claim) != _negated(closest):
        flags.append(Flag("negation", "negation differs from the closest source sentence"))
    return flags + _unsupported(claim, texts)


def _two_say_it(weighty: set[str], sentences: list[tuple[int, int, str]]) -> bool:
    """True when no one source sentence holds nearly all of a sentence's weighty words but two together hold far more:
    the mark of two sentences' halves joined, even where each half is close to its source."""
    covers = [weighty & _stems(text) for _, _, text in sentences]
    one = max((len(c) for c in covers), default=0)
    if one >= _ONE_SAYS_IT * len(weighty):
        return False
    candidates = sorted(covers, key=len, reverse=True)[:20]  # the best pair is among the sentences that hold most
    two = max((len(a | b) for a, b in itertools.combinations(candidates, 2)), default=one)
    return two - one >= _TWO_ADD * len(weighty)


def _spliced(claim: str, sentences: list[tuple[int, int, str]]) -> bool:
    """True when the sentence is word for word the start of one source sentence followed by the rest of another:
    two stretches of _SPLICE_RUN words at least, joined where no source sentence joins them. A sentence that
    paraphrases has no such long stretches, and one copied whole is one stretch."""
    words = _words(claim)
    if len(words) < 2 * _SPLICE_RUN:
        return False
    source_words, index = _stretch_index(tuple(text for _, _, text in sentences))

    def runs_from(start: int) -> dict[int, int]:
        """For each source sentence holding words[start:] verbatim for a stretch: where that stretch ends."""
        ends: dict[int, int] = {}
        for k, i in index.get(tuple(words[start : start + _SPLICE_RUN]), ()):
            end, j = start + _SPLICE_RUN, i + _SPLICE_RUN
            while end < len(words) and j < len(source_words[k]) and source_words[k][j] == words[end]:
                end, j = end + 1, j + 1
            ends[k] = max(ends.get(k, 0), end)
        return ends

    first = runs_from(0)
    if not first or max(first.values()) >= len(words):
        return False
    cut = max(first.values())
    for start in range(max(_SPLICE_RUN, cut - _SPLICE_SLACK), min(cut + _SPLICE_SLACK, len(words) - _SPLICE_RUN) + 1):
        second = runs_from(start)
        if any(end == len(words) and k not in first for k, end in second.items()):
            return True
    return False


@lru_cache(maxsize=8)
def _stretch_index(texts: tuple[str, ...]) -> tuple[list[list[str]], dict[tuple[str, ...], list[tuple[int, int]]]]:
    """The source sentences' words, and where each stretch of _SPLICE_RUN words starts (sentence, word): made once a
    story, as every summary sentence of it is checked against the same sentences."""
    source_words = [_words(text) for text in texts]
    index: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for k, source in enumerate(source_words):
        for i in range(len(source) - _SPLICE_RUN + 1):
            index.setdefault(tuple(source[i : i + _SPLICE_RUN]), []).append((k, i))
    return source_words, index


def _words(text: str) -> list[str]:
    return [normalize(w) for w in WORD.findall(text)]


def unsupported(sentence: str, articles: list[Article]) -> list[str]:
    """Numbers, and rare words such as names, in a summary sentence that no source article contains."""
    return [str(flag) for flag in _unsupported(sentence, [a.text for a in articles])]


def _unsupported(sentence: str, texts: list[str]) -> list[Flag]:
    sources = " ".join(texts)
    source_numbers = set(numbers(sources))
    flags = [Flag("number", f"number not in the sources: {n}") for n in dict.fromkeys(numbers(sentence)) if n not in source_numbers]
    return flags + [Flag("name", f"name or term not in the sources: {word}") for word in _strangers(sentence, _stems(sources))]
