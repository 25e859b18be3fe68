"""Batch runs: incremental output, kill and resume, malformed suites from the command line."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from bridge.batch import read_done, solve_suite, summary, task_from_spec, task_spec
from bridge.pipeline import SolveConfig
from bridge.results import ResultsError
from bridge.suite import builtin_suite, parse_suite


def write_suite(path, names=("inc", "map_inc", "map_dec", "reduce")):
    suite = builtin_suite("table1", n_train=16, n_test=32, seed=0, examples=True)
    suite["tasks"] = [t for t in suite["tasks"] if t["name"] in names]
    path.write_text(json.dumps(suite))
    return [t["name"] for t in suite["tasks"]]


def test_task_spec_round_trip():
    suite = builtin_suite("table1", n_train=4, n_test=4)
    _, (task,) = parse_suite(json.dumps({"suite": "s", "tasks": suite["tasks"][:1]}))
    back = task_from_spec(json.loads(json.dumps(task_spec(task))))
    assert back.name == task.name and back.machine == task.machine
    assert (back.test.inputs == task.test.inputs).all() and (back.train.mask == task.train.mask).all()


def test_batch_in_process_writes_a_line_per_task(tmp_path):
    from bridge.suite import load_suite

    suite = tmp_path / "s.json"
    names = write_suite(suite, ("inc", "map_inc"))
    _, tasks = load_suite(suite)
    out = tmp_path / "out.jsonl"
    lines = solve_suite(tasks, out, "synth", SolveConfig(), workers=1)
    assert [x["task"] for x in lines] == names and all(x["solved"] for x in lines)
    assert len(out.read_text().splitlines()) == 2 and "solved 2/2" in summary(lines)
    with pytest.raises(ResultsError, match="exists: pass --resume"):
        solve_suite(tasks, out, "synth", SolveConfig(), workers=1)


@pytest.mark.slow  # kept out of the default run (10-minute budget)
def test_killed_batch_resumes_with_every_task_once(tmp_path):
    suite = tmp_path / "s.json"
    names = write_suite(suite, ("inc", "map_inc", "reduce", "parity"))  # parity takes seconds: the kill lands first
    out = tmp_path / "out.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "bridge.cli",
        "batch",
        str(suite),
        "--out",
        str(out),
        "--method",
        "synth",
        "--workers",
        "1",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 240
    while time.time() < deadline and len(read_done(out)) < 1 and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = read_done(out)
    assert 1 <= len(first) < len(names), "the kill should land mid-run"
    with out.open("a") as f:
        f.write('{"task": "map_dec", "solv')  # a line cut by the kill
    done = subprocess.run([*cmd, "--resume", "--json"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    recs = [json.loads(x) for x in out.read_text().splitlines() if x.startswith("{") and x.endswith("}")]
    assert sorted(r["task"] for r in recs) == sorted(names)  # every task exactly once
    assert json.loads(done.stdout)["solved"] == len(names)


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda s: s.replace('"train"', '"trian"', 1), "unknown key 'trian'"),
        (lambda s: s[:-5], "invalid JSON"),
        (lambda s: s.replace('"M": 8', '"M": 1', 1), ".machine.M: 1 is out of range"),
    ],
)
def test_malformed_suite_is_one_line_from_the_cli(tmp_path, mutate, words):
    suite = tmp_path / "s.json"
    write_suite(suite, ("inc",))
    suite.write_text(mutate(suite.read_text()))
    p = subprocess.run([sys.executable, "-m", "bridge.cli", "batch", str(suite)], capture_output=True, text=True)
    assert p.returncode == 2 and words in p.stderr and p.stderr.count("\n") == 1, p.stderr


@pytest.mark.slow  # kept out of the default run (10-minute budget)
def test_ray_backend_matches_local(tmp_path):
    ray = pytest.importorskip("ray")
    from bridge.suite import load_suite

    suite = tmp_path / "s.json"
    write_suite(suite, ("inc", "map_dec"))
    _, tasks = load_suite(suite)
    local = solve_suite(tasks, tmp_path / "local.jsonl", "synth", SolveConfig(), "local", workers=1)
    try:
        remote = solve_suite(tasks, tmp_path / "ray.jsonl", "synth", SolveConfig(), "ray", workers=2)
    finally:
        ray.shutdown()
    key = lambda r: (r["task"], r["solved"], r["program"], r["test_correct"], r["enumerated"], r["oe_classes"])
    assert [key(r) for r in remote] == [key(r) for r in local]


def test_unsolvable_tasks_say_why_in_their_line(tmp_path):
    # one task no program can fit (an input maps to two outputs), one whose machine is too
    # small for any skeleton that fits its examples (a 5-cell list to copy at M = 6)
    same_input = [{"input": [1, 0, 0, 0], "output": [2, 0, 0, 0]}, {"input": [1, 0, 0, 0], "output": [3, 0, 0, 0]}]
    shift = [
        {"input": [a, b, c, 0, 0, 0], "output": [0, a, b, c, 0, 0]} for a, b, c in [(1, 2, 3), (4, 5, 1), (2, 2, 5)]
    ]
    suite = {
        "suite": "hard",
        "tasks": [
            {"name": "contradictory", "machine": {"M": 4, "R": 2, "T": 16}, "train": same_input, "test": same_input},
            {"name": "cramped", "machine": {"M": 6, "R": 2, "T": 8, "ops": "anc"}, "train": shift, "test": shift},
        ],
    }
    _, tasks = parse_suite(json.dumps(suite))
    cfg = SolveConfig(synth=dataclasses.replace(SolveConfig().synth, time_limit=5, max_cost=8), restarts=2)
    lines = solve_suite(tasks, tmp_path / "out.jsonl", "synth", cfg, workers=1)
    for line in lines:
        assert not line["solved"] and line["why"] and "\n" not in line["why"] and "Traceback" not in line["why"]
    assert "no program can be correct on every train example" in lines[0]["why"]
    assert "the machine has M=6" in lines[1]["why"]
