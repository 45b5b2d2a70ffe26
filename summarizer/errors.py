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


class UsageError(SummarizerError):
    """The command was asked for something that does not exist (an unknown model, say)."""

    exit_code = 2


class OutputError(SummarizerError):
    """An output cannot be written (a folder that cannot be made, no permission, a full disk)."""

    exit_code = 2


class ModelMissingError(SummarizerError):
    """A model is not on this machine; the message names the command that fixes it."""

    exit_code = 4

    def __init__(self, message: str, fix: str):
        super().__init__(f"{message}; to fix: {fix}")
        self.fix = fix


class DownloadError(ModelMissingError):
    """A download from the Hugging Face Hub failed; the message says what to try."""


class OfflineError(SummarizerError):
    """A download was needed but the run is offline."""

    exit_code = 4


class InputTooLongError(SummarizerError):
    """An input that cannot be split (a prompt) is longer than the model takes."""

    exit_code = 1
