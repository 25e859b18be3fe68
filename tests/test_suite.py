import contextlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.suite import SuiteError, builtin_suite, load_suite, parse_suite

GOOD_TASK = {
    "name": "double",
    "machine": {"M": 8, "R": 4, "T": 64},
    "mask": [0],
    "train": [{"input": [3, 0, 0, 0, 0, 0, 0, 0], "output": [6, 0, 0, 0, 0, 0, 0, 0]}],
    "test": [{"input": [2, 0, 0, 0, 0, 0, 0, 0], "output": [4, 0, 0, 0, 0, 0, 0, 0]}],
}


def suite(*tasks):
    return json.dumps({"suite": "s", "tasks": list(tasks)})


def with_(path, value, base=GOOD_TASK):
    t = json.loads(json.dumps(base))
    obj = t
    for k in path[:-1]:
        obj = obj[k]
    if value is DELETE:
        del obj[path[-1]]
    else:
        obj[path[-1]] = value
    return t


DELETE = object()


def test_the_spec_example_loads():
    name, tasks = parse_suite(
        suite(
            GOOD_TASK,
            {"name": "map_inc", "builtin": "map_inc", "machine": {"M": 8}, "n_train": 16, "n_test": 256, "seed": 0},
        )
    )
    assert name == "s" and [t.name for t in tasks] == ["double", "map_inc"]
    d = tasks[0]
    assert d.train.mask[0].tolist() == [True] + [False] * 7
    assert d.machine.T == 64 and len(tasks[1].test) == 256


def test_example_mask_overrides_task_mask():
    t = with_(("train", 0, "mask"), [0, 1])
    _, (task,) = parse_suite(suite(t))
    assert task.train.mask[0, :2].all() and not task.test.mask[0, 1]


@pytest.mark.parametrize(
    "task, words",
    [
        (with_(("colour",), "red"), "task 0 ('double'): unknown key 'colour'"),
        (with_(("machine", "Q"), 1), "task 0 ('double').machine: unknown key 'Q'"),
        (with_(("machine", "M"), DELETE), "task 0 ('double').machine: missing key 'M'"),
        (with_(("train", 0, "input"), [1, 2, 3]), "task 0 ('double').train[0].input: has 3 cells, the machine has M=8"),
        (with_(("train", 0, "output", 3), 8), "task 0 ('double').train[0].output[3]: 8 is out of range 0..7"),
        (with_(("test", 0, "input", 0), -1), "task 0 ('double').test[0].input[0]: -1 is out of range"),
        (with_(("test", 0, "input", 0), 1.5), "task 0 ('double').test[0].input[0]: expected an integer, got 1.5"),
        (with_(("test", 0, "input", 0), True), "expected an integer, got true"),
        (with_(("mask",), [9]), "task 0 ('double').mask[0]: 9 is out of range 0..7"),
        (with_(("train", 0, "mask"), [0, 8]), "task 0 ('double').train[0].mask[1]: 8 is out of range"),
        (with_(("mask",), []), "task 0 ('double').mask: expected a non-empty list"),
        (with_(("train",), []), "task 0 ('double').train: expected a non-empty list of examples"),
        (with_(("test", 0, "extra"), 1), "task 0 ('double').test[0]: unknown key 'extra'"),
        (with_(("machine", "ops"), "x86"), "task 0 ('double').machine.ops"),
        (with_(("name",), 3), "task 0.name: expected a non-empty string"),
        ({"name": "b", "builtin": "nope"}, "task 0 ('b').builtin: unknown task \"nope\""),
        ({"name": "b", "builtin": []}, "task 0 ('b').builtin: unknown task []"),
        ({"name": "b", "builtin": "inc", "n_train": 0}, "task 0 ('b').n_train: 0 is out of range"),
        ({"name": "b", "builtin": "inc", "train": []}, "task 0 ('b'): unknown key 'train'"),
    ],
)
def test_malformed_tasks_name_task_and_field(task, words):
    with pytest.raises(SuiteError) as e:
        parse_suite(suite(task), source="my.json")
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("my.json")
    assert words in msg, msg


@pytest.mark.parametrize(
    "text, words",
    [
        ("{", "my.json:1:2: invalid JSON"),
        ("[]", "expected an object"),
        ('{"suite": "s", "tasks": [], "x": 1}', "unknown key 'x'"),
        ('{"suite": "s", "tasks": []}', "non-empty list of tasks"),
        ('{"suite": "s", "suite": "t", "tasks": []}', "duplicate key 'suite'"),
        (suite(GOOD_TASK, GOOD_TASK), "task 1 ('double').name: duplicate task name"),
    ],
)
def test_malformed_suites(text, words):
    with pytest.raises(SuiteError, match=None) as e:
        parse_suite(text, source="my.json")
    assert words in str(e.value), str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(SuiteError, match="cannot read suite file"):
        load_suite(tmp_path / "nope.json")


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-3, 12) | st.text(max_size=4),
        lambda c: (
            st.lists(c, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    ["name", "machine", "M", "train", "test", "input", "output", "mask", "tasks", "builtin", "x"]
                ),
                c,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
@settings(max_examples=1000, deadline=None)
def test_random_json_is_a_suite_or_a_suite_error(obj):
    with contextlib.suppress(SuiteError):
        parse_suite(json.dumps({"suite": "s", "tasks": [obj]}))


@pytest.mark.parametrize("name", ["table1", "anc"])
def test_export_round_trip(tmp_path, name):
    for examples in (False, True):
        path = tmp_path / f"{name}-{examples}.json"
        path.write_text(json.dumps(builtin_suite(name, n_train=4, n_test=8, seed=1, examples=examples)))
        got_name, tasks = load_suite(path)
        assert got_name == name and len(tasks) == 6
        assert all(len(t.train) == 4 and len(t.test) == 8 for t in tasks)
    # the self-contained export carries exactly the builtin entry's examples
    _, a = load_suite(tmp_path / f"{name}-False.json")
    _, b = load_suite(tmp_path / f"{name}-True.json")
    for x, y in zip(a, b):
        assert np.array_equal(x.test.inputs, y.test.inputs) and np.array_equal(x.test.mask, y.test.mask)
        assert y.builtin is None and x.machine == y.machine


@pytest.mark.parametrize("name", ["dev", "heldout", *(f"heldout{k}" for k in range(2, 18))])
def test_shipped_suites_parse_and_are_what_their_scripts_write(name, tmp_path):
    # the committed file is the generator's output (a hand edit would go unnoticed in the
    # measured reach otherwise), and it passes the strict parser
    root = Path(__file__).resolve().parent.parent
    script = {"dev": "make_dev_suite.py"}.get(name, f"make_{name}_suite.py")
    out = tmp_path / f"{name}.json"
    subprocess.run([sys.executable, script, "--out", str(out)], cwd=root / "scripts", check=True, capture_output=True)
    shipped = root / "bridge" / "suites" / f"{name}.json"
    assert out.read_bytes() == shipped.read_bytes()
    suite_name, tasks = load_suite(shipped)
    assert suite_name == name and len({t.name for t in tasks}) == len(tasks) >= 12
