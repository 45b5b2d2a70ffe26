"""Group articles into stories.

Articles are compared by rarity-weighted term vectors (see vectors.py), discounted for time apart,
and set to zero when their leads report trips to different countries (see trips.py). Stories are
grown by agglomeration: the two most alike stories merge while they are alike enough, where two
stories are compared through all their articles' pairs, leaning towards the cosine of their summed
vectors, so a big story's shared event words count more than its articles' many angles (see
_agglomerate). Only pairs of some similarity are looked at, so the work follows the pairs.

Near-duplicates (the same wire copy on several sites) come out as the closest pairs and are reported
per story. Stories from earlier runs take part through their stored vectors, so a story keeps its id
when new articles join it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from summarizer.arabic import split_sentences
from summarizer.records import Article, Story
from summarizer.settings import usable_cores
from summarizer.trips import trip_destinations
from summarizer.vectors import (
    Pairs,
    Vector,
    article_vector,
    blocked_pairs,
    headline_and_lead,
    pairs_at_least,
    to_matrix,
)

DUPLICATE_THRESHOLD = 0.9
LINKAGE = 0.75  # 0: average linkage, 1: centroid; chosen with the threshold by leave-one-window-out (results/benchmarks.md)
CORE_THRESHOLD = 0.3  # pairs this alike make the cores that stories grow from
_FLOOR = 0.1  # pairs less alike than this share of the threshold count as 0 (at 0.25 the big story of 2018-04-13/14 fell apart)
_FULL_WEIGHT_DAYS = 2  # articles this close in time are compared as they are
_HALF_WEIGHT_DAYS = 7  # then similarity is halved after this many more days
_BLOCK_CELLS = 8_000_000  # similarities computed at a time (a block of rows × the columns after them): ~200 MB of float64


@dataclass(frozen=True)
class Node:
    """One article taking part in grouping: from this run's input, or stored from an earlier run."""

    article_id: str
    vector: Vector
    published: dt.date | None
    story_id: str | None = None  # the story an earlier run put it in
    article: Article | None = None  # None for stored articles not in this run's input
    destinations: frozenset[str] = frozenset()  # countries the trip its lead reports goes to


PARALLEL_FROM = 5000  # articles from which their vectors are made on all cores (each worker takes a second to start)


def node_for(article: Article, story_id: str | None = None) -> Node:
    """The grouping node of an input article."""
    return _node(article, story_id, *_vector_and_trips((article.title, article.text)))


def nodes_for(articles: list[Article], story_ids: dict[str, str] | None = None) -> list[Node]:
    """The grouping nodes of input articles (with the story each had in an earlier run); many on all cores."""
    workers = _workers()
    if len(articles) >= PARALLEL_FROM and workers > 1:
        # Processes, as making a vector is Python work under the GIL; "spawn", as a forked copy of a process that
        # has loaded a model's threads can hang.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            made = list(pool.map(_vector_and_trips, [(a.title, a.text) for a in articles], chunksize=256))
    else:
        made = [_vector_and_trips((a.title, a.text)) for a in articles]
    return [_node(a, (story_ids or {}).get(a.id), vector, trips) for a, (vector, trips) in zip(articles, made)]


def _vector_and_trips(title_and_text: tuple[str | None, str]) -> tuple[Vector, frozenset[str]]:
    title, text = title_and_text
    return article_vector(title, text), trip_destinations(headline_and_lead(title, text))


def _node(article: Article, story_id: str | None, vector: Vector, destinations: frozenset[str]) -> Node:
    published = dt.date.fromisoformat(article.published) if article.published else None
    return Node(article.id, vector, published, story_id, article, destinations)


@dataclass(frozen=True)
class _Features:
    """What pairs of nodes are compared on, stacked: term vectors, publication days, trip destinations."""

    terms: sp.csr_matrix
    days: np.ndarray
    trips: sp.csr_matrix

    @classmethod
    def of(cls, nodes: list[Node]) -> _Features:
        days = np.array([n.published.toordinal() if n.published else np.nan for n in nodes])
        return cls(to_matrix([n.vector for n in nodes]), days, _trip_matrix(nodes))

    def of_groups(self, groups: list[list[int]]) -> _Features:
        """Features of groups of nodes: summed term vectors, mean publication day, the trips of any member."""
        membership = sp.csr_matrix(
            (np.ones(sum(map(len, groups)), dtype=np.float32), ([g for g, m in enumerate(groups) for _ in m], [i for m in groups for i in m])),
            shape=(len(groups), self.terms.shape[0]),
        )
        with np.errstate(invalid="ignore"):
            days = np.array([np.nanmean(self.days[m]) if not np.all(np.isnan(self.days[m])) else np.nan for m in groups])
        trips = (membership @ self.trips).sign()
        return _Features(sp.csr_matrix(membership @ self.terms), days, sp.csr_matrix(trips))

    def self_similarity(self) -> np.ndarray:
        """Each row's similarity to itself (a group's sum of its pairs' term similarities)."""
        return np.asarray(self.terms.multiply(self.terms).sum(axis=1)).ravel()

    def similarity(self, rows: slice | list[int], cols: slice | list[int]) -> np.ndarray:
        """Similarity of nodes `rows` × `cols`: term cosine × time factor × trip factor."""
        cosine = (self.terms[rows] @ self.terms[cols].T).toarray()
        return cosine * _time_weight(self.days[rows], self.days[cols]) * _same_trip(self.trips[rows], self.trips[cols])


def pair_similarities(nodes: list[Node]) -> np.ndarray:
    """The similarity grouping uses for every pair of nodes, as a dense matrix (for small sets)."""
    return _Features.of(nodes).similarity(slice(None), slice(None))


def cluster(nodes: list[Node], threshold: float, linkage: float = LINKAGE) -> list[list[int]]:
    """Indices of nodes grouped into stories, each list sorted.

    Two stages, so that the work follows the pairs of articles that are alike, not all n² of them:
    cores of articles whose pairs are close (average linkage over pairs at least CORE_THRESHOLD alike),
    then cores merged by _agglomerate, comparing each two cores through their summed vectors.
    """
    if not nodes:
        return []
    features = _Features.of(nodes)
    cores = _average_linkage(len(nodes), _close_pairs(features, CORE_THRESHOLD), CORE_THRESHOLD)
    core_features = features.of_groups(cores)
    within = core_features.self_similarity()
    merged = _agglomerate([len(c) for c in cores], within.tolist(), _close_pairs(core_features, _FLOOR * threshold), threshold, linkage)
    return sorted(sorted(i for core in group for i in cores[core]) for group in merged)


def _close_pairs(features: _Features, floor: float) -> Pairs:
    """Pairs (i < j) whose similarity is at least `floor`, with it, a block of rows at a time on all cores."""
    return blocked_pairs(features.terms.shape[0], features.similarity, floor, _BLOCK_CELLS, _workers())


def _workers() -> int:
    """Blocks computed at once: one per core this process may use (each holds a block of some 200 MB)."""
    return min(8, usable_cores())


def _average_linkage(n: int, pairs: Pairs, threshold: float) -> list[list[int]]:
    """Groups of average linkage (pairs not given count as 0) cut at threshold, each list sorted.

    Average linkage is reducible (a merged group is never more alike to a third than both its parts were), so
    merging every two groups that are each other's most alike, in rounds, makes the same groups as merging the
    most alike two at a time (Murtagh 1983), with sparse matrix products instead of a heap of every pair.
    """
    i, j, values = pairs
    sums = sp.csr_matrix((np.r_[values, values], (np.r_[i, j], np.r_[j, i])), shape=(n, n))  # S(A, B) of groups
    size = np.ones(n)
    label = np.arange(n)  # each node's group
    while True:
        cells = sums.tocoo()
        between = cells.row != cells.col
        rows, cols = cells.row[between], cells.col[between]
        score = cells.data[between] / (size[rows] * size[cols])
        close = score >= threshold
        if not close.any():
            break
        rows, cols, score = rows[close], cols[close], score[close]
        order = np.lexsort((cols, -score, rows))  # each group's most alike first (ties: the lowest index)
        rows, cols = rows[order], cols[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        groups = sums.shape[0]
        nearest = np.full(groups, -1)
        nearest[rows[first]] = cols[first]
        mutual = np.zeros(groups, dtype=bool)
        has = np.nonzero(nearest >= 0)[0]
        mutual[has] = nearest[nearest[has]] == has
        into = np.arange(groups)
        low = np.nonzero(mutual & (np.arange(groups) < nearest))[0]
        into[nearest[low]] = low
        kept, new = np.unique(into, return_inverse=True)
        merge = sp.csr_matrix((np.ones(groups), (np.arange(groups), new)), shape=(groups, len(kept)))
        sums = sp.csr_matrix(merge.T @ sums @ merge)
        size = merge.T @ size
        label = new[label]
    members: dict[int, list[int]] = {}
    for node, group in enumerate(label.tolist()):
        members.setdefault(group, []).append(node)
    return sorted(members.values())  # by first member: the same order whatever the rounds were


def _agglomerate(size: list[int], within: list[float], pairs: Pairs, threshold: float, linkage: float) -> list[list[int]]:
    """Merge the two most alike groups while they are at least `threshold` alike; the groups' indices.

    Two groups A and B are alike by the sum S(A, B) of their articles' pair similarities, scaled by
    (|A|·|B|)^(1-linkage) · (S(A, A)·S(B, B))^(linkage/2). At linkage 0 that is average linkage (the
    mean pair similarity); at 1 it is the cosine of the groups' summed vectors, which for a big story
    weighs the words its articles share (the event) over each one's own angle: a 100-article story whose
    angles share the event but little else holds together, where on average its pairs are far apart.
    `size` and `within` (S(A, A)) start each group; pairs not given count as 0.
    """
    size, within = list(size), list(within)
    neighbours: list[dict[int, float]] = [{} for _ in size]
    pair_list = list(zip(*(column.tolist() for column in pairs)))
    for i, j, value in pair_list:
        neighbours[i][j] = neighbours[j][i] = value
    members = [[i] for i in range(len(size))]
    version = [0] * len(size)  # bumped at each merge: heap entries of an older version are stale

    def alike(a: int, b: int) -> float:
        return neighbours[a][b] / ((size[a] * size[b]) ** (1 - linkage) * (within[a] * within[b]) ** (linkage / 2))

    heap = [(-alike(i, j), i, j, 0, 0) for i, j, _ in pair_list]
    heap = [entry for entry in heap if -entry[0] >= threshold]
    heapq.heapify(heap)
    while heap:
        _, a, b, version_a, version_b = heapq.heappop(heap)
        if version[a] != version_a or version[b] != version_b or not members[a] or not members[b]:
            continue
        keep, drop = (a, b) if len(neighbours[a]) >= len(neighbours[b]) else (b, a)  # fold the smaller into the larger
        within[keep] += within[drop] + 2 * neighbours[keep].pop(drop)
        size[keep] += size[drop]
        members[keep] += members[drop]
        members[drop] = []
        del neighbours[drop][keep]
        for k, value in neighbours[drop].items():
            neighbours[keep][k] = neighbours[keep].get(k, 0.0) + value
            del neighbours[k][drop]
            neighbours[k][keep] = neighbours[keep][k]
        neighbours[drop] = {}
        version[keep] += 1
        for k in neighbours[keep]:
            score = alike(keep, k)
            if score >= threshold:
                low, high = min(keep, k), max(keep, k)
                heapq.heappush(heap, (-score, low, high, version[low], version[high]))
    return [m for m in members if m]


def _time_weight(days_a: np.ndarray, days_b: np.ndarray) -> np.ndarray:
    """Factor on similarity for articles published days apart: 1 within two days, then falling."""
    # Worked out once per pair of distinct days (a block of rows × all articles has few), then looked up.
    unique_a, index_a = np.unique(days_a, return_inverse=True)
    unique_b, index_b = np.unique(days_b, return_inverse=True)
    apart = np.abs(unique_a[:, None] - unique_b[None, :])
    weight = 1.0 / (1.0 + np.maximum(0.0, apart - _FULL_WEIGHT_DAYS) / _HALF_WEIGHT_DAYS)
    weight = np.where(np.isnan(weight), 1.0, weight)  # undated articles: no time prior
    return weight[index_a.reshape(-1)[:, None], index_b.reshape(-1)[None, :]]


def _trip_matrix(nodes: list[Node]) -> sp.csr_matrix:
    """Rows: nodes; columns: countries; 1 where the node's lead reports a trip there."""
    codes: dict[str, int] = {}
    rows, cols = [], []
    for i, node in enumerate(nodes):
        for code in sorted(node.destinations):
            rows.append(i)
            cols.append(codes.setdefault(code, len(codes)))
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(nodes), max(1, len(codes))))


def _same_trip(trips_a: sp.csr_matrix, trips_b: sp.csr_matrix) -> np.ndarray:
    """Factor on similarity: 0 where both articles lead with trips to no common country, else 1."""
    shared = (trips_a @ trips_b.T).toarray() > 0
    has_a = np.asarray(trips_a.sum(axis=1)).ravel() > 0
    has_b = np.asarray(trips_b.sum(axis=1)).ravel() > 0
    return np.where(has_a[:, None] & has_b[None, :] & ~shared, 0.0, 1.0)


# --- from clusters to stories ---------------------------------------------------------------------


def build_stories(nodes: list[Node], groups: list[list[int]], known_ids: frozenset[str] | set[str] = frozenset()) -> list[Story]:
    """Stories for the groups that hold input articles: ids kept from earlier runs, largest first."""
    claimed = _claim_old_ids(nodes, groups)
    taken = set(known_ids)
    stories = []
    for index, group in enumerate(groups):
        inputs = [nodes[i] for i in group if nodes[i].article is not None]
        if not inputs:
            continue
        vectors = to_matrix([n.vector for n in inputs])
        order = _story_order(inputs, vectors)
        articles = [inputs[k].article for k in order]
        old_id = claimed.get(index)
        story_id = old_id or _new_id(articles[0].id, taken)
        taken.add(story_id)
        if old_id is None:
            status = "new"
        elif any(n.story_id != old_id for n in inputs):
            status = "updated"
        else:
            status = "unchanged"
        stories.append(
            Story(
                id=story_id,
                title=_story_title(articles[0]),
                articles=tuple(articles),
                duplicates=_duplicates(inputs, vectors, order),
                status=status,
            )
        )
    return sorted(stories, key=_rank)


def _claim_old_ids(nodes: list[Node], groups: list[list[int]]) -> dict[int, str]:
    """Give each earlier story's id to the one group holding most of its articles."""
    best: dict[str, tuple[int, int]] = {}  # story id -> (members in group, -group index)
    for index, group in enumerate(groups):
        counts: dict[str, int] = {}
        for i in group:
            if nodes[i].story_id:
                counts[nodes[i].story_id] = counts.get(nodes[i].story_id, 0) + 1
        for story_id, count in counts.items():
            if (count, -index) > best.get(story_id, (0, 1)):
                best[story_id] = (count, -index)
    claimed: dict[int, str] = {}
    for story_id, (count, neg_index) in sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0])):
        claimed.setdefault(-neg_index, story_id)
    return claimed


def _story_order(inputs: list[Node], vectors: sp.csr_matrix) -> list[int]:
    """The representative (most central; then titled, dated, earliest, smallest id) first; the rest by date."""
    # Mean similarity to the story's articles (itself too), from the summed vector: no n × n matrix for a big story.
    vectors = vectors.astype(np.float64)
    centrality = vectors @ np.asarray(vectors.sum(axis=0)).ravel() / len(inputs)

    def by_date(k: int) -> tuple:
        a = inputs[k].article
        return (a.published is None, a.published or "", a.id)

    rep = min(range(len(inputs)), key=lambda k: (-round(float(centrality[k]), 6), inputs[k].article.title is None, *by_date(k)))
    return [rep] + sorted((k for k in range(len(inputs)) if k != rep), key=by_date)


def _duplicates(inputs: list[Node], vectors: sp.csr_matrix, order: list[int]) -> dict[str, str]:
    """Articles that are copies of an earlier-listed article of the same story: copy id -> original id."""
    position = {k: pos for pos, k in enumerate(order)}
    alike: dict[int, list[int]] = {}  # article -> the articles listed before it that it copies
    for i, j, _ in zip(*pairs_at_least(vectors, DUPLICATE_THRESHOLD)):
        later, earlier = (int(i), int(j)) if position[i] > position[j] else (int(j), int(i))
        alike.setdefault(later, []).append(earlier)
    copies: dict[str, str] = {}
    for k in order:
        for earlier in sorted(alike.get(k, ()), key=position.__getitem__):
            if inputs[earlier].article_id not in copies:
                copies[inputs[k].article_id] = inputs[earlier].article_id
                break
    return copies


def _story_title(article: Article) -> str:
    if article.title:
        return article.title
    first = (split_sentences(article.text) or [article.text])[0]
    words = first.split()
    return " ".join(words[:16]) + (" …" if len(words) > 16 else "")


def _new_id(seed: str, taken: set[str]) -> str:
    for salt in range(1000):
        candidate = "s-" + hashlib.sha256(f"{seed}:{salt}".encode()).hexdigest()[:10]
        if candidate not in taken:
            return candidate
    raise RuntimeError("could not find a free story id")


def by_coverage(stories: list[Story], since: str | None = None) -> list[Story]:
    """Most outlets first, then most articles, then most recent, then id: the order of a briefing.

    With `since` (an ISO date), outlets and articles are counted from that day on (undated ones
    count); the whole story only breaks ties, so a big story from last week follows today's news.
    """
    def recent(story: Story) -> list[Article]:
        return [a for a in story.articles if not (since and published_before(a, since))]

    def key(story: Story) -> tuple:
        latest = recent(story)
        return (-len({a.outlet for a in latest if a.outlet}), -len(latest), -len(story.outlets), -len(story.articles), -_latest(story), story.id)

    return sorted(stories, key=key)


def published_before(article: Article, day: str) -> bool:
    """True when the article is dated, and earlier than the ISO date `day` (ISO dates order as strings)."""
    return bool(article.published and article.published < day)


def _latest(story: Story) -> int:
    """Ordinal of the story's newest publication date (0 when none is known)."""
    dates = [dt.date.fromisoformat(a.published) for a in story.articles if a.published]
    return max(dates).toordinal() if dates else 0


def _rank(story: Story) -> tuple:
    """Largest first, then most outlets, then most recent, then id."""
    return (-len(story.articles), -len(story.outlets), -_latest(story), story.id)