"""Term vectors for comparing articles: light-stemmed words weighted by how rare they are in the language.

The weight of a word is how rare it is in a large general corpus (wordfreq's Arabic and English
lists: 7 minus its Zipf frequency), not in the input: a place name like الحديدة weighs far more than
اليمن even in a batch of ten articles, and an article's vector is the same whatever it is grouped
with, so stored vectors can be compared with new articles on later days. Weights computed from the
batch itself (local IDF, or each stem's rarest form in the batch) were tried and lost quality as the
batch grew: see results/benchmarks.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Callable

import numpy as np
import scipy.sparse as sp

from summarizer.arabic import WORD, light_stem, normalize, split_sentences

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_COMMONEST = 7.0  # Zipf frequency of the commonest words (في, the): they weigh nothing
_UNSEEN = 1.0  # Zipf frequency assumed for a word the lists do not know (rare names)
_LEAD_SENTENCES = 2  # the headline and the lead say which event an article is about
_LEAD_SHARE = 0.7  # share of the lead in the similarity of two articles (the rest: the whole text); see results/benchmarks.md
# Function words and news boilerplate (normalised): frequent enough to say nothing about the event.
_STOPWORDS = {
    normalize(w)
    for w in (
        "في من على إلى عن أن إن التي الذي الذين وقال قال كان كانت مع هذا هذه ذلك تلك بين بعد قبل حتى أو ثم كما "
        "لم لن قد ما لا وفي ومن وعلى وأن عام اليوم أمس الثلاثاء الاثنين الأربعاء الخميس الجمعة السبت الأحد خلال "
        "حيث أيضا وقد وكان منذ عند له لها هو هي"
    ).split()
}

Vector = dict[str, float]


@lru_cache(maxsize=1_000_000)
def _feature(word: str) -> tuple[str, float] | None:
    """A word's feature (normalised, light-stemmed) and rarity weight; None for words that say nothing."""
    if len(word) < 2 or word.isdigit():
        return None
    norm = normalize(word)
    if norm in _STOPWORDS:
        return None
    from wordfreq import zipf_frequency  # its word lists load on first use

    arabic = bool(_ARABIC_SCRIPT.match(word))
    rarity = max(0.0, _COMMONEST - (zipf_frequency(word, "ar" if arabic else "en") or _UNSEEN))
    return (light_stem(norm) if arabic else norm), rarity


def rarity(word: str) -> float:
    """How rare a word is in its language at large: 7 minus its Zipf frequency (0 for the commonest)."""
    found = _feature(word)
    return found[1] if found else 0.0


def text_vector(text: str, prefix: str = "") -> Vector:
    """L2-normalised rarity-weighted term vector of a text (Arabic and English words)."""
    counts: Counter[str] = Counter()
    weights: dict[str, float] = {}
    for word in WORD.findall(text):
        found = _feature(word)
        if found is None or found[1] <= 0:
            continue
        feature, rarity = prefix + found[0], found[1]
        counts[feature] += 1
        weights[feature] = max(weights.get(feature, 0.0), rarity)
    vector = {f: (1.0 + math.log(c)) * weights[f] for f, c in counts.items()}
    norm2 = math.sqrt(sum(v * v for v in vector.values()))
    return {f: v / norm2 for f, v in vector.items()} if norm2 else {}


def headline_and_lead(title: str | None, text: str) -> str:
    """The headline and first sentences of an article: what says which event it reports."""
    return f"{title or ''}\n{_lead(text)}"


def _lead(text: str) -> str:
    """The first sentences of a text (split paragraph by paragraph: no need to split the rest)."""
    sentences: list[str] = []
    for paragraph in text.split("\n"):
        sentences.extend(split_sentences(paragraph))
        if len(sentences) >= _LEAD_SENTENCES:
            break
    return " ".join(sentences[:_LEAD_SENTENCES])


def article_vector(title: str | None, text: str) -> Vector:
    """One vector whose dot product is the mean of the whole-text and the lead similarities."""
    whole = text_vector(f"{title or ''}\n{text}")
    head = text_vector(headline_and_lead(title, text), prefix="lead:")
    a, b = math.sqrt(1 - _LEAD_SHARE), math.sqrt(_LEAD_SHARE)
    return {**{f: a * v for f, v in whole.items()}, **{f: b * v for f, v in head.items()}}


def similarities(vectors: list[Vector]) -> np.ndarray:
    """Cosine similarity of every pair of (L2-normalised) vectors, as a dense matrix."""
    matrix = to_matrix(vectors)
    return (matrix @ matrix.T).toarray()


def to_matrix(vectors: list[Vector]) -> sp.csr_matrix:
    """Stack vectors into one sparse matrix (rows in the given order) over their joint vocabulary."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, vector in enumerate(vectors):
        for feature, value in vector.items():
            rows.append(i)
            cols.append(vocab.setdefault(feature, len(vocab)))
            vals.append(value)
    return sp.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(vectors), max(1, len(vocab))))


Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]  # (i, j, similarity), i < j


def blocked_pairs(n: int, similarity: Callable[[slice, slice], np.ndarray], floor: float, block_cells: int = 4_000_000,
                  workers: int = 1) -> Pairs:
    """Pairs (i < j) of n items whose similarity is at least floor, with it: a block of rows at a time against the
    rows after them, so memory stays at a block a worker however many items there are.

    `similarity(rows, cols)` gives a dense block. Nearly every two articles share some word, so this is n²/2
    similarities: with workers > 1 the blocks run on threads (SciPy's sparse product and NumPy let go of the GIL),
    their results taken in order, so the pairs are the same on any machine.
    """
    step = max(16, block_cells // max(1, n))

    def block(start: int) -> Pairs:
        values = similarity(slice(start, start + step), slice(start, None))
        i, j = np.nonzero(np.triu(values >= floor, k=1))  # each pair once: j > i within the block's rows
        return i + start, j + start, values[i, j]

    starts = range(0, n, step)
    if workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(workers) as pool:
            found = list(pool.map(block, starts))
    else:
        found = [block(start) for start in starts]
    if not found:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0)
    rows, cols, values = zip(*found)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(values)


def pairs_at_least(matrix: sp.csr_matrix, threshold: float, block_cells: int = 4_000_000) -> Pairs:
    """Pairs (i < j) of rows (L2-normalised) whose cosine is at least threshold: (i, j, cosine), in blocks."""
    matrix = sp.csr_matrix(matrix)
    return blocked_pairs(matrix.shape[0], lambda rows, cols: (matrix[rows] @ matrix[cols].T).toarray(), threshold, block_cells)
