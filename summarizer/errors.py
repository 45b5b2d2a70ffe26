"""The tool's exceptions; the CLI turns each into one line on stderr and an exit code."""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code = 1


class ConfigError(SummarizerError):
    """A settings or data file is invalid."""

    exit_code = 2


class InputError(SummarizerError):
    """One input cannot be read; the run goes on with the others."""

    exit_code = 1
