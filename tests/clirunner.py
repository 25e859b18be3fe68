"""Run many ``synthdiff`` command lines cheaply, each in a process of its own.

``python tests/clirunner.py`` reads a JSON list of cases (``{"argv": [...], "env": {...},
"cwd": "..."}``) on stdin, imports the command line and everything it pulls in once, then
forks one child per case. The child sets ``SYNTHDIFF_MEMORY=2G`` (unless the case sets it),
caps its address space (``RLIMIT_AS``: what it has plus
``SYNTHDIFF_TEST_AS`` bytes, default 2 GiB) and its wall time (``SIGALRM``), sends stderr to
a file and calls ``bridge.cli.main`` as ``python -m bridge.cli`` would (an exception escaping
it prints a traceback and exits 1). One JSON line per case comes back: exit status (or the
signal that ended it), stderr, seconds, and peak resident memory from ``wait4``.

``run_cases(cases)`` is the same from a test: it starts the runner and returns the reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 20  # seconds per case before the alarm ends it
GiB = 1 << 30


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _child(case: dict, err_path: str, headroom: int) -> None:
    import resource
    import signal

    limit = _vm_size() + headroom
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.alarm(case.get("timeout", TIMEOUT))
    os.environ.update({"SYNTHDIFF_MEMORY": "2G", **case.get("env", {})})  # the same budget on any host
    if case.get("cwd"):
        os.chdir(case["cwd"])
    err = os.open(err_path, os.O_WRONLY | os.O_TRUNC)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(err, 2)
    from bridge.cli import main

    try:
        code = main(case["argv"])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import bridge.batch
    import bridge.cli
    import bridge.study
    import bridge.table1  # noqa: F401
    import neural.adapt
    import neural.parallel  # noqa: F401

    cases = json.load(sys.stdin)
    headroom = int(os.environ.get("SYNTHDIFF_TEST_AS", 2 * GiB))
    with tempfile.NamedTemporaryFile() as err:
        for case in cases:
            t0 = time.perf_counter()
            pid = os.fork()
            if pid == 0:
                _child(case, err.name, headroom)
            _, status, usage = os.wait4(pid, 0)
            seconds = time.perf_counter() - t0
            report = {
                "code": os.waitstatus_to_exitcode(status),
                "stderr": Path(err.name).read_text(errors="replace"),
                "seconds": seconds,
                "maxrss": usage.ru_maxrss * 1024,
            }
            print(json.dumps(report), flush=True)


def child_env() -> dict:
    """The environment for a child process that runs this checkout's code."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def run_cases(cases: list[dict], timeout: float = 600) -> list[dict]:
    """Run ``cases`` through the runner; one report per case, in order."""
    env = child_env()
    proc = subprocess.run(
        [sys.executable, __file__],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    reports = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(reports) == len(cases), proc.stderr[-2000:]
    return reports


if __name__ == "__main__":
    serve()
