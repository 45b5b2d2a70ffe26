"""The daily briefing: stories ranked, each summarised in Arabic and English with every sentence cited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from summarizer import __version__
from summarizer.cache import ResultCache
from summarizer.errors import ModelMissingError
from summarizer.faithfulness import Glossary
from summarizer.grouping import by_coverage
from summarizer.pipeline import group_stories
from summarizer.records import Article, SentencePair, Story
from summarizer.registry import Manifest, Registry
from summarizer.settings import Settings
from summarizer.summarize import Summary, summarize_story
from summarizer.translate import (
    installed_translator,
    load_glossary,
    translate_sentences,
)


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


def build_briefing(
    articles: list[Article], settings: Settings, registry: Registry, cache: ResultCache | None,
    length: str | int = "medium", date: str | None = None, use_store: bool = True,
    warn: Callable[[str], None] = lambda message: None,
) -> Briefing:
    """Group, summarise and translate: the whole pipeline for one briefing."""
    published = sorted(a.published for a in articles if a.published)
    stories = by_coverage(group_stories(articles, settings, use_store=use_store, warn=warn))
    notes: list[str] = []
    summaries = [summarize_story(list(s.articles), registry, settings.summarizer, length, cache) for s in stories]
    for summary in summaries:
        for flag in summary.flags:
            if flag.startswith("extractive fallback") and flag not in notes:
                notes.append(flag)
    translator, missing = installed_translator(registry)
    if not missing:
        try:
            english = _translate(stories, summaries, registry, translator, cache, load_glossary(registry))
        except ModelMissingError as broken:  # installed, but it does not load
            missing = f"no English: the translator failed ({broken})"
    if missing:
        notes.append(f"{missing}; the Arabic summaries are shown")
        english = [(None, ()) for _ in stories]
    sources = list({a.id: a for story in stories for a in story.articles}.values())  # first citation order
    return Briefing(
        date=date or (published[-1] if published else dt.date.today().isoformat()),
        first=published[0] if published else None,
        last=published[-1] if published else None,
        stories=tuple(BriefStory(s, m, h, e) for s, m, (h, e) in zip(stories, summaries, english)),
        sources=tuple(sources),
        models=tuple(_models(registry, None if missing else translator, summaries)),
        notes=tuple(notes),
        settings={"summarizer": settings.summarizer or "extractive", "translator": translator.name, "length": length,
                  "group_threshold": settings.group_threshold, "version": __version__},
    )


def _translate(stories, summaries, registry: Registry, translator: Manifest, cache, glossary: Glossary) -> list[tuple]:
    texts = []
    for story, summary in zip(stories, summaries):
        texts += [story.title] + [s.text for s in summary.sentences]
    pairs = iter(translate_sentences(texts, registry, translator, cache, glossary))
    return [(next(pairs), tuple(next(pairs) for _ in summary.sentences)) for summary in summaries]


def _models(registry: Registry, translator: Manifest | None, summaries: list[Summary]) -> list[dict]:
    used = [translator] if translator else []
    for method in dict.fromkeys(s.method for s in summaries):
        if method != "extractive":
            used.append(registry.resolve(method, "summarize"))
    rows = [{"name": m.name, "task": m.task, "hf_id": m.hf_id, "revision": m.revision, "licence": m.licence} for m in used]
    if any(s.method == "extractive" for s in summaries):
        rows.append({"name": "extractive", "task": "summarize", "hf_id": None, "revision": __version__, "licence": "Apache-2.0 (this tool)"})
    return rows
