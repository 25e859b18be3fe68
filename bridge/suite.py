"""Suite files: the JSON interchange format for sets of tasks (``docs/tasks.md`` §3).

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

import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

from neural import Examples

from .inputs import MAX_SUITE_BYTES, InputError, parse_json, quote, read_text, show
from .limits import MAX_M, MAX_NAME, MAX_R, MAX_SEED, MAX_T, MAX_TEST, MAX_TRAIN
from .tasks import BUILTINS, SUITES, Machine, Task

SUITE_KEYS = {"suite", "tasks"}
EXAMPLE_TASK_KEYS = {"name", "machine", "mask", "train", "test"}
BUILTIN_TASK_KEYS = {"name", "builtin", "machine", "n_train", "n_test", "seed"}
MACHINE_KEYS = {"M", "R", "T", "ops"}
EXAMPLE_KEYS = {"input", "output", "mask"}
MAX_SUITE_EXAMPLES = 1_000_000  # generating takes up to 20 µs an example
MAX_SUITE_CELLS = 20_000_000  # 17 bytes a cell: inputs, outputs, mask


class SuiteError(InputError):
    """A malformed suite file; the message names where."""


def _int(value: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SuiteError(f"{where}: expected an integer, got {show(value)}")
    if value < lo or value > hi:
        raise SuiteError(f"{where}: {value} is out of range {lo}..{hi}")
    return value


def _keys(obj: Any, allowed: set[str], where: str, required: set[str] = frozenset()) -> dict:
    if not isinstance(obj, dict):
        raise SuiteError(f"{where}: expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise SuiteError(f"{where}: unknown key {quote(unknown[0])} (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(obj))
    if missing:
        raise SuiteError(f"{where}: missing key {missing[0]!r}")
    return obj


def _machine(obj: Any, where: str, base: Machine | None) -> Machine:
    obj = _keys(obj, MACHINE_KEYS, where, set() if base else {"M"})
    M = _int(obj["M"], f"{where}.M", 2, MAX_M) if "M" in obj else base.M
    R = _int(obj["R"], f"{where}.R", 1, MAX_R) if "R" in obj else (base.R if base else 4)
    T = _int(obj["T"], f"{where}.T", 1, MAX_T) if "T" in obj else (base.T if base else 8 * M)
    ops = obj.get("ops", base.ops if base else "full")
    if ops not in ("anc", "full"):
        raise SuiteError(f'{where}.ops: expected "anc" or "full", got {show(ops)}')
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


def check_name(name: Any, where: str) -> str:
    """A task name: a non-empty string of printable characters (it is shown on one line)."""
    if not isinstance(name, str) or not name:
        raise SuiteError(f"{where}: expected a non-empty string")
    if len(name) > MAX_NAME:
        raise SuiteError(f"{where}: {quote(name)} is longer than {MAX_NAME} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise SuiteError(f"{where}: {quote(name)} contains a control character")
    return name


def parse_task(obj: Any, where: str) -> Task:
    """One task entry of a suite; ``where`` prefixes error messages."""
    if not isinstance(obj, dict):
        raise SuiteError(f"{where}: expected an object, got {type(obj).__name__}")
    name = check_name(obj.get("name"), f"{where}.name")
    where = f"{where} ({quote(name)})"
    if "builtin" in obj:
        obj = _keys(obj, BUILTIN_TASK_KEYS, where)
        if not isinstance(obj["builtin"], str) or obj["builtin"] not in BUILTINS:
            raise SuiteError(f"{where}.builtin: unknown task {show(obj['builtin'])} (known: {', '.join(BUILTINS)})")
        b = BUILTINS[obj["builtin"]]
        m = _machine(obj.get("machine", {}), f"{where}.machine", b.machine)
        if b.min_M > m.M:
            raise SuiteError(f"{where}.machine.M: {m.M} is too small for the {b.name} generator (needs M >= {b.min_M})")
        t = b.task(
            n_train=_int(obj.get("n_train", 16), f"{where}.n_train", 1, MAX_TRAIN),
            n_test=_int(obj.get("n_test", 256), f"{where}.n_test", 1, MAX_TEST),
            seed=_int(obj.get("seed", 0), f"{where}.seed", 0, MAX_SEED),
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


def _check_size(tasks: list, source: str) -> None:
    """Refuse a suite whose examples, all told, exceed the limits — before generating any."""
    examples = cells = 0
    for i, t in enumerate(tasks):
        if not isinstance(t, dict):
            continue  # parse_task says what is wrong with it
        machine = t.get("machine") if isinstance(t.get("machine"), dict) else {}
        b = BUILTINS.get(t["builtin"]) if isinstance(t.get("builtin"), str) else None
        M = machine.get("M", b.machine.M if b else 0)
        count = lambda v, hi: v if isinstance(v, int) and 0 <= v <= hi else 0  # out of range: parse_task says so
        if "builtin" in t:
            n = count(t.get("n_train", 16), MAX_TRAIN) + count(t.get("n_test", 256), MAX_TEST)
        else:
            n = sum(len(v) if isinstance(v, list) else 0 for v in (t.get("train"), t.get("test")))
        examples += n
        cells += n * count(M, MAX_M)
        if examples > MAX_SUITE_EXAMPLES or cells > MAX_SUITE_CELLS:
            raise SuiteError(
                f"{source}: task {i}: the suite's tasks up to here hold {examples:,} examples of {cells:,} cells "
                f"(at most {MAX_SUITE_EXAMPLES:,} examples and {MAX_SUITE_CELLS:,} cells in a suite)"
            )


def parse_suite(text: str, source: str = "<suite>") -> tuple[str, list[Task]]:
    """Parse suite JSON text into ``(suite name, tasks)``."""
    try:
        obj = parse_json(text, source)
    except InputError as e:
        raise SuiteError(str(e)) from None
    obj = _keys(obj, SUITE_KEYS, source, {"tasks"})
    name = obj.get("suite", Path(source).stem)
    if not isinstance(name, str):
        raise SuiteError(f"{source}.suite: expected a string")
    if not isinstance(obj["tasks"], list) or not obj["tasks"]:
        raise SuiteError(f"{source}.tasks: expected a non-empty list of tasks")
    _check_size(obj["tasks"], source)
    tasks, seen = [], set()
    for i, t in enumerate(obj["tasks"]):
        task = parse_task(t, f"{source}: task {i}")
        if task.name in seen:
            raise SuiteError(f"{source}: task {i} ({quote(task.name)}).name: duplicate task name")
        seen.add(task.name)
        tasks.append(task)
    return name, tasks


def load_suite(path: str | Path) -> tuple[str, list[Task]]:
    """Read and parse a suite file."""
    try:
        text = read_text(path, "suite", MAX_SUITE_BYTES)
    except InputError as e:
        raise SuiteError(str(e)) from None
    return parse_suite(text, source=str(path))


def file_name(name: str) -> str:
    """A suite's name made safe as a file name: a name, never a path (``../x`` -> ``x``)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:100]
    return safe or "suite"


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
