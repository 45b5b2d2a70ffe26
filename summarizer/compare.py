"""How outlets covered one story: shared facts, facts only one reports, differing numbers, quotes.

Sentences of different articles that say the same thing are aligned into claims: two sentences are
linked when each is the other's closest in its article and they are similar enough, and linked
sentences form one claim. A claim reported by several articles is a shared fact; by one, a unique one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from summarizer.faithfulness import numbers
from summarizer.records import Article
from summarizer.summarize import Candidate, candidates
from summarizer.vectors import similarities, text_vector

CLAIM_SIMILARITY = 0.2  # two sentences this similar (and mutually closest) report the same fact
_UNIQUE_PER_ARTICLE = 4  # unique facts listed per article: its first (news order: most important)
_QUOTE = re.compile(r"[«\"“]([^»\"”]{1,400})[»\"”]")  # every span, so a short quote cannot pair up wrongly
_MIN_QUOTE_CHARS = 12  # shorter quoted spans are terms and titles, not statements
_SAYS = re.compile(r"(?:^|\s)(?:و|ف)?(?:قال|قالت|أكد|أكدت|أضاف|أضافت|أعلن|أعلنت|ذكر|ذكرت|صرح|أشاد|حذر|وصف)\s+(?P<who>(?:[^\s،,:«\"]+\s+){0,5}?[^\s،,:«\"]+)\s*(?:،|,|:|إن|أن|بأن|في)")


@dataclass(frozen=True)
class Claim:
    """One fact and the sentences (article index, candidate) that report it."""

    text: str  # the earliest report's wording
    reports: tuple[tuple[int, Candidate], ...]

    @property
    def articles(self) -> list[int]:
        """Indices of the articles that report it."""
        return sorted({a for a, _ in self.reports})


@dataclass(frozen=True)
class Quote:
    """A quotation, who the article attributes it to, and where."""

    article: int
    speaker: str | None
    text: str


@dataclass(frozen=True)
class Comparison:
    """The comparison of one story's articles."""

    articles: tuple[Article, ...]
    shared: tuple[Claim, ...]  # reported by two or more articles, most widely reported first
    unique: tuple[Claim, ...]  # reported by one article
    numbers: tuple[tuple[Claim, dict[int, list[str]]], ...]  # shared claims whose numbers differ by article
    quotes: tuple[Quote, ...]


def compare(articles: list[Article]) -> Comparison:
    """Align the articles' sentences into claims and sort them into what is shared, unique, or disputed."""
    pool = candidates(articles)
    claims: list[Claim] = []
    if pool:
        similarity = similarities(_within_story([text_vector(c.text) for c in pool], pool, len(articles)))
        owner = np.array([c.article for c in pool])
        best: dict[tuple[int, int], int] = {}  # (sentence, other article) -> its closest sentence there
        for i in range(len(pool)):
            for other in set(owner.tolist()) - {owner[i]}:
                idx = np.nonzero(owner == other)[0]
                best[i, other] = int(idx[np.argmax(similarity[i, idx])])
        # Only mutual closest pairs link: one-way links chain different facts into one claim.
        rows, cols = [], []
        for (i, other), j in best.items():
            if similarity[i, j] >= CLAIM_SIMILARITY and best[j, int(owner[i])] == i:
                rows.append(i)
                cols.append(j)
        graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(pool), len(pool)))
        _, label = connected_components(graph, directed=False)
        groups: dict[int, list[int]] = {}
        for i, lab in enumerate(label):
            groups.setdefault(int(lab), []).append(i)
        for members in groups.values():
            members.sort(key=lambda i: (pool[i].article, pool[i].position))
            claims.append(Claim(pool[members[0]].text, tuple((pool[i].article, pool[i]) for i in members)))
    shared = sorted((c for c in claims if len(c.articles) > 1), key=lambda c: (-len(c.articles), c.reports[0][1].article, c.reports[0][1].position))
    unique = [c for c in claims if len(c.articles) == 1]
    unique = sorted(
        (c for c in unique if c.reports[0][1].position < _first_positions(unique, c.reports[0][0])),
        key=lambda c: (c.reports[0][0], c.reports[0][1].position),
    )
    return Comparison(tuple(articles), tuple(shared), tuple(unique), tuple(_number_differences(shared)), tuple(_quotes(pool)))


def _within_story(vectors: list[dict[str, float]], pool: list[Candidate], n_articles: int) -> list[dict[str, float]]:
    """Reweight sentence vectors by how few of the story's articles use each word.

    Every article of a story names its actors (Putin, Kim, Pyongyang): rare in the language, common in
    the story, they would make any two sentences look alike. What tells facts apart is what few
    articles say.
    """
    articles_with: dict[str, set[int]] = {}
    for vector, c in zip(vectors, pool):
        for feature in vector:
            articles_with.setdefault(feature, set()).add(c.article)
    out = []
    for vector in vectors:
        weighted = {f: v * math.log((n_articles + 1) / len(articles_with[f])) for f, v in vector.items()}
        norm = math.sqrt(sum(x * x for x in weighted.values())) or 1.0
        out.append({f: x / norm for f, x in weighted.items() if x > 0})
    return out


def _first_positions(unique: list[Claim], article: int) -> int:
    positions = sorted(c.reports[0][1].position for c in unique if c.reports[0][0] == article)
    return positions[_UNIQUE_PER_ARTICLE - 1] + 1 if len(positions) >= _UNIQUE_PER_ARTICLE else 10**9


def _number_differences(shared: list[Claim]) -> list[tuple[Claim, dict[int, list[str]]]]:
    out = []
    for claim in shared:
        by_article: dict[int, list[str]] = {}
        for article, candidate in claim.reports:
            by_article.setdefault(article, [])
            by_article[article] += [n for n in numbers(candidate.text) if n not in by_article[article]]
        sets = {tuple(sorted(v)) for v in by_article.values() if v}
        if len(sets) > 1:
            out.append((claim, by_article))
    return out


def _quotes(pool: list[Candidate]) -> list[Quote]:
    found = []
    for c in pool:
        for m in _QUOTE.finditer(c.text):
            if len(m.group(1).strip()) < _MIN_QUOTE_CHARS:
                continue
            said = _SAYS.search(c.text[: m.start()] + " ")
            found.append(Quote(c.article, said["who"].strip() if said else None, m.group(1).strip()))
    return found
