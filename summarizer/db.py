"""SQLite files the tool keeps (the result cache, the story store, fetch's state): opened safely, repaired when damaged.

Safe with two processes at once (WAL, busy timeout, one transaction per write), survives a killed run (SQLite's
journal), and a corrupt file is moved aside with a warning instead of stopping the run.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path
from typing import Callable, Iterable

from summarizer.errors import OutputError

BUSY_SECONDS = 30.0  # how long to wait for another process's write before giving up


def connect(path: Path, warn: Callable[[str], None], schema: str) -> sqlite3.Connection:
    """Open (or create) a SQLite file with this schema. A file that is not readable SQLite is set aside, with a
    warning; one that cannot be opened or written (no such folder, a read-only disk, locked by another process for
    BUSY_SECONDS) is an OutputError, and the file is left as it is."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return _open(path, schema)
        except sqlite3.DatabaseError as exc:
            # Only a damaged file is set aside: a locked or read-only one is sound, and its -wal may hold another
            # process's last writes.
            if getattr(exc, "sqlite_errorname", "SQLITE_CORRUPT") not in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
                raise
            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            path.replace(aside)
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            warn(f"{path} could not be read ({exc}); moved it to {aside.name} and started a new one")
            return _open(path, schema)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(f"cannot use {path} ({exc}); set SUMMARIZER_HOME to a folder this user can write") from exc


def _open(path: Path, schema: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_SECONDS)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
        conn.executescript(schema)
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"integrity check: {check}")
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def set_aside_rows(conn: sqlite3.Connection, table: str, key: str, bad: list[str], warn: Callable[[str], None]) -> None:
    """Damaged rows of a readable store: a copy of the whole file is set aside (as a damaged file is), then they are
    deleted, so one bad row costs what it held and not a traceback on every run."""
    if not bad:
        return
    path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        with contextlib.closing(sqlite3.connect(aside)) as copy:
            conn.backup(copy)  # the store as it was, rows and all, for whoever wants to look
        kept = f"a copy is in {aside.name}"
    except (OSError, sqlite3.Error) as exc:
        kept = f"no copy could be kept ({exc})"
    with conn:
        for start in range(0, len(bad), 500):
            chunk = bad[start : start + 500]
            conn.execute(f"DELETE FROM {table} WHERE {key} IN ({','.join('?' * len(chunk))})", chunk)
    warn(f"{path}: {len(bad)} damaged row(s) of {table} could not be read; removed them ({kept})")


def select_in(conn: sqlite3.Connection, query: str, values: Iterable[str]) -> list[tuple]:
    """Rows of a query whose one `IN ({marks})` takes all values, in chunks SQLite accepts."""
    values = list(dict.fromkeys(values))
    rows: list[tuple] = []
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        rows += conn.execute(query.format(marks=",".join("?" * len(chunk))), chunk).fetchall()
    return rows
