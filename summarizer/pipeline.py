"""Stages wired together: what the CLI commands call."""

from __future__ import annotations

from typing import BinaryIO, Iterable, Iterator

from summarizer.clean import clean_document
from summarizer.ingest import read_inputs
from summarizer.outlets import OutletBook
from summarizer.records import Article, Problem
from summarizer.settings import Settings


def load_articles(
    paths: Iterable[str], settings: Settings, outlet: str | None = None, stdin: BinaryIO | None = None
) -> Iterator[Article | Problem]:
    """Read and clean every input: an Article for each usable document, a Problem for each bad one."""
    book = OutletBook.load(settings.outlets_file)
    for item in read_inputs(paths, settings, stdin=stdin):
        yield item if isinstance(item, Problem) else clean_document(item, book, outlet=outlet)
