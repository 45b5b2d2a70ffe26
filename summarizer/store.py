"""The story store: what later runs need to remember (stories, their articles' vectors), in SQLite (see db.py)."""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from dataclasses import dataclass
from typing import Callable, Iterable

from summarizer.dates import shift
from summarizer.db import select_in, set_aside_rows
from summarizer.grouping import Node
from summarizer.records import Story

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    first_seen TEXT NOT NULL,   -- run date (ISO) when the story first appeared
    last_seen TEXT NOT NULL     -- run date (ISO) when an article last joined it
);
CREATE TABLE IF NOT EXISTS story_articles (
    article_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL REFERENCES stories(id),
    published TEXT,             -- ISO date, or NULL when the article does not say
    seen TEXT NOT NULL,         -- run date (ISO) of the run that stored it
    vector TEXT NOT NULL,       -- JSON {feature: weight}; see vectors.py
    destinations TEXT NOT NULL DEFAULT ''  -- country codes of the trip its lead reports, space-separated; see trips.py
);
CREATE INDEX IF NOT EXISTS story_articles_dates ON story_articles(published, seen);
"""


@dataclass
class StoryStore:
    """Stories and article vectors of earlier runs."""

    conn: sqlite3.Connection
    warn: Callable[[str], None] = lambda message: None

    def __post_init__(self) -> None:
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(story_articles)")}
        if "destinations" not in columns:  # a store written before trips were compared
            with self.conn:
                self.conn.execute("ALTER TABLE story_articles ADD COLUMN destinations TEXT NOT NULL DEFAULT ''")

    def recent_nodes(self, around: dt.date, window_days: int, skip: set[str]) -> list[Node]:
        """Stored articles published (or, undated, stored) within window_days of `around`; damaged rows set aside."""
        low, high = shift(around, -window_days).isoformat(), shift(around, window_days).isoformat()
        rows = self.conn.execute(
            "SELECT article_id, story_id, published, vector, destinations FROM story_articles "
            "WHERE (published BETWEEN ? AND ?) OR (published IS NULL AND seen BETWEEN ? AND ?) ORDER BY article_id",
            (low, high, low, high),
        ).fetchall()
        nodes, bad = [], []
        for row in rows:
            node = _node(*row)
            if node is None:
                bad.append(row[0])
            elif node.article_id not in skip:
                nodes.append(node)
        set_aside_rows(self.conn, "story_articles", "article_id", bad, self.warn)
        return nodes

    def story_of(self, article_ids: Iterable[str], before: dt.date | None = None) -> dict[str, str]:
        """The stored story of each of these articles that has one (only those stored before `before`, if given).

        Runs on the same day see the same "earlier", so rerunning a day's work gives the same output.
        """
        query = "SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})"
        if before is not None:
            query += f" AND seen < '{before.isoformat()}'"
        return dict(select_in(self.conn, query, article_ids))

    def known_story_ids(self, before: dt.date) -> set[str]:
        """Story ids given out before that day (a new id must not reuse one; today's are made again alike)."""
        return {row[0] for row in self.conn.execute("SELECT id FROM stories WHERE first_seen < ?", (before.isoformat(),))}

    def save(self, stories: list[Story], nodes: dict[str, Node], run_date: dt.date) -> None:
        """Record this run's stories and their articles in one transaction."""
        today = run_date.isoformat()
        with self.conn:
            for story in stories:
                self.conn.execute(
                    "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen",
                    (story.id, story.title, today, today),
                )
                for article in story.articles:
                    node = nodes[article.id]
                    self.conn.execute(
                        "INSERT INTO story_articles (article_id, story_id, published, seen, vector, destinations) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id",
                        (
                            article.id,
                            story.id,
                            article.published,
                            today,
                            json.dumps(node.vector, ensure_ascii=False),
                            " ".join(sorted(node.destinations)),
                        ),
                    )


def _node(article_id: object, story_id: object, published: object, vector: object, destinations: object) -> Node | None:
    """A stored article as grouping needs it, or None when its row does not hold what this module wrote."""
    try:
        weights = json.loads(vector)  # type: ignore[arg-type]
        if not (isinstance(article_id, str) and isinstance(story_id, str) and isinstance(weights, dict)):
            return None
        if not all(isinstance(w, (int, float)) and math.isfinite(w) for w in weights.values()):
            return None
        date = dt.date.fromisoformat(published) if published is not None else None  # type: ignore[arg-type]
        return Node(article_id, weights, date, story_id, destinations=frozenset(str(destinations or "").split()))
    except (TypeError, ValueError):  # not JSON, not text, not a date
        return None
