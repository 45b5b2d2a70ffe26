"""How outlets covered one story: shared facts, facts only one reports, differing numbers and ordinals, quotes.

Sentences of different articles that say the same thing are aligned into claims: two sentences are
linked when each is the other's closest in its article and they are similar enough, and links join
sentences into one claim only while the claim's sentences stay similar on average. Similar: the words
they share, weighted by how few of the story's sentences use them, and their meaning (sentence
embeddings, which see a paraphrase). A claim reported by several articles is a shared fact; by one, a unique one.
Articles that carry one text (a re-post, one wire copy) are found by their shared runs of words, so a claim counts its
independent reports, not echoes; publication times say who reported a claim first, and whether differing counts
are a toll that rose through the day.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np

from summarizer import embeddings
from summarizer.arabic import light_stem, normalize
from summarizer.cache import ResultCache
from summarizer.disagreements import date_differences, number_differences, ordinal_differences
from summarizer.records import Article, Candidate, Claim, Comparison, Quote
from summarizer.speakers import speaker_of
from summarizer.summarize import candidates
from summarizer.vectors import similarities, text_vector

CLAIM_SIMILARITY = 0.15  # two sentences this similar (and mutually closest) report the same fact
MEANING_SHARE = 0.3  # share of the embeddings' similarity (the rest: shared words); with the threshold, by leave-one-story-out
WORDS_CLAIM_SIMILARITY = 0.075  # the threshold for words alone, where the embeddings cannot run
UNIQUE_PER_ARTICLE = 4  # unique facts listed per article: its first (news order: most important)
_QUOTE = re.compile(r"[«\"“]([^»\"”]{1,400})[»\"”]")  # every span, so a short quote cannot pair up wrongly
_MIN_QUOTE_CHARS = 12  # shorter quoted spans are terms and titles, not statements
_MIN_QUOTE_WORDS = 3
# Quoted names, not statements: «وكالة الأنباء ...», صحيفة «فيدوموستي», قاعدة «فوستوشني».
_NAMED = {normalize(w) for w in "وكالة صحيفة قناة قاعدة شركة حزب منظمة مجلة موقع جامعة مركز معهد عملية برنامج حركة جبهة".split()}
# A short quoted span opening with one of these names a document, not a statement: وقعا «اتفاق شراكة استراتيجية».
_DOCUMENTS = {normalize(w) for w in "اتفاق اتفاقية معاهدة ميثاق مبادرة خطة قانون إعلان مذكرة".split()}
_DOCUMENT_WORDS = 4
# Two articles carry one text when this share of the shorter one's runs of _RUN words is in the other: re-posts (1.0)
# and lightly edited copies (0.8-0.99 on the labelled windows), not articles that reuse a background paragraph
# (0.5-0.7 there). Grouping's near-duplicates (Story.duplicates) compare whole-article vectors instead, which scales
# to a day's thousands of articles.
COPY_SHARE = 0.8
_RUN = 5


def compare(articles: list[Article], claim_similarity: float | None = None, meaning_share: float = MEANING_SHARE,
            cache: ResultCache | None = None) -> Comparison:
    """Align the articles' sentences into claims and sort them into what is shared, unique, or disputed.

    By shared words alone where the embeddings cannot run (embeddings.available()), at that method's own threshold.
    The sentences' embeddings are kept in the result cache, if one is given.
    """
    if meaning_share and not embeddings.available():
        meaning_share = 0.0
    if claim_similarity is None:
        claim_similarity = CLAIM_SIMILARITY if meaning_share else WORDS_CLAIM_SIMILARITY
    pool = candidates(articles)
    similarity = similarities(_within_story([text_vector(c.text) for c in pool]))
    if meaning_share:
        similarity = (1 - meaning_share) * similarity + meaning_share * embeddings.similarities([c.text for c in pool], cache)
    similarity *= _same_quotes(pool)
    copied = copies(articles)
    text_of = {a: k for k, group in enumerate(copied) for a in group}  # article -> its copy group (others: their own)
    claims = []
    for members in _align(pool, similarity, claim_similarity):
        claim = Claim(pool[members[0]].text, tuple((pool[i].article, pool[i]) for i in members))
        independent = len({text_of.get(a, -1 - a) for a in claim.articles})
        claims.append(dataclasses.replace(claim, first=first_report(claim, articles), independent=independent))
    shared = sorted((c for c in claims if len(c.articles) > 1), key=lambda c: (-len(c.articles), c.reports[0][1].article, c.reports[0][1].position))
    unique = [c for c in claims if len(c.articles) == 1]
    unique = sorted(
        (c for c in unique if c.reports[0][1].position < _first_positions(unique, c.reports[0][0])),
        key=lambda c: (c.reports[0][0], c.reports[0][1].position),
    )
    disputes = number_differences(pool, claims, articles) + date_differences(pool) + ordinal_differences(pool, len(articles))
    return Comparison(tuple(articles), tuple(shared), tuple(unique), tuple(disputes), tuple(_quotes(pool)), tuple(map(tuple, copied)))


def copies(articles: list[Article]) -> list[list[int]]:
    """Groups of articles that carry one text (see COPY_SHARE), each in article order; articles alone are left out."""
    runs = [_word_runs(a.text) for a in articles]
    group = list(range(len(articles)))  # union-find: each article's representative

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            shorter = min(len(runs[i]), len(runs[j]))
            if shorter and len(runs[i] & runs[j]) >= COPY_SHARE * shorter:
                group[root(j)] = root(i)
    found: dict[int, list[int]] = {}
    for i in range(len(articles)):
        found.setdefault(root(i), []).append(i)
    return [g for g in found.values() if len(g) > 1]


def _word_runs(text: str) -> set[tuple[str, ...]]:
    """The text's runs of _RUN words (normalised), or the whole text as one run when it is shorter."""
    words = re.findall(r"\w+", normalize(text))
    return {tuple(words[k : k + _RUN]) for k in range(max(1, len(words) - _RUN + 1))} if words else set()


def first_report(claim: Claim, articles: list[Article]) -> int | None:
    """The article that reported the claim first: by publication time when every report has one, else by day; None
    when two come first together or a report has neither."""
    when = [(articles[a].published_at, a) for a in claim.articles]
    if any(t is None for t, _ in when):
        when = [(articles[a].published, a) for a in claim.articles]
    if any(t is None for t, _ in when):
        return None
    when.sort()
    return when[0][1] if len(when) == 1 or when[0][0] < when[1][0] else None


def _align(pool: list[Candidate], similarity: np.ndarray, threshold: float = CLAIM_SIMILARITY) -> list[list[int]]:
    """Sentences grouped into claims: at most one sentence an article, each claim's sentences alike on average.

    Links are pairs of sentences that are each other's closest in the other article and similar
    enough; they are taken most similar first, and join two groups only when the groups' sentences
    stay similar on average (average linkage), so a chain of links cannot join different facts.
    """
    owner = [c.article for c in pool]
    by_article: dict[int, list[int]] = {}
    for i, a in enumerate(owner):
        by_article.setdefault(a, []).append(i)
    closest = {(i, a): max(idx, key=lambda j: similarity[i, j]) for i in range(len(pool)) for a, idx in by_article.items() if a != owner[i]}
    links = sorted(
        ((similarity[i, j], i, j) for (i, a), j in closest.items() if i < j and closest[j, owner[i]] == i and similarity[i, j] >= threshold),
        key=lambda link: (-link[0], link[1], link[2]),
    )
    group = {i: [i] for i in range(len(pool))}  # sentence -> the members of its group (shared list)
    for _, i, j in links:
        a, b = group[i], group[j]
        if a is b or {owner[k] for k in a} & {owner[k] for k in b}:
            continue
        if similarity[np.ix_(a, b)].mean() < threshold:
            continue
        a.extend(b)
        for k in b:
            group[k] = a
    unique_groups = {id(g): g for g in group.values()}.values()
    return [sorted(g, key=lambda i: (pool[i].article, pool[i].position)) for g in unique_groups]


def _same_quotes(pool: list[Candidate]) -> np.ndarray:
    """1 for each pair of sentences that may report the same fact, 0 where both quote someone and the quotes share no
    word: one speaker's two statements ("documents will be signed", "cooperation in all areas") are two facts."""
    quoted = [{light_stem(w) for m in _QUOTE.finditer(normalize(c.text)) for w in re.findall(r"\w{3,}", m.group(1))} for c in pool]
    mask = np.ones((len(pool), len(pool)))
    for i, j in ((i, j) for i in range(len(pool)) for j in range(i + 1, len(pool)) if quoted[i] and quoted[j] and quoted[i].isdisjoint(quoted[j])):
        mask[i, j] = mask[j, i] = 0.0
    return mask


def _within_story(vectors: list[dict[str, float]]) -> list[dict[str, float]]:
    """Reweight sentence vectors by how few of the story's sentences use each word.

    Every article of a story names its actors (Putin, Kim, Pyongyang) in sentence after sentence: rare
    in the language, common in the story, they would make any two sentences look alike. What tells
    facts apart is what few sentences say. (Counting articles instead of sentences was tried: with
    four articles a word can only weigh one of four values, and the words of one fact that every
    article reports, the very ones that should align, weighed least.)
    """
    sentences_with: dict[str, int] = {}
    for vector in vectors:
        for feature in vector:
            sentences_with[feature] = sentences_with.get(feature, 0) + 1
    out = []
    for vector in vectors:
        # +1: a word in every sentence still counts a little (a story of two one-sentence articles).
        weighted = {f: v * math.log((len(vectors) + 1) / sentences_with[f]) for f, v in vector.items()}
        norm = math.sqrt(sum(x * x for x in weighted.values())) or 1.0
        out.append({f: x / norm for f, x in weighted.items() if x > 0})
    return out


def _first_positions(unique: list[Claim], article: int) -> int:
    positions = sorted(c.reports[0][1].position for c in unique if c.reports[0][0] == article)
    return positions[UNIQUE_PER_ARTICLE - 1] + 1 if len(positions) >= UNIQUE_PER_ARTICLE else 10**9


def _quotes(pool: list[Candidate]) -> list[Quote]:
    """Quoted statements and who each is attributed to (the last verb of saying before the quote)."""
    found = []
    for c in pool:
        for m in _QUOTE.finditer(c.text):
            text = m.group(1).strip()
            before = normalize(c.text[: m.start()]).split()
            if len(text) < _MIN_QUOTE_CHARS or len(text.split()) < _MIN_QUOTE_WORDS:
                continue
            words = normalize(text).split()
            if words[0] in _NAMED or (before and before[-1].lstrip("وب") in _NAMED):
                continue
            if words[0] in _DOCUMENTS and len(words) <= _DOCUMENT_WORDS:
                continue
            head = c.text[: m.start()] + " "
            found.append(Quote(c.article, speaker_of(head), text))
    return found
