"""The `summarizer` command line: parses options, calls the library, reports problems. No logic here."""

from __future__ import annotations

import functools
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from summarizer.errors import SummarizerError
from summarizer.pipeline import load_articles
from summarizer.records import Article, Problem
from summarizer.settings import MB, Settings

# Exit codes (also in the README).
EXIT_OK = 0
EXIT_SOME_INPUTS_BAD = 1
EXIT_USAGE = 2
EXIT_NO_INPUT = 3

app = typer.Typer(
    help="Arabic news articles from many outlets into English briefings.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.callback()
def _commands() -> None:
    """Arabic news articles from many outlets into English briefings."""


class IngestFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


def report(problem: Problem) -> None:
    """One line on stderr for an input that was skipped."""
    err.print(f"summarizer: skipped {problem}", markup=False)


def handles_errors(command):
    """Turn a library error into one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SummarizerError as exc:
            err.print(f"summarizer: error: {exc}", markup=False)
            raise typer.Exit(exc.exit_code) from exc

    return wrapper


@app.command()
@handles_errors
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs, or - for standard input.")],
    format: Annotated[IngestFormat, typer.Option("--format", "-f", help="jsonl: one article a line; table: a readable summary.")] = IngestFormat.jsonl,
    outlet: Annotated[Optional[str], typer.Option(help="Outlet name for every input (overrides what the pages say).")] = None,
    outlets: Annotated[Optional[Path], typer.Option(help="Extra outlets file (TOML, same shape as summarizer/data/outlets.toml).")] = None,
    max_file_mb: Annotated[Optional[int], typer.Option(help="Skip files larger than this many MB (default 20).")] = None,
) -> None:
    """Read and clean articles: title, outlet, date and main text, one JSON object per article."""
    settings = Settings.resolve(outlets_file=outlets, max_file_bytes=max_file_mb * MB if max_file_mb else None)
    articles: list[Article] = []
    problems = 0
    for item in load_articles(paths, settings, outlet=outlet):
        if isinstance(item, Problem):
            problems += 1
            report(item)
        elif format is IngestFormat.jsonl:
            sys.stdout.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
            articles.append(item)
        else:
            articles.append(item)
    if format is IngestFormat.table:
        Console(highlight=False).print(_article_table(articles))
    if not articles:
        err.print("summarizer: no articles found in the inputs", markup=False)
        raise typer.Exit(EXIT_NO_INPUT)
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


def _article_table(articles: list[Article]) -> Table:
    table = Table(title=f"{len(articles)} article(s)")
    for column in ("id", "outlet", "published", "lang", "paras", "words", "title", "source"):
        table.add_column(column, overflow="fold")
    for a in articles:
        table.add_row(
            a.id,
            a.outlet or "unknown",
            a.published or "-",
            a.language,
            str(len(a.paragraphs)),
            str(len(a.text.split())),
            a.title or "(no headline)",
            str(a.source),
        )
    return table


def main() -> None:
    """Console-script entry point."""
    app()
