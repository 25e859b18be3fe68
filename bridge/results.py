"""The results file of a batch run: one JSON line per task, and never a line that lies.

- A run holds an exclusive lock on the file while it writes: a second run on the same file
  refuses at once instead of writing every task twice.
- Every line carries its task's content hash (machine and examples) and the options it was
  solved with. Resuming checks both against the current suite and options, and refuses on a
  mismatch rather than report another suite's result as this one's.
- Lines cut by a kill, lines that are not results, duplicates, and lines whose program does
  not give the result they claim (re-run on the test examples) are dropped: the file is
  rewritten without them (temporary file, fsync, rename) before the run goes on, and their
  tasks are solved again.
- Lines are appended, flushed and fsynced one at a time: a kill loses only tasks in flight.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import math
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from neural import AsmError, parse_program, run

from .inputs import InputError, clip, quote, read_jsonl, show
from .tasks import Task

FIELDS: dict[str, tuple[type, ...]] = {
    "task": (str,),
    "method": (str,),
    "solved": (bool,),
    "program": (str, type(None)),
    "test_correct": (int,),
    "test_total": (int,),
    "seconds": (int, float),
    "enumerated": (int,),
    "oe_classes": (int,),
    "egraph_classes": (int,),
    "skeletons_tried": (int,),
    "restarts": (int,),
    "task_hash": (str,),
    "options": (dict,),
}
"""What a result line must hold, with its types (``bool`` is never taken for an int)."""


class ResultsError(InputError):
    """A results file this run cannot use: busy, not ours to continue, or not writable."""


def task_hash(task: Task) -> str:
    """A content hash of what a task asks: its machine and its examples (not its name)."""
    h = hashlib.sha256(json.dumps(dataclasses.asdict(task.machine), sort_keys=True).encode())
    for ex in (task.train, task.test):
        for a in (ex.inputs, ex.outputs, ex.mask):
            a = np.ascontiguousarray(a, dtype=np.int64)
            h.update(repr(a.shape).encode() + a.tobytes())
    return h.hexdigest()[:32]


def options(method: str, cfg: Any) -> dict:
    """The options that decide a result (method and every solver setting), as JSON data."""
    flat = {"method": method}
    for k, v in dataclasses.asdict(cfg).items():
        if isinstance(v, dict):
            flat.update({f"{k}.{kk}": vv for kk, vv in v.items()})
        else:
            flat[k] = v
    return json.loads(json.dumps(flat))


def _well_formed(rec: Any) -> bool:
    if not isinstance(rec, dict):
        return False
    for k, types in FIELDS.items():
        v = rec.get(k)
        if k not in rec or (isinstance(v, bool) and bool not in types) or not isinstance(v, types):
            return False
        if isinstance(v, float) and not math.isfinite(v):
            return False
    return True


def holds(rec: dict, task: Task) -> bool:
    """Whether the line's claim is true: its program, run on the test examples, solves
    exactly ``test_correct`` of them (all, if ``solved``)."""
    if rec["test_total"] != len(task.test):
        return False
    if rec["program"] is None:
        return not rec["solved"] and rec["test_correct"] == 0
    try:
        p = parse_program(rec["program"])
    except AsmError:
        return False
    if p.M != task.machine.M:
        return False
    ok = task.test.passed(run(p, task.test.inputs, task.machine.T))
    return int(ok.sum()) == rec["test_correct"] and bool(ok.all()) == rec["solved"]


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Results:
    """An open, locked results file. Use :meth:`open` as a context manager."""

    def __init__(self, path: Path, fd: int):
        self.path, self.fd, self._old = path, fd, []

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: str | Path, resume: bool):
        """Lock ``path`` (created if missing) for this run; refuse a file another run holds,
        a destination that is not a regular writable file, or — without ``resume`` — a file
        that already holds results."""
        path = Path(path)
        if path.exists() and not path.is_file():
            kind = "a directory" if path.is_dir() else "not a regular file"
            raise ResultsError(f"{path}: is {kind}; --out needs a file to write results to")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ResultsError(f"{path}: cannot create its folder: {e.strerror}") from None
        fd = cls._lock(path)
        res = cls(path, fd)
        try:
            if not resume and os.fstat(fd).st_size:
                raise ResultsError(f"{path} exists: pass --resume to continue it, or choose another --out")
            yield res
        finally:
            res.close()

    @staticmethod
    def _lock(path: Path) -> int:
        for _ in range(10):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
            except OSError as e:
                raise ResultsError(f"{path}: cannot write results there: {e.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise ResultsError(
                    f"{path}: another synthdiff batch is writing it; wait for it to finish or choose another --out"
                ) from None
            st = os.fstat(fd)
            try:
                now = os.stat(path)
            except FileNotFoundError:
                now = None
            if now is not None and (now.st_ino, now.st_dev) == (st.st_ino, st.st_dev):
                break
            os.close(fd)  # replaced between open and lock (a resume rewrote it): lock the new one
        else:
            raise ResultsError(f"{path}: keeps being replaced by another process")
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise ResultsError(f"{path}: is not a regular file; --out needs a file to write results to")
        try:
            os.fsync(fd)
        except OSError as e:
            os.close(fd)
            raise ResultsError(f"{path}: cannot sync results to it: {e.strerror}") from None
        return fd

    def load(self, tasks: list[Task], opts: dict, note: Callable[[str], None] | None = None) -> dict[str, dict]:
        """The lines that stand for this suite and options, by task; refuses lines written for
        another suite or other options, drops (and rewrites the file without) the rest."""
        by_name = {t.name: t for t in tasks}
        hashes: dict[str, str] = {}
        done: dict[str, dict] = {}
        dropped, foreign, ours = [], 0, 0
        for lineno, rec in read_jsonl(self.path):
            where = f"{self.path}:{lineno}"
            if not _well_formed(rec):
                dropped.append(lineno)
                foreign += rec is not None
                continue
            ours += 1
            name = rec["task"]
            if name not in by_name:
                raise ResultsError(
                    f"{where}: task {quote(name)} is not in this suite; the file holds another suite's results "
                    "(choose another --out)"
                )
            if name not in hashes:
                hashes[name] = task_hash(by_name[name])
            if rec["task_hash"] != hashes[name]:
                raise ResultsError(
                    f"{where}: task {quote(name)} was solved for another machine or other examples than this "
                    "suite's (choose another --out)"
                )
            if rec["options"] != opts:
                keys = sorted(set(opts) | set(rec["options"]))
                k = next(k for k in keys if rec["options"].get(k) != opts.get(k))
                raise ResultsError(
                    f"{where}: task {quote(name)} was solved with {clip(k)}={show(rec['options'].get(k))}, "
                    f"this run has {k}={show(opts.get(k))} (resume with the same options, or choose another --out)"
                )
            if name in done or not holds(rec, by_name[name]):
                dropped.append(lineno)
                continue
            done[name] = rec
        if not ours and (foreign or len(dropped) > 1):  # a kill cuts one line, never a whole file
            raise ResultsError(
                f"{self.path}: holds no synthdiff results ({len(dropped)} lines, none a result line); "
                "not rewriting it (choose another --out)"
            )
        size = os.fstat(self.fd).st_size
        torn_end = size and os.pread(self.fd, 1, size - 1) != b"\n"
        if dropped or torn_end:
            self._rewrite([json.dumps(r) for r in done.values()])
        if dropped and note is not None:
            shown = ", ".join(map(str, dropped[:5])) + (", ..." if len(dropped) > 5 else "")
            note(f"{self.path}: dropped {len(dropped)} cut, invalid or repeated line(s) ({shown}); solving again")
        return done

    def _rewrite(self, lines: list[str]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)  # locked before it takes the name: no window for another run
        try:
            os.write(fd, "".join(line + "\n" for line in lines).encode())
            os.fsync(fd)
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.path.parent)
        self._old.append(self.fd)  # still locked: a run that opened the old file finds it held
        self.fd = fd

    def append(self, line: dict) -> None:
        """Write one line and make it durable before returning."""
        data = (json.dumps(line) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data) :]
        os.fsync(self.fd)

    def close(self) -> None:
        for fd in [self.fd, *self._old]:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._old = []
