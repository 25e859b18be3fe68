"""Destinations checked before the work: a run that cannot write its results says so at once.

:func:`check_file` and :func:`check_dir` create what is missing and try a real write (a
temporary file, fsynced and removed) where the results will go, so a folder under ``/proc``
or ``/sys``, a read-only disk, a directory where a file belongs or a file where a folder
belongs is a one-line error before minutes of work, not a traceback after them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .inputs import InputError


def _kind(p: Path) -> str:
    return "a directory" if p.is_dir() else "a file" if p.is_file() else "a device, pipe or socket"


def _mkdir(folder: Path, option: str, shown: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{option} {shown}: cannot create folder {folder}: {e.strerror}") from None


def _probe(folder: Path, option: str, shown: Path) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".synthdiff-probe-")
        try:
            os.write(fd, b"probe\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(tmp)
    except OSError as e:
        raise InputError(f"{option} {shown}: cannot write there: {e.strerror}") from None


def check_file(path: str | Path, option: str) -> Path:
    """A file to be written later: not a directory or device, its folder writable."""
    p = Path(path)
    if p.exists() and not p.is_file():
        raise InputError(f"{option} {p}: is {_kind(p)}, not a file")
    _mkdir(p.parent, option, p)
    _probe(p.parent, option, p)
    if p.exists() and not os.access(p, os.W_OK):
        raise InputError(f"{option} {p}: cannot write there: permission denied")
    return p


def check_dir(path: str | Path, option: str, files: tuple[str, ...] = ()) -> Path:
    """A folder that will receive ``files``: created if missing, writable, and none of the
    files in the way as a directory."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"{option} {p}: is {_kind(p)}, not a directory")
    _mkdir(p, option, p)
    for name in files:
        f = p / name
        if f.exists() and not f.is_file():
            raise InputError(f"{option} {p}: {f} is {_kind(f)}, not a file")
    _probe(p, option, p)
    return p
