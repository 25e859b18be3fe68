"""Valid but unusual input: suites at the edges the spec allows, and runs that are stopped.

``tests/test_badinput.py`` covers what the spec forbids; this file covers what it allows
but the shipped suites never exercise: machines at their smallest, examples that
contradict each other, a step limit too small for any program, and a run stopped in the
middle of tuning.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bridge.pipeline import SolveConfig, solve
from bridge.tasks import Machine, Task, contradiction
from neural import Examples
from synth import SynthConfig
from tests.clirunner import ROOT, child_env


def _suite(path: Path, *tasks: dict) -> Path:
    path.write_text(json.dumps({"tasks": list(tasks)}))
    return path


def _inc_task(name: str, M: int, T: int, n: int = 2) -> dict:
    """``mem[0] + 1`` on ``n`` examples, cell 0 compared."""
    rows = [{"input": [k % M] + [0] * (M - 1), "output": [(k + 1) % M] + [0] * (M - 1)} for k in range(n)]
    return {"name": name, "machine": {"M": M, "T": T}, "mask": [0], "train": rows, "test": rows}


def _children(pid: int) -> set[int]:
    out = set()
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.add(int(p.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc")
@pytest.mark.parametrize("workers", [1, 2])
def test_terminated_solve_exits_while_tuning(tmp_path, workers):
    """SIGTERM in the middle of a long tuning chunk: status 143 within seconds, not after
    the chunk (with one worker, exiting waited for XLA's computation in flight; with two,
    the pool's shutdown waited for the shards)."""
    suite = _suite(tmp_path / "s.json", _inc_task("slow", 8, 100_000))
    cmd = [sys.executable, "-m", "bridge.cli", "solve", "slow", "--suite", str(suite), "--method", "opt"]
    cmd += ["--workers", str(workers), "--restarts", "2", "--steps", "100000"]
    p = subprocess.Popen(
        cmd,
        env={**child_env(), "SYNTHDIFF_JAX_CACHE": "off"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 60
        while workers > 1 and len(_children(p.pid)) < workers and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(20)  # imports, then compiling and stepping: one chunk of 25 steps takes minutes
        assert p.poll() is None
        kids = _children(p.pid)
        p.send_signal(signal.SIGTERM)
        code = p.wait(timeout=30)  # a hang is minutes: the chunk in flight
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert code == 143
    assert "terminated" in p.stderr.read()
    deadline = time.time() + 30  # tuning workers poll for their parent once a second
    while any(_running(k) for k in kids) and time.time() < deadline:
        time.sleep(0.2)
    assert not [k for k in kids if _running(k)]


def _task(rows_train: list, rows_test: list, M: int = 4, T: int = 16) -> Task:
    ex = lambda rows: Examples.stack([(np.array(i), np.array(o), np.array(m, dtype=bool)) for i, o, m in rows])
    return Task("t", Machine(M, 2, T), ex(rows_train), ex(rows_test))


ALL = [True] * 4
ONLY0 = [True, False, False, False]


@pytest.mark.parametrize("method", ["synth", "opt", "both"])
def test_contradicting_train_examples_are_named_without_searching(method):
    """Two train examples with the same input and different wanted values: no program can
    be correct on both, so nothing is searched or tuned, and `why` names them and the cell."""
    rows = [([1, 0, 0, 0], [2, 0, 0, 0], ONLY0), ([3, 0, 0, 0], [0, 0, 0, 0], ONLY0), ([1, 0, 0, 0], [3, 0, 0, 0], ALL)]
    r = solve(_task(rows, rows[:1]), method, SolveConfig(restarts=2))
    assert not r.solved and r.program is None
    assert (r.enumerated, r.restarts, r.skeletons_tried) == (0, 0, 0)
    assert r.why.startswith("no program can be correct on every train example")
    assert "train[0] and train[2]" in r.why and "want 2 and 3 in cell 0" in r.why


def test_examples_that_agree_on_shared_cells_do_not_contradict():
    same_input = [1, 2, 0, 0]
    a = (same_input, [3, 2, 0, 0], ONLY0)  # wants cell 0 = 3
    b = (same_input, [0, 1, 0, 0], [False, True, False, False])  # wants cell 1 = 1: another cell
    c = (same_input, [3, 1, 1, 1], [True, True, False, False])  # agrees with both
    t = _task([a, b, c], [a])
    assert contradiction(("train", t.train), ("test", t.test)) == ""
    d = (same_input, [3, 2, 0, 0], [False, True, False, False])  # cell 1 = 2, b wants 1
    assert contradiction(("train", t.train), ("test", _task([d], [d]).test)) == (
        "train[1] and test[0] have the same input but want 1 and 2 in cell 1"
    )


def test_a_test_example_that_contradicts_the_train_examples_is_why():
    rows = [([k, 0, 0, 0], [(k + 1) % 4, 0, 0, 0], ONLY0) for k in range(4)]
    wrong = ([2, 0, 0, 0], [0, 0, 0, 0], ONLY0)
    r = solve(_task(rows, [rows[0], wrong]), "synth", SolveConfig(synth=SynthConfig(time_limit=5)))
    assert r.program is not None and r.test_correct == 1 and not r.solved
    assert r.why == (
        "no program can be correct on every example: "
        "train[2] and test[1] have the same input but want 3 and 0 in cell 0"
    )


def _list_inc(values: list[int], M: int = 8) -> tuple:
    """``map_inc`` on one list: its cells ``+1 mod M``, only they compared."""
    i = np.zeros(M, dtype=int)
    i[: len(values)] = values
    o, m = i.copy(), np.zeros(M, dtype=bool)
    o[: len(values)], m[: len(values)] = (i[: len(values)] + 1) % M, True
    return i, o, m


def test_a_step_limit_too_small_for_every_program_says_so():
    """``T=2`` leaves no room for ``mem[0] += 1`` (3 steps): the skeleton is right, and
    `why` says its runs went past T rather than only that it was not correct."""
    rows = [([k, 0, 0, 0], [(k + 1) % 4, 0, 0, 0], ONLY0) for k in range(4)]
    r = solve(_task(rows, rows, T=2), "synth", SolveConfig(synth=SynthConfig(time_limit=5)))
    assert not r.solved and r.program is None
    assert r.trials[0].train_timeouts == 4 and r.trials[0].train_correct == 0
    assert r.why.endswith("(1 of them run past T=2 steps on some train examples: T may be too small)")


def test_a_test_example_longer_than_the_step_limit_allows_says_so():
    """A list loop that fits ``T`` on the short train lists and runs past it on a long test
    list: `why` counts that test example as run past T."""
    train = Examples.stack([_list_inc(v) for v in ([3], [5, 2], [1], [6, 4], [7, 1])])
    test = Examples.stack([_list_inc(v) for v in ([3, 2], [1, 2, 3, 4, 5, 6])])
    r = solve(Task("t", Machine(8, 4, 20), train, test), "synth", SolveConfig(synth=SynthConfig(time_limit=5)))
    assert r.program is not None and r.test_correct == 1
    assert r.trials[0].train_timeouts == 0
    assert r.why == "the program chosen on the train examples fails 1 test examples (1 by running past T=20 steps)"
