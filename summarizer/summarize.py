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

import itertools
import re
from typing import Iterator

import numpy as np
import scipy.sparse as sp

from summarizer.arabic import normalize, split_sentences, word_count
from summarizer.cache import ResultCache
from summarizer.errors import ModelMissingError, UsageError
from summarizer.evidence import agrees, check_claim, find_evidence, story_actors
from summarizer.records import Article, Candidate, Summary, SummarySentence
from summarizer.registry import Manifest, Registry
from summarizer.vectors import Vector, text_vector, to_matrix

LENGTHS = {"short": 2, "medium": 4, "long": 7}  # sentences
SUPPORT_SIMILARITY = 0.3  # a sentence elsewhere this similar says the same thing
REDUNDANT_SIMILARITY = 0.5  # a candidate this similar to a picked sentence adds nothing
_MMR_LAMBDA = 0.7
_WEIGHTS = {"position": 0.5, "centrality": 0.3, "support": 0.2}
_MIN_WORDS = 5


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
    similarity = Similarity([text_vector(c.text) for c in pool])
    picked = list(itertools.islice(_mmr(pool, similarity, _salience(pool, similarity)), _sentence_count(length)))
    dates = [a.published or "" for a in articles]
    picked.sort(key=lambda i: (dates[pool[i].article], pool[i].article, pool[i].position))
    actors = story_actors([a.text for a in articles])
    sentences = tuple(_cite(i, pool, similarity, actors) for i in picked)
    return Summary(sentences, "extractive", len(pool), len(pool))


def summary_length(value: str) -> str | int:
    """A summary length as a user gives it: short, medium or long, or a number of sentences (1 or more)."""
    if value in LENGTHS:
        return value
    if value.isascii() and value.isdigit() and int(value) >= 1:  # str.isdigit() also takes ² and ٣
        return int(value)
    raise UsageError(f"summary length {value!r}: expected {', '.join(LENGTHS)} or a number of sentences")


def _sentence_count(length: str | int) -> int:
    return LENGTHS[length] if isinstance(length, str) else length


class Similarity:
    """Cosine similarities of a story's sentences, a row at a time: a story of n sentences never holds the n × n
    matrix (a 20 MB article has some 70,000 sentences; the matrix alone would take 20 GB)."""

    BLOCK_CELLS = 4_000_000  # similarities held at once when all rows are needed (16 MB)

    def __init__(self, vectors: list[Vector]):
        self.matrix = to_matrix(vectors)
        self.columns = self.matrix.T.tocsr()

    def row(self, i: int) -> np.ndarray:
        """Similarity of sentence i to every sentence."""
        return (self.matrix[i] @ self.columns).toarray().ravel()

    def between(self, i: int, others: list[int]) -> np.ndarray:
        """Similarity of sentence i to some sentences."""
        return (self.matrix[others] @ self.matrix[i].T).toarray().ravel()

    def blocks(self) -> Iterator[tuple[int, np.ndarray]]:
        """All rows, in blocks: (first row, its block)."""
        n = self.matrix.shape[0]
        step = max(1, self.BLOCK_CELLS // max(1, n))
        for start in range(0, n, step):
            yield start, (self.matrix[start : start + step] @ self.columns).toarray()


def _salience(pool: list[Candidate], similarity: Similarity) -> np.ndarray:
    article = np.array([c.article for c in pool])
    position = np.array([c.position for c in pool], dtype=float)
    matrix = similarity.matrix.astype(np.float64)
    # Centrality: the mean similarity to the other articles' sentences when there are several, else to the article's
    # other sentences; from sums of vectors, not from all pairs.
    members = sp.csr_matrix((np.ones(len(pool)), (article, np.arange(len(pool)))))  # article × sentence
    to_all = matrix @ np.asarray(matrix.sum(axis=0)).ravel()
    to_articles = (matrix @ (members @ matrix).T).toarray()  # sentence × article: n × k, k the story's articles
    own = to_articles[np.arange(len(pool)), article]  # to its own article, itself included
    sizes = np.bincount(article)[article]
    multi = len(set(article.tolist())) > 1
    if multi:
        centrality = (to_all - own) / np.maximum(1, len(pool) - sizes)
    else:
        itself = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()
        centrality = (to_all - itself) / max(1, len(pool) - 1)
    # Support: how many other articles have a sentence this alike (none when the story is one article).
    support = np.zeros(len(pool))
    if multi:
        for start, block in similarity.blocks():
            rows = article[start : start + len(block)]
            alike = (block >= SUPPORT_SIMILARITY) & (article[None, :] != rows[:, None])
            support[start : start + len(block)] = (sp.csr_matrix(alike, dtype=np.float64) @ members.T).getnnz(axis=1)
    return (
        _WEIGHTS["position"] / (1.0 + position)
        + _WEIGHTS["centrality"] * _scaled(centrality)
        + _WEIGHTS["support"] * _scaled(support)
    )


def _scaled(values: np.ndarray) -> np.ndarray:
    top = values.max()
    return values / top if top > 0 else values


def _mmr(pool: list[Candidate], similarity: Similarity, scores: np.ndarray) -> Iterator[int]:
    """Sentences by maximal marginal relevance, best first, as many as the caller takes; repeats left out."""
    picked: list[int] = []
    seen = set()
    overlap = np.zeros(len(pool))  # each candidate's highest similarity to a picked sentence
    remaining = np.ones(len(pool), dtype=bool)
    while remaining.any():
        value = np.where(remaining, _MMR_LAMBDA * scores - (1 - _MMR_LAMBDA) * overlap, -np.inf)
        best = int(np.argmax(value))  # the first of equals, as in pool order
        remaining[best] = False
        key = normalize(pool[best].text)
        if key in seen or (picked and similarity.between(best, picked).max() >= REDUNDANT_SIMILARITY):
            continue
        seen.add(key)
        picked.append(best)
        overlap = np.maximum(overlap, similarity.row(best))
        yield best


def _cite(i: int, pool: list[Candidate], similarity: Similarity, actors: frozenset[str] = frozenset()) -> SummarySentence:
    """An extracted sentence: its own article first, then each other article whose closest sentence says the
    same thing (alike, with its numbers and polarity: sharing the actors is not enough)."""
    own = pool[i]
    row = similarity.row(i)
    best: dict[int, tuple[float, int]] = {own.article: (1.0, i)}
    for j in np.argsort(-row, kind="stable"):
        if row[j] < SUPPORT_SIMILARITY:
            break
        a = pool[j].article
        if a not in best and agrees(own.text, pool[j].text, actors):
            best[a] = (float(row[j]), int(j))
    order = [own.article] + sorted(a for a in best if a != own.article)
    return SummarySentence(own.text, tuple(order), tuple((a, pool[best[a][1]].position) for a in order), (),
                           tuple(pool[best[a][1]].text for a in order))


# --- abstractive summaries ------------------------------------------------------------------------



def summarize_story(
    articles: list[Article], registry: Registry | None, spec: str | None, length: str | int = "medium", cache: ResultCache | None = None
) -> Summary:
    """The story's summary with the chosen model, or extractive (asked for, or the model is missing or does not load)."""
    if spec in (None, "extractive") or registry is None:
        return extractive_summary(articles, length)
    manifest = registry.resolve(spec, "summarize")
    try:
        return abstractive_summary(articles, registry, manifest, length, cache)
    except ModelMissingError as missing:  # not installed, or installed but it does not load
        return _extractive_fallback(articles, length, str(missing))


def _extractive_fallback(articles: list[Article], length: str | int, reason: str) -> Summary:
    fallback = extractive_summary(articles, length)
    return Summary(fallback.sentences, fallback.method, fallback.input_sentences, fallback.used_sentences, (f"extractive fallback: {reason}",))


def abstractive_summary(articles: list[Article], registry: Registry, manifest: Manifest, length: str | int, cache: ResultCache | None) -> Summary:
    """A model's summary of the story's most salient sentences, fitted to its input limit, then attributed and checked."""
    from summarizer.inference import input_budget, run_model

    count, limit = input_budget(registry, manifest)  # first: a model that is missing or does not load wastes no work
    pool = candidates(articles)
    if not pool:
        return Summary((), manifest.name, 0, 0)
    vectors = [text_vector(c.text) for c in pool]
    similarity = Similarity(vectors)
    ranked = _mmr(pool, similarity, _salience(pool, similarity))
    n = _sentence_count(length)
    chosen: list[int] = []
    for i in ranked:  # most salient first, until the model's input is full
        trial = sorted(chosen + [i], key=lambda k: (pool[k].article, pool[k].position))
        if count(_model_input(manifest, articles, [pool[k] for k in trial], n)) > limit:
            break
        chosen = trial
    if not chosen:
        return _extractive_fallback(articles, length, f"{manifest.name} takes {limit} tokens, too few for its prompt and one sentence")
    model_input = _model_input(manifest, articles, [pool[k] for k in chosen], n)
    (output,) = run_model("summarize", registry, manifest, [model_input], cache)
    flags = []
    if len(chosen) < len(pool):
        flags.append(f"input fitted to the model: it saw {len(chosen)} of {len(pool)} sentences, the most salient")
    if output.pieces > 1:
        flags.append(f"input split into {output.pieces} parts")
    actors = story_actors([a.text for a in articles])  # once for the story, not once a sentence
    sentences = tuple(attribute(s, pool, articles, vectors, actors) for s in split_sentences(_strip_citations(output.text)) if s.strip())
    return Summary(sentences, manifest.name, len(pool), len(chosen), tuple(flags))


def _model_input(manifest: Manifest, articles: list[Article], chosen: list[Candidate], n: int) -> str:
    template = manifest.prompt_text()
    if template is None:  # a seq2seq summarizer reads plain text
        return " ".join(c.text for c in chosen)
    blocks = []
    for a in sorted({c.article for c in chosen}):
        blocks.append(f"[{a + 1}] " + " ".join(c.text for c in chosen if c.article == a))
    # str.replace, not str.format: article text may hold braces.
    return template.replace("{n_articles}", str(len(articles))).replace("{n_sentences}", str(n)).replace("{articles}", "\n\n".join(blocks))


def _strip_citations(text: str) -> str:
    return " ".join(re.sub(r"\[\d+\]", "", text).split())


def attribute(sentence: str, pool: list[Candidate], articles: list[Article], pool_vectors: list[Vector] | None = None,
              actors: frozenset[str] | None = None) -> SummarySentence:
    """A generated sentence with the source sentences that support it, and flags for what no source says.

    pool_vectors, actors: the candidates' vectors and the story's actors (see evidence.story_actors) when the
    caller has them (one summary has several sentences).
    """
    sentences = [(c.article, c.position, c.text) for c in pool]
    texts = [a.text for a in articles]
    evidence = find_evidence(sentence, sentences, pool_vectors, story_actors(texts) if actors is None else actors)
    flags = check_claim(sentence, evidence, sentences, texts, pool_vectors)
    return SummarySentence(sentence, tuple(e.article for e in evidence), tuple((e.article, e.position) for e in evidence),
                           tuple(str(f) for f in flags), tuple(e.text for e in evidence))
