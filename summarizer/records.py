"""Typed records that flow between the stages. Frozen: a stage returns new records, never mutates."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Source:
    """Where a record came from: a file (or '-' for standard input) and, for JSONL, a line."""

    path: str  # text: a file name's bytes that are not UTF-8 are kept as \xNN escapes, so every output can hold it
    line: int | None = None

    def __post_init__(self) -> None:
        # os.fsdecode gives such bytes as lone surrogates, which no UTF-8 writer accepts (the JSON, the briefing).
        try:
            text = self.path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that is no escaped byte
            text = self.path.encode("utf-8", "backslashreplace").decode("utf-8")
        object.__setattr__(self, "path", text)

    def __str__(self) -> str:
        # A name is shown on one line whatever it holds: a newline in it comes out escaped.
        path = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.path)
        return f"{path}:{self.line}" if self.line is not None else path


@dataclass(frozen=True)
class RawDocument:
    """Decoded text of one input, with whatever metadata the input itself carried."""

    text: str
    source: Source
    format: str  # txt, md, html, json, jsonl
    encoding: str | None = None
    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    published_at: str | None = None  # the moment, in UTC (YYYY-MM-DDTHH:MMZ), when the input gives a time and its zone


@dataclass(frozen=True)
class Problem:
    """An input that could not be used: what, where, and what to do about it."""

    source: Source
    reason: str
    hint: str = ""
    skipped: bool = True  # False: the input was read all the same, and this says what was done to it

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}" + (f"; {self.hint}" if self.hint else "")


@dataclass(frozen=True)
class Article:
    """One clean article: the main text only, with title, outlet and date where the page states them."""

    id: str
    outlet: str | None  # None means unknown: never guessed
    title: str | None  # None when the page has no headline
    published: str | None  # ISO date (YYYY-MM-DD)
    url: str | None
    language: str
    text: str  # clean paragraphs separated by a blank line
    source: Source
    published_at: str | None = None  # the moment, in UTC (YYYY-MM-DDTHH:MMZ), when the input gives a time and its zone

    @property
    def paragraphs(self) -> list[str]:
        """The article's paragraphs, in order."""
        return self.text.split("\n\n")

    def to_dict(self) -> dict:
        """JSON-ready form, in the field order of the ingest output."""
        data = asdict(self)
        data["source"] = {k: v for k, v in data["source"].items() if v is not None}
        order = ["id", "outlet", "title", "published", "published_at", "url", "language", "text", "source"]
        return {k: data[k] for k in order}


@dataclass(frozen=True)
class Story:
    """Articles about one event: the representative article first."""

    id: str
    title: str
    articles: tuple[Article, ...]
    duplicates: Mapping[str, str] = field(default_factory=dict)  # copy id -> id of the article it copies
    status: str = "new"  # new | updated | unchanged, against the stored earlier runs

    @property
    def outlets(self) -> list[str]:
        """Known outlets covering the story, in article order, each once."""
        return list(dict.fromkeys(a.outlet for a in self.articles if a.outlet))

    def to_dict(self) -> dict:
        """JSON-ready form, as `summarizer group` prints it."""
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "articles": [a.id for a in self.articles],
            "outlets": self.outlets,
            "duplicates": dict(self.duplicates),
        }


@dataclass(frozen=True)
class SentencePair:
    """One source sentence, its translation, and the checks that failed on it."""

    source: str
    target: str
    flags: tuple[str, ...] = ()
    pieces: int = 1  # parts the sentence was split into to fit the model (1: it fitted)


@dataclass(frozen=True)
class TranslatedArticle:
    """An article in English, sentence by sentence, its paragraphs kept."""

    article: Article
    title: SentencePair | None
    paragraphs: tuple[tuple[SentencePair, ...], ...]
    status: str  # translated | passthrough (already English) | not translated (other language)
    model: str | None = None
    revision: str | None = None

    @property
    def flagged(self) -> list[tuple[int, int, SentencePair]]:
        """(paragraph, sentence, pair) for every sentence with a failed check, 1-based."""
        return [(p, s, pair) for p, para in enumerate(self.paragraphs, 1) for s, pair in enumerate(para, 1) if pair.flags]

    def to_dict(self) -> dict:
        """JSON-ready form, sentence alignment included."""
        def pair(p: SentencePair) -> dict:
            return {"ar": p.source, "en": p.target, "flags": list(p.flags), "pieces": p.pieces}

        return {
            "id": self.article.id,
            "status": self.status,
            "model": self.model,
            "revision": self.revision,
            "outlet": self.article.outlet,
            "published": self.article.published,
            "url": self.article.url,
            "language": self.article.language,
            "title": pair(self.title) if self.title else None,
            "paragraphs": [[pair(p) for p in para] for para in self.paragraphs],
            "source": asdict(self.article.source),
        }


# --- what the summarizing, comparing and briefing stages return (rendered by render.py) ---------------------


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
    evidence: tuple[str, ...] = ()  # the text of each supporting sentence, in the order of sources


@dataclass(frozen=True)
class Summary:
    """A story's summary, labelled with how it was made."""

    sentences: tuple[SummarySentence, ...]
    method: str  # "extractive", or the model's name
    input_sentences: int  # candidates the story offered
    used_sentences: int  # how many of them the summary (or the model) saw
    flags: tuple[str, ...] = ()  # about the whole summary: fallback, input cut to fit the model

    @property
    def text(self) -> str:
        """The summary as running text."""
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Claim:
    """One fact and the sentences (article index, candidate) that report it."""

    text: str  # the earliest report's wording
    reports: tuple[tuple[int, Candidate], ...]
    first: int | None = None  # the article that reported it first, when publication times (or days) tell
    independent: int = 0  # reports that are not copies of one another (see Comparison.copies)

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
    numbers: tuple[NumberDifference, ...]  # quantities, dates and ordinals the articles give differently
    quotes: tuple[Quote, ...]
    copies: tuple[tuple[int, ...], ...] = ()  # articles that carry one text (a re-post, one wire copy): 2 or more each


@dataclass(frozen=True)
class NumberDifference:
    """Numbers for one thing that cannot all be true, with the sentences that give them (the claim's reports)."""

    claim: Claim
    values: dict[int, list[str]]  # article index -> its numbers, as written
    running: bool = False  # a count that rose from report to report as time went on (a running toll), not a contradiction
    quantity: str = ""  # what the numbers count: killed, wounded (", since": a total since an earlier date), a unit, "date"


@dataclass(frozen=True)
class BriefStory:
    """One story of the briefing."""

    story: Story
    summary: Summary
    headline: SentencePair | None  # the story title in English (None: no translator)
    english: tuple[SentencePair, ...]  # the summary in English, sentence by sentence (empty: no translator)


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing document shows, in order."""

    date: str
    first: str | None  # earliest and latest publication date of its articles
    last: str | None
    stories: tuple[BriefStory, ...]  # ranked: most outlets and articles, then most recent
    sources: tuple[Article, ...]  # every cited article, numbered 1.. in this order
    models: tuple[dict, ...]
    notes: tuple[str, ...] = ()  # what is missing and how to fix it
    settings: dict = field(default_factory=dict)

    def number(self, article: Article) -> int:
        """An article's number in the sources list (1-based)."""
        return next(i for i, a in enumerate(self.sources, 1) if a.id == article.id)


@dataclass(frozen=True)
class StoryComparison:
    """One story's outlet comparison, with the English of its sentences and notes on what is missing."""

    story: Story
    comparison: Comparison
    english: dict[str, str]  # Arabic sentence -> English (empty: no translator)
    notes: tuple[str, ...] = ()
