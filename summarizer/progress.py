"""Progress of the long steps (loading a model, translating N sentences), told to whoever listens: the CLI shows
it on a terminal; the library itself prints nothing."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Callable, Iterator

Listener = Callable[[str, int, int], None]  # (step, done, total); total 0: a step with no count, ended by done 1
_listener: ContextVar[Listener | None] = ContextVar("summarizer_progress", default=None)


def report(step: str, done: int, total: int) -> None:
    """Tell the listener, if any, how far a step is."""
    listener = _listener.get()
    if listener is not None:
        listener(step, done, total)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send the progress of everything run inside to listener."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """A step with no count: begun on entry, ended on a normal exit."""
    report(name, 0, 0)
    yield
    report(name, 1, 0)
