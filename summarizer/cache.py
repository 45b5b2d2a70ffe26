"""Result cache: model outputs stored by what produced them, so no output is computed twice.

The key is a hash of the stage, model name, the installed weights' fingerprint (Registry.fingerprint),
the engine and precision that run them, generation parameters and the normalised input. Lives in
$SUMMARIZER_HOME/cache.sqlite (WAL: safe with two processes; a corrupt file is set aside with a warning).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Callable, Iterable

from summarizer.arabic import normalize
from summarizer.errors import OutputError
from summarizer.db import connect, select_in, set_aside_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    model TEXT NOT NULL,
    output TEXT NOT NULL
);
"""


def cache_key(stage: str, model: str, weights: str, engine: str, params: dict, text: str) -> str:
    """Stable key of one model call."""
    material = json.dumps([stage, model, weights, engine, params, normalize(text)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class ResultCache:
    """Looked up before any model runs; written after, one transaction per batch.

    It only saves work: a cache that cannot be opened or written (a read-only model store, a full disk) is one
    warning, and the run goes on without it.
    """

    def __init__(self, path: Path, warn: Callable[[str], None] = lambda message: None):
        self.warn = warn
        self.conn: sqlite3.Connection | None = None
        try:
            self.conn = connect(path, warn, SCHEMA)
        except OutputError as exc:
            self._go_on_without(exc)

    def get_many(self, keys: Iterable[str]) -> dict[str, dict]:
        """Outputs already stored for these keys (JSON objects); a damaged row is set aside and counts as missing."""
        if self.conn is not None:
            try:
                rows = select_in(self.conn, "SELECT key, output FROM results WHERE key IN ({marks})", keys)
                found = {key: _output(text) for key, text in rows}
                set_aside_rows(self.conn, "results", "key", [key for key, out in found.items() if out is None], self.warn)
                return {key: out for key, out in found.items() if out is not None}
            except sqlite3.Error as exc:
                self._go_on_without(exc)
        return {}

    def put_many(self, stage: str, model: str, items: dict[str, dict]) -> None:
        """Store outputs by key (an existing key keeps its first output)."""
        if self.conn is not None:
            try:
                with self.conn:
                    self.conn.executemany(
                        "INSERT OR IGNORE INTO results (key, stage, model, output) VALUES (?, ?, ?, ?)",
                        [(key, stage, model, json.dumps(output, ensure_ascii=False)) for key, output in items.items()],
                    )
            except sqlite3.Error as exc:
                self._go_on_without(exc)

    def _go_on_without(self, exc: Exception) -> None:
        self.close()
        self.warn(f"the result cache cannot be used ({exc}); going on without it: this run's outputs will be computed again next time")

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None

    def __enter__(self) -> "ResultCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _output(text: object) -> dict | None:
    """A stored output as written (a JSON object with its text), or None for a damaged row."""
    try:
        output = json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    good = isinstance(output, dict) and isinstance(output.get("text"), str) and type(output.get("pieces", 1)) is int
    return output if good else None
