"""Writing outputs: whole files or nothing, documents that belong together never out of step, no temporary left."""

from __future__ import annotations

import contextlib
import glob
import os
from pathlib import Path

from summarizer.errors import OutputError

_TMP = ".tmp"  # a temporary is .NAME.PID.tmp beside its output: a later write knows whose it was


def write_atomic(path: Path, text: str) -> None:
    """Write a file so readers see the old version or the new one, never half of it.

    A symbolic link is written through (its target is replaced, the link stays); a path that is not a
    regular file (a pipe, a device such as /dev/stdout, a folder) is refused rather than replaced.
    """
    write_together({path: text})


def write_together(files: dict[Path, str]) -> None:
    """Write files that belong together (a briefing's .md and .json): a reader finds the new ones or the old ones,
    or, while a run ends, the first alone; never a new one beside an old one.

    All are written in full to temporary files first, so a file that cannot be written (a full disk, a name that
    cannot be encoded) leaves every old file as it was. Then the old ones after the first are removed, and each new
    one takes its place, the first first.
    """
    targets = [_target(path) for path in files]
    temporaries: list[Path] = []
    target = targets[0]  # the one being written, for the error's line
    try:
        for target, text in zip(targets, files.values()):
            _clean_leftovers(target)
            temporaries.append(_written(target, text))
        for target in targets[1:]:
            target.unlink(missing_ok=True)
        for tmp, target in zip(temporaries, targets):
            os.replace(tmp, target)
    except (OSError, UnicodeError) as exc:
        for tmp in temporaries:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise _output_error(target, exc) from exc


def _target(path: Path) -> Path:
    """The file a write replaces: a link's target; a path that is not a regular file is refused."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if path.exists() and not path.is_file():
        raise OutputError(f"cannot write {path}: it is not a regular file (a folder, pipe or device); give a file path")
    return path


def _written(target: Path, text: str) -> Path:
    """A temporary beside target holding text, on disk, with the permissions the umask gives."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}{_TMP}")
    data = text.encode("utf-8")  # before the file exists: text that cannot be encoded leaves nothing behind
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # the umask applies, as for any other tool
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename, so a crash cannot leave an empty file in its place
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _clean_leftovers(target: Path) -> None:
    """Remove the temporaries a killed run left beside target (those of a process still running are its own)."""
    for tmp in target.parent.glob(f".{glob.escape(target.name)}.*{_TMP}"):  # a name's [ ] * ? are its own
        pid = tmp.name[len(target.name) + 2 : -len(_TMP)]
        if pid.isascii() and pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process's own leftover, from a write that failed before
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _output_error(path: Path, exc: Exception) -> OutputError:
    """The one line for an output that could not be written."""
    if isinstance(exc, UnicodeError):
        return OutputError(f"cannot write {path}: its text cannot be encoded as UTF-8 ({exc}); please report this")
    blocker = next((p for p in (path.parent, *path.parent.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # mkdir met a file where a folder goes, which errno words as "File exists"
        return OutputError(f"cannot write {path}: {blocker} is a file, not a folder; choose another place")
    return OutputError(f"cannot write {path} ({getattr(exc, 'strerror', None) or exc}); choose another place, or make room")
