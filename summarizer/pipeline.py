"""Stages wired together: what the CLI commands call."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import BinaryIO, Callable, Iterable, Iterator

from summarizer.clean import clean_document
from summarizer.errors import OutputError
from summarizer.grouping import build_stories, cluster, nodes_for
from summarizer.ingest import read_inputs
from summarizer.outlets import OutletBook
from summarizer.progress import step
from summarizer.records import Article, Problem, Story
from summarizer.settings import Settings
from summarizer.db import connect
from summarizer.store import SCHEMA, StoryStore


def load_articles(
    paths: Iterable[str], settings: Settings, outlet: str | None = None, stdin: BinaryIO | None = None
) -> Iterator[Article | Problem]:
    """Read and clean every input: an Article for each usable document, a Problem for each bad one."""
    book = OutletBook.load(settings.outlets_file)
    for item in read_inputs(paths, settings, stdin=stdin):
        yield item if isinstance(item, Problem) else clean_document(item, book, outlet=outlet)


def group_stories(
    articles: Iterable[Article],
    settings: Settings,
    use_store: bool = True,
    today: dt.date | None = None,
    warn: Callable[[str], None] = lambda message: None,
) -> list[Story]:
    """Group articles into stories, largest first; with the store, earlier stories keep their ids."""
    first: dict[str, Article] = {}
    for article in articles:
        first.setdefault(article.id, article)  # the same article given twice is read once
    unique = list(first.values())
    if not unique:
        return []
    today = today or dt.date.today()
    with step(f"grouping {len(unique)} articles"):
        return _grouped(unique, settings, use_store, warn, today)


def _grouped(unique: list[Article], settings: Settings, use_store: bool, warn: Callable[[str], None], today: dt.date) -> list[Story]:
    """group_stories of distinct articles."""
    store = _story_store(settings, warn) if use_store else None
    try:
        earlier = store.story_of((a.id for a in unique), before=today) if store else {}
        nodes = nodes_for(unique, earlier)
        dates = [n.published for n in nodes if n.published]
        around = max(dates) if dates else today
        stored = store.recent_nodes(around, settings.story_window_days, skip={a.id for a in unique}) if store else []
        everything = nodes + stored
        stories = build_stories(everything, cluster(everything, settings.group_threshold), store.known_story_ids(today) if store else set())
        if store:
            try:
                store.save(stories, {n.article_id: n for n in nodes}, today)
            except sqlite3.Error as exc:  # the stories stand; only the next run's memory of them is lost
                warn(f"could not record these stories in {settings.store_path} ({exc}); the next run will not know them")
        return stories
    finally:
        if store:
            store.conn.close()


def _story_store(settings: Settings, warn: Callable[[str], None]) -> StoryStore | None:
    """The store of earlier runs' stories, or None (with a warning) where it cannot be opened: the stories of this
    input can still be found, as with --no-store."""
    try:
        return StoryStore(connect(settings.store_path, warn, SCHEMA), warn)
    except OutputError as exc:
        warn(f"{exc}; grouping this input alone, as with --no-store")
        return None
