"""One Arabic summary per story: salient sentences across its articles, without repetition, each cited.

Content selection (used alone as the extractive summary, the default that always works):
- candidates are the articles' sentences (the shared splitter);
- salience combines position in the article (news puts the event first), centrality across the
  story (similarity to the other sentences), and support (how many other articles say the same);
- sentences are picked by maximal marginal relevance, so no fact is picked twice;
- they are ordered as the story unfolds (article date, then position).
Every summary sentence cites the articles, and the sentences in them, that support it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from summarizer.arabic import normalize, split_sentences, word_count
from summarizer.records import Article
from summarizer.vectors import text_vector, to_matrix

LENGTHS = {"short": 2, "medium": 4, "long": 7}  # sentences
SUPPORT_SIMILARITY = 0.3  # a sentence elsewhere this similar says the same thing
REDUNDANT_SIMILARITY = 0.5  # a candidate this similar to a picked sentence adds nothing
_MMR_LAMBDA = 0.7
_WEIGHTS = {"position": 0.5, "centrality": 0.3, "support": 0.2}
_MIN_WORDS = 5


@dataclass(frozen=True)
class Candidate:
    """A sentence of one of the story's articles."""

    article: int  # index in the story's article list
    position: int  # sentence index within its article
    text: str


@dataclass(frozen=True)
class SummarySentence:
    """One summary sentence and where it comes from."""

    text: str
    citations: tuple[int, ...]  # indices of the articles that support it, its own first
    sources: tuple[tuple[int, int], ...]  # (article, sentence position) of each supporting sentence
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    """A story's summary, labelled with how it was made."""

    sentences: tuple[SummarySentence, ...]
    method: str  # "extractive", or the model's name
    input_sentences: int  # candidates the story offered
    used_sentences: int  # how many of them the summary (or the model) saw

    @property
    def text(self) -> str:
        """The summary as running text."""
        return " ".join(s.text for s in self.sentences)


def candidates(articles: list[Article]) -> list[Candidate]:
    """The sentences of every article that are long enough to carry a fact."""
    found = []
    for a, article in enumerate(articles):
        position = 0
        for paragraph in article.paragraphs:
            for sentence in split_sentences(paragraph):
                if word_count(sentence) >= _MIN_WORDS:
                    found.append(Candidate(a, position, sentence))
                position += 1
    return found


def extractive_summary(articles: list[Article], length: str | int = "medium") -> Summary:
    """The story's most salient, non-redundant sentences, in story order, each with its citations.

    length: short, medium or long (see LENGTHS), or a number of sentences.
    """
    pool = candidates(articles)
    if not pool:
        return Summary((), "extractive", 0, 0)
    matrix = to_matrix([text_vector(c.text) for c in pool])
    similarity = (matrix @ matrix.T).toarray()
    scores = _salience(pool, similarity)
    picked = _mmr(pool, similarity, scores, LENGTHS[length] if isinstance(length, str) else length)
    dates = [a.published or "" for a in articles]
    picked.sort(key=lambda i: (dates[pool[i].article], pool[i].article, pool[i].position))
    sentences = tuple(_cite(i, pool, similarity) for i in picked)
    return Summary(sentences, "extractive", len(pool), len(pool))


def _salience(pool: list[Candidate], similarity: np.ndarray) -> np.ndarray:
    article = np.array([c.article for c in pool])
    position = np.array([c.position for c in pool], dtype=float)
    others = article[:, None] != article[None, :]
    multi = others.any()
    # Centrality across articles when there are several; within the article when there is one.
    mask = others if multi else ~np.eye(len(pool), dtype=bool)
    centrality = (similarity * mask).sum(axis=1) / np.maximum(1, mask.sum(axis=1))
    support = np.array([len({pool[j].article for j in np.nonzero((similarity[i] >= SUPPORT_SIMILARITY) & others[i])[0]}) for i in range(len(pool))], dtype=float)
    return (
        _WEIGHTS["position"] / (1.0 + position)
        + _WEIGHTS["centrality"] * _scaled(centrality)
        + _WEIGHTS["support"] * _scaled(support)
    )


def _scaled(values: np.ndarray) -> np.ndarray:
    top = values.max()
    return values / top if top > 0 else values


def _mmr(pool: list[Candidate], similarity: np.ndarray, scores: np.ndarray, n: int) -> list[int]:
    picked: list[int] = []
    seen = set()
    remaining = set(range(len(pool)))
    while remaining and len(picked) < n:
        def value(i: int) -> float:
            overlap = max((similarity[i, j] for j in picked), default=0.0)
            return _MMR_LAMBDA * scores[i] - (1 - _MMR_LAMBDA) * overlap

        best = max(sorted(remaining), key=value)
        remaining.discard(best)
        key = normalize(pool[best].text)
        if key in seen or any(similarity[best, j] >= REDUNDANT_SIMILARITY for j in picked):
            continue
        seen.add(key)
        picked.append(best)
    return picked


def _cite(i: int, pool: list[Candidate], similarity: np.ndarray) -> SummarySentence:
    own = pool[i]
    best: dict[int, tuple[float, int]] = {own.article: (1.0, i)}
    for j in np.nonzero(similarity[i] >= SUPPORT_SIMILARITY)[0]:
        a = pool[j].article
        if a != own.article and similarity[i, j] > best.get(a, (0.0, -1))[0]:
            best[a] = (float(similarity[i, j]), int(j))
    order = [own.article] + sorted(a for a in best if a != own.article)
    return SummarySentence(own.text, tuple(order), tuple((a, pool[best[a][1]].position) for a in order))
