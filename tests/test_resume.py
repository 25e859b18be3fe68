"""A resume that never lies, a time limit that holds, and no process left behind.

The finished results file must hold every task of the *current* suite exactly once, with a
result that is true for it: resuming refuses a file written for another suite or other
options, drops cut, invalid, repeated and untrue lines, and two runs never write one file.
"""

import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bridge.batch import solve_suite
from bridge.pipeline import SolveConfig
from bridge.results import Results, ResultsError, holds, options, task_hash
from bridge.suite import builtin_suite, load_suite
from bridge.workers import run_jobs
from neural.tune import TuneConfig
from tests.clirunner import child_env

CFG = SolveConfig()


def write_suite(path, names=("inc", "map_inc"), seed=0):
    suite = builtin_suite("table1", n_train=16, n_test=32, seed=seed, examples=True)
    suite["tasks"] = [t for t in suite["tasks"] if t["name"] in names]
    path.write_text(json.dumps(suite))
    return load_suite(path)[1]


def lines(out):
    return [json.loads(x) for x in Path(out).read_text().splitlines()]


def assert_true_and_once(out, tasks, method="synth", cfg=CFG):
    """Every task once, each line from this suite and these options, and true."""
    recs = lines(out)
    assert sorted(r["task"] for r in recs) == sorted(t.name for t in tasks)
    by = {t.name: t for t in tasks}
    for r in recs:
        assert r["task_hash"] == task_hash(by[r["task"]]) and r["options"] == options(method, cfg)
        assert holds(r, by[r["task"]])


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    d = tmp_path_factory.mktemp("solved")
    tasks = write_suite(d / "s.json")
    out = d / "out.jsonl"
    solve_suite(tasks, out, "synth", CFG, workers=1)
    return tasks, out.read_text()


def test_resume_of_a_finished_file_solves_nothing_again(tmp_path, solved):
    tasks, text = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text)
    got = solve_suite(tasks, out, "synth", CFG, workers=1, resume=True)
    assert out.read_text() == text and [g["task"] for g in got] == ["inc", "map_inc"]


def test_changed_suite_is_refused(tmp_path, solved):
    _, text = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text)
    other = write_suite(tmp_path / "other.json", seed=1)  # same names, other examples
    with pytest.raises(
        ResultsError, match=r"out\.jsonl:1: task 'inc' was solved for another machine or other examples"
    ):
        solve_suite(other, out, "synth", CFG, workers=1, resume=True)
    assert out.read_text() == text  # untouched


def test_a_task_not_in_the_suite_is_refused(tmp_path, solved):
    tasks, text = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text)
    with pytest.raises(ResultsError, match="task 'map_inc' is not in this suite"):
        solve_suite(tasks[:1], out, "synth", CFG, workers=1, resume=True)


@pytest.mark.parametrize(
    "method, cfg, words",
    [
        ("both", CFG, 'method="synth", this run has method="both"'),
        ("synth", SolveConfig(restarts=7), "restarts=100, this run has restarts=7"),
        ("synth", SolveConfig(seed=3), "seed=0, this run has seed=3"),
        ("synth", SolveConfig(time_limit=9.0), "time_limit=null, this run has time_limit=9.0"),
    ],
)
def test_changed_options_are_refused(tmp_path, solved, method, cfg, words):
    tasks, text = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text)
    with pytest.raises(ResultsError, match="was solved with") as e:
        solve_suite(tasks, out, method, cfg, workers=1, resume=True)
    assert words in str(e.value)


def _tamper(rec: dict, **changes) -> str:
    return json.dumps({**rec, **changes})


@pytest.mark.parametrize(
    "bad",
    [
        lambda inc: '{"task": "map_inc", "solv',  # cut by a kill
        lambda inc: '{"task": "map_dec"}',  # counted as done, then a KeyError, before
        lambda inc: "[1, 2, 3]",
        lambda inc: "\x00\xff garbage",
        lambda inc: _tamper(inc, solved="yes"),
        lambda inc: _tamper(inc, test_correct=True),
        lambda inc: _tamper(inc, seconds=float("nan")),
        lambda inc: _tamper(inc, options=[]),
        lambda inc: json.dumps({k: v for k, v in inc.items() if k != "task_hash"}),  # written by an older synthdiff
        lambda inc: _tamper(inc, program=".machine M=8 R=1\nSTOP\n"),  # claims solved; solves 0/32
        lambda inc: _tamper(inc, program=None),  # solved, without a program
        lambda inc: _tamper(inc, program="FROB"),
        lambda inc: _tamper(inc, test_correct=31),
        lambda inc: _tamper(inc, test_total=33),
    ],
)
def test_cut_invalid_and_untrue_lines_are_dropped_and_solved_again(tmp_path, solved, bad):
    tasks, text = solved
    inc, map_inc = text.splitlines()
    out = tmp_path / "out.jsonl"
    out.write_text(bad(json.loads(inc)) + "\n" + map_inc + "\n")  # inc's line replaced by a bad one
    notes = []
    got = solve_suite(tasks, out, "synth", CFG, workers=1, resume=True, note=notes.append)
    assert [g["task"] for g in got] == ["inc", "map_inc"] and all(g["solved"] for g in got)
    assert_true_and_once(out, tasks)
    assert len(notes) == 1 and "dropped 1" in notes[0] and "(1)" in notes[0]
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_line_cut_at_the_end_is_dropped(tmp_path, solved):
    tasks, text = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text + '{"task": "inc", "sol')
    solve_suite(tasks, out, "synth", CFG, workers=1, resume=True)
    assert out.read_text() == text


def test_another_tasks_result_under_a_name_is_refused(tmp_path, solved):
    tasks, text = solved
    inc, _ = text.splitlines()
    out = tmp_path / "out.jsonl"
    out.write_text(inc + "\n" + _tamper(json.loads(inc), task="map_inc") + "\n")
    with pytest.raises(ResultsError, match=r"out\.jsonl:2: task 'map_inc' was solved for another machine"):
        solve_suite(tasks, out, "synth", CFG, workers=1, resume=True)


@pytest.mark.parametrize("text", ['{"suite": "s", "tasks": []}\n', "a\nb\n", '[1]\n{"task": "inc"}\n'])
def test_a_file_that_holds_no_results_is_not_rewritten(tmp_path, solved, text):
    tasks, _ = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text)
    with pytest.raises(ResultsError, match="holds no synthdiff results"):
        solve_suite(tasks, out, "synth", CFG, workers=1, resume=True)
    assert out.read_text() == text


def test_a_file_cut_in_its_first_line_is_resumed(tmp_path, solved):
    tasks, text = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text[:40])
    solve_suite(tasks, out, "synth", CFG, workers=1, resume=True)
    assert_true_and_once(out, tasks)


def test_repeated_lines_are_dropped(tmp_path, solved):
    tasks, text = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text + text)
    solve_suite(tasks, out, "synth", CFG, workers=1, resume=True)
    assert out.read_text() == text


def test_a_second_writer_refuses(tmp_path, solved):
    tasks, _ = solved
    out = tmp_path / "out.jsonl"
    with open(out, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        for resume in (False, True):
            with pytest.raises(ResultsError, match="another synthdiff batch is writing it"):
                solve_suite(tasks, out, "synth", CFG, workers=1, resume=resume)
    assert out.read_text() == ""


def test_the_lock_follows_a_rewritten_file(tmp_path, solved):
    """A resume that rewrites the file holds the new file too: a run arriving after the
    rewrite finds it held, not free."""
    tasks, text = solved
    out = tmp_path / "out.jsonl"
    out.write_text(text + '{"cut')
    with Results.open(out, resume=True) as r:
        r.load(tasks, options("synth", CFG))
        assert out.read_text() == text  # rewritten, under a new inode
        with pytest.raises(ResultsError, match="another synthdiff batch"):
            Results._lock(out)


def cli_batch(suite, out, *extra):
    return [sys.executable, "-m", "bridge.cli", "batch", str(suite), "--out", str(out), "--method", "synth", *extra]


@pytest.mark.slow  # end to end (17 s); the lock itself is tested in-process above
def test_concurrent_runs_write_each_task_once(tmp_path):
    tasks = write_suite(tmp_path / "s.json", ("inc", "map_inc", "reduce", "parity"))
    out = tmp_path / "out.jsonl"
    cmd = cli_batch(tmp_path / "s.json", out, "--workers", "1")
    first = subprocess.Popen(
        [*cmd, "--resume"], env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.time() + 60
    while not out.exists() and time.time() < deadline:
        time.sleep(0.05)
    second = subprocess.run([*cmd, "--resume"], env=child_env(), capture_output=True, text=True, timeout=120)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.returncode == 2 and "another synthdiff batch is writing it" in second.stderr, second.stderr
    assert second.stderr.count("\n") == 1
    assert_true_and_once(out, tasks)


def _kill_and_resume(tmp_path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    names = ("inc", "map_inc", "map_dec", "reduce", "parity")
    tasks = write_suite(tmp_path / "s.json", names)
    out = tmp_path / "out.jsonl"
    cmd = cli_batch(tmp_path / "s.json", out, "--workers", "2", "--resume")
    for _ in range(kills):
        p = subprocess.Popen(
            cmd, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(rng.uniform(0.5, 6.0))
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    done = subprocess.run(cmd, env=child_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert_true_and_once(out, tasks)


def test_kill_9_at_random_points_then_resume(tmp_path):
    _kill_and_resume(tmp_path, kills=2, seed=0)  # many more in the slow run


@pytest.mark.slow
def test_kill_9_at_random_points_many_times(tmp_path):
    _kill_and_resume(tmp_path, kills=15, seed=1)


# --------------------------------------------------------------- time limits, processes


def test_a_job_past_its_limit_is_stopped_at_the_limit():
    t0 = time.perf_counter()
    done = sorted(run_jobs(time.sleep, [(60,), (0.1,), (60,)], workers=2, limit=2.0), key=lambda f: f.index)
    assert [f.stopped for f in done] == ["time limit", None, "time limit"]
    assert all(2.0 <= f.seconds <= 2.0 * 1.05 for f in (done[0], done[2]))
    assert time.perf_counter() - t0 < 30


def report_then_sleep(seconds, report):
    report("started")
    report(f"sleeping {seconds}")
    time.sleep(seconds)
    return "woke"


def test_a_stopped_job_keeps_its_last_partial_result():
    done = sorted(run_jobs(report_then_sleep, [(60,), (0.1,)], 2, limit=2.0, partial=True), key=lambda f: f.index)
    got = [(f.stopped, f.partial, f.result) for f in done]
    assert got == [("time limit", "sleeping 60", None), (None, None, "woke")]


def test_a_dying_worker_is_a_result_and_is_replaced():
    done = sorted(run_jobs(os._exit, [(3,), (4,)], workers=1), key=lambda f: f.index)
    assert [f.stopped for f in done] == ["worker process died (exit code 3)", "worker process died (exit code 4)"]


def test_batch_time_limit_holds(tmp_path):
    suite = builtin_suite("anc", n_train=16, n_test=32, seed=0, examples=True)
    suite["tasks"] = [t for t in suite["tasks"] if t["name"] == "sort"]
    (tmp_path / "s.json").write_text(json.dumps(suite))
    tasks = load_suite(tmp_path / "s.json")[1]
    cfg = SolveConfig(restarts=8, time_limit=3.0, tune=TuneConfig(steps=100_000))
    (line,) = solve_suite(tasks, tmp_path / "out.jsonl", "opt", cfg, workers=1)
    assert line["seconds"] <= 3.0 * 1.05 and line["time_limit_hit"] == (line["seconds"] > 3.0)
    assert line["stopped"] == "time limit" or line["restarts"] == 8
    assert_true_and_once(tmp_path / "out.jsonl", tasks, "opt", cfg)


def _descendants(pid: int) -> set[int]:
    kids = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, set()).add(int(p.name))
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), ()):
            out.add(k)
            todo.append(k)
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_batch_leaves_no_process_behind(tmp_path, sig):
    suite = builtin_suite("anc", n_train=16, n_test=32, seed=0, examples=True)
    suite["tasks"] = [t for t in suite["tasks"] if t["name"] in ("sort", "listk")]
    (tmp_path / "s.json").write_text(json.dumps(suite))
    cmd = cli_batch(tmp_path / "s.json", tmp_path / "out.jsonl", "--workers", "2")
    cmd[cmd.index("synth")] = "opt"
    p = subprocess.Popen(
        [*cmd, "--steps", "100000"], env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.time() + 60
    while len(_descendants(p.pid)) < 3 and time.time() < deadline:  # two workers and the resource tracker
        time.sleep(0.2)
    kids = _descendants(p.pid)
    assert len(kids) >= 3
    p.send_signal(sig)
    assert p.wait(timeout=30) == (-9 if sig == signal.SIGKILL else 143)
    deadline = time.time() + 60  # workers notice their parent is gone; slow on a loaded machine
    while any(_running(k) for k in kids) and time.time() < deadline:
        time.sleep(0.1)
    assert not [k for k in kids if _running(k)]
