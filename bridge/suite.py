"""Suite files: the JSON interchange format for sets of tasks (``shared/spec/tasks.md``).

Loading is strict: unknown keys, wrong lengths, values out of range, masks outside memory
and duplicate task names are :class:`SuiteError`, whose one-line message names the file, the
task and the field. Two kinds of task entry::

    {"name": "double", "machine": {"M": 8, "R": 4, "T": 64}, "mask": [0],
     "train": [{"input": [...M ints], "output": [...M ints]}], "test": [...]}
    {"name": "map_inc", "builtin": "map_inc", "machine": {"M": 8},
     "n_train": 16, "n_test": 256, "seed": 0}

Defaults: an example task's ``R`` is 4 and ``T`` is ``8*M``; without ``mask`` (on the task
or the example) every cell is compared; a builtin entry takes its machine, ``n_train=16``,
``n_test=256`` and ``seed=0`` from the built-in task unless given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from neural import Examples

from .tasks import BUILTINS, SUITES, Machine, Task

SUITE_KEYS = {"suite", "tasks"}
EXAMPLE_TASK_KEYS = {"name", "machine", "mask", "train", "test"}
BUILTIN_TASK_KEYS = {"name", "builtin", "machine", "n_train", "n_test", "seed"}
MACHINE_KEYS = {"M", "R", "T", "ops"}
EXAMPLE_KEYS = {"input", "output", "mask"}
MAX_M = 256


class SuiteError(ValueError):
    """A malformed suite file; the message names where."""


def _int(value: Any, where: str, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SuiteError(f"{where}: expected an integer, got {json.dumps(value)}")
    if value < lo or (hi is not None and value > hi):
        raise SuiteError(f"{where}: {value} is out of range {lo}..{'' if hi is None else hi}")
    return value


def _keys(obj: Any, allowed: set[str], where: str, required: set[str] = frozenset()) -> dict:
    if not isinstance(obj, dict):
        raise SuiteError(f"{where}: expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise SuiteError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(obj))
    if missing:
        raise SuiteError(f"{where}: missing key {missing[0]!r}")
    return obj


def _machine(obj: Any, where: str, base: Machine | None) -> Machine:
    obj = _keys(obj, MACHINE_KEYS, where, set() if base else {"M"})
    M = _int(obj["M"], f"{where}.M", 2, MAX_M) if "M" in obj else base.M
    R = _int(obj["R"], f"{where}.R", 1, 64) if "R" in obj else (base.R if base else 4)
    T = _int(obj["T"], f"{where}.T", 1) if "T" in obj else (base.T if base else 8 * M)
    ops = obj.get("ops", base.ops if base else "full")
    if ops not in ("anc", "full"):
        raise SuiteError(f'{where}.ops: expected "anc" or "full", got {json.dumps(ops)}')
    return Machine(M, R, T, ops)


def _cells(values: Any, M: int, where: str) -> list[int]:
    if not isinstance(values, list):
        raise SuiteError(f"{where}: expected a list of {M} integers")
    if len(values) != M:
        raise SuiteError(f"{where}: has {len(values)} cells, the machine has M={M}")
    return [_int(v, f"{where}[{i}]", 0, M - 1) for i, v in enumerate(values)]


def _mask(values: Any, M: int, where: str) -> np.ndarray:
    if not isinstance(values, list) or not values:
        raise SuiteError(f"{where}: expected a non-empty list of cell indices")
    mask = np.zeros(M, dtype=bool)
    for i, v in enumerate(values):
        mask[_int(v, f"{where}[{i}]", 0, M - 1)] = True
    return mask


def _examples(obj: Any, M: int, task_mask: np.ndarray, where: str) -> Examples:
    if not isinstance(obj, list) or not obj:
        raise SuiteError(f"{where}: expected a non-empty list of examples")
    rows = []
    for i, ex in enumerate(obj):
        at = f"{where}[{i}]"
        ex = _keys(ex, EXAMPLE_KEYS, at, {"input", "output"})
        mask = _mask(ex["mask"], M, f"{at}.mask") if "mask" in ex else task_mask
        rows.append((_cells(ex["input"], M, f"{at}.input"), _cells(ex["output"], M, f"{at}.output"), mask))
    return Examples.stack(rows)


def parse_task(obj: Any, where: str) -> Task:
    """One task entry of a suite; ``where`` prefixes error messages."""
    if not isinstance(obj, dict):
        raise SuiteError(f"{where}: expected an object, got {type(obj).__name__}")
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        raise SuiteError(f"{where}.name: expected a non-empty string")
    where = f"{where} ({name!r})"
    if "builtin" in obj:
        obj = _keys(obj, BUILTIN_TASK_KEYS, where)
        if not isinstance(obj["builtin"], str) or obj["builtin"] not in BUILTINS:
            raise SuiteError(
                f"{where}.builtin: unknown task {json.dumps(obj['builtin'])} (known: {', '.join(BUILTINS)})"
            )
        b = BUILTINS[obj["builtin"]]
        m = _machine(obj.get("machine", {}), f"{where}.machine", b.machine)
        t = b.task(
            n_train=_int(obj.get("n_train", 16), f"{where}.n_train", 1),
            n_test=_int(obj.get("n_test", 256), f"{where}.n_test", 1),
            seed=_int(obj.get("seed", 0), f"{where}.seed", 0),
            M=m.M,
            R=m.R,
            T=m.T,
        )
        return Task(name, m, t.train, t.test, builtin=b.name)
    obj = _keys(obj, EXAMPLE_TASK_KEYS, where, {"machine", "train", "test"})
    m = _machine(obj["machine"], f"{where}.machine", None)
    mask = _mask(obj["mask"], m.M, f"{where}.mask") if "mask" in obj else np.ones(m.M, dtype=bool)
    train = _examples(obj["train"], m.M, mask, f"{where}.train")
    test = _examples(obj["test"], m.M, mask, f"{where}.test")
    return Task(name, m, train, test)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise SuiteError(f"duplicate key {k!r}")
        seen[k] = v
    return seen


def parse_suite(text: str, source: str = "<suite>") -> tuple[str, list[Task]]:
    """Parse suite JSON text into ``(suite name, tasks)``."""
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as e:
        raise SuiteError(f"{source}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    except SuiteError as e:
        raise SuiteError(f"{source}: {e}") from None
    obj = _keys(obj, SUITE_KEYS, source, {"tasks"})
    name = obj.get("suite", Path(source).stem)
    if not isinstance(name, str):
        raise SuiteError(f"{source}.suite: expected a string")
    if not isinstance(obj["tasks"], list) or not obj["tasks"]:
        raise SuiteError(f"{source}.tasks: expected a non-empty list of tasks")
    tasks, seen = [], set()
    for i, t in enumerate(obj["tasks"]):
        task = parse_task(t, f"{source}: task {i}")
        if task.name in seen:
            raise SuiteError(f"{source}: task {i} ({task.name!r}).name: duplicate task name")
        seen.add(task.name)
        tasks.append(task)
    return name, tasks


def load_suite(path: str | Path) -> tuple[str, list[Task]]:
    """Read and parse a suite file."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise SuiteError(f"{path}: cannot read suite file: {e.strerror}") from None
    return parse_suite(text, source=str(path))


def _example_rows(ex: Examples) -> list[dict]:
    return [
        {"input": i.tolist(), "output": o.tolist(), "mask": np.flatnonzero(m).tolist()}
        for i, o, m in zip(ex.inputs, ex.outputs, ex.mask)
    ]


def task_entry(task: Task) -> dict:
    """A task as a self-contained suite entry with its examples (no generator needed)."""
    m = task.machine
    return {
        "name": task.name,
        "machine": machine_dict(m),
        "train": _example_rows(task.train),
        "test": _example_rows(task.test),
    }


def builtin_suite(name: str, n_train: int = 16, n_test: int = 256, seed: int = 0, examples: bool = False) -> dict:
    """A built-in suite (``table1`` or ``anc``) as suite JSON.

    With ``examples=True`` every task's examples are written out, so the file can be solved
    with no knowledge of the built-in generators.
    """
    if name not in SUITES:
        raise SuiteError(f"unknown suite {name!r} (known: {', '.join(SUITES)})")
    tasks = []
    for t in SUITES[name]:
        b = BUILTINS[t]
        entry = {
            "name": t,
            "builtin": t,
            "machine": machine_dict(b.machine),
            "n_train": n_train,
            "n_test": n_test,
            "seed": seed,
        }
        tasks.append(task_entry(parse_task(entry, t)) if examples else entry)
    return {"suite": name, "tasks": tasks}


def machine_dict(m: Machine) -> dict:
    """A machine as the suite format's `machine` object."""
    return {"M": m.M, "R": m.R, "T": m.T, "ops": m.ops}
