"""Reproduce the seed paper's Table 1: recovery rates per algorithm and initialisation.

Rows: ``Optimization`` (random init), ``Synthesis`` (synthesis alone: 100% if its first
lowered skeleton correct on the test examples exists, else 0%), ``Both`` (the pipeline,
recovered restarts / restarts run), and the fixed initialisations ``init map_inc``,
``init map_dec`` (their reference programs) and ``init loop no-op`` (``M`` bare NOOPs),
each tuned toward every task; and ``init loop skeleton``: each task's own reference program
with its loop body opened as holes (:func:`loop_body`, :class:`SkeletonInit`), the paper's
"loop no-op" as its text means it (the loop's structure kept, its content left to tuning).
Every tuning cell runs ``K`` restarts; a restart counts only if its decompiled
program is correct on every held-out example. Raw per-restart results go to
``DIR/table1.jsonl`` (one line per cell, written as it finishes, so a killed run keeps what
it did and ``resume`` skips it), the table to ``DIR/table1.md`` and a plot to
``DIR/table1.png`` (``table1-paper.*`` for the paper-like variant, :data:`PAPER_LIKE`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from neural.asm import JEZ, JMP, NOOP, READ, VALUE_OPS, WRITE, Line, Program
from neural.tune import TuneResult

from .control import loop_parts, step_lines
from .inputs import read_jsonl
from .pipeline import HoleTuning, SolveConfig, noop_loop, solve, synthesize_for, tune_from, tune_holes
from .tasks import BUILTINS, SUITES, map_list, reference_program, sum_list

ROWS = (
    "Optimization",
    "Synthesis",
    "Both",
    "init map_inc",
    "init map_dec",
    "init loop no-op",
    "init loop skeleton",
)
PAPER = {
    "Optimization": {"inc": 19, "map_inc": 86, "map_dec": 56, "reduce": 41, "parity": 95, "fibonacci": 4},
    "Synthesis": {"inc": 100, "map_inc": 100, "map_dec": 100, "reduce": 100, "parity": 100, "fibonacci": 0},
    "Both": {"inc": 100, "map_inc": 100, "map_dec": 100, "reduce": 100, "parity": 100, "fibonacci": 75},
    "init map_inc": {"map_inc": 100, "map_dec": 7, "parity": 7, "fibonacci": 26},
    "init map_dec": {"map_inc": 45, "map_dec": 100, "parity": 6, "fibonacci": 41},
    "init loop no-op": {"inc": 100, "map_inc": 100, "map_dec": 100, "reduce": 100, "parity": 49, "fibonacci": 75},
    "init loop skeleton": {"inc": 100, "map_inc": 100, "map_dec": 100, "reduce": 100, "parity": 49, "fibonacci": 75},
}
BODIES = ("step", "full")


@dataclasses.dataclass(frozen=True)
class SkeletonInit(HoleTuning):
    """How ``init loop skeleton`` opens a reference program's loop body: the hole
    settings of :class:`~bridge.pipeline.HoleTuning` (chosen on this row), plus

    - ``body``: which lines become holes (see :func:`loop_body`): ``"step"`` the loop's
      step, ``"full"`` every line between the loop test and the back jump (reduce: step
      16 of 20 recovered, full 0);
    - ``pad``: extra free lines after the body, when the machine has room for them (reduce,
      20 restarts, this recipe: 0: 20, 1: 18, 2: 18; inc, map_inc, map_dec 20 at each;
      parity and fibonacci fill all 8 lines, no room).
    """

    body: str = "step"
    pad: int = 0


def loop_body(p: Program, body: str = "step") -> tuple[int, ...]:
    """The lines of ``p``'s loop body, found from its control flow.

    ``"full"``: the lines between the loop test and the back jump (a test at the loop's
    bottom: between the loop head and the test); a program without a loop: the lines
    between its first and last memory access. ``"step"``: of those, the ones that compute
    (not a jump, a memory access, or the traversal's own update ``r = INC/DEC r`` of an
    address register or of a tested counter not read from memory in the loop).
    """
    if body not in BODIES:
        raise ValueError(f"body must be one of {', '.join(BODIES)}, got {body!r}")
    parts = loop_parts(p)
    if parts is None:
        mem = [i for i, ln in enumerate(p.lines) if ln.op in (READ, WRITE)]
        lines = tuple(range(mem[0] + 1, mem[-1])) if mem else ()
        head = back = None
    else:
        head, test, back = parts
        if test is not None and test + 1 < back:
            lines = tuple(range(test + 1, back))
        else:
            lines = tuple(range(head, back if test is None else test))
    if body == "full":
        return lines
    steps = step_lines(p)
    return tuple(i for i in lines if p.lines[i].op in VALUE_OPS and p.lines[i].op != READ and i not in steps)


def open_body(p: Program, holes: tuple[int, ...], pad: int = 0, blank: bool = True) -> tuple[Program, tuple[int, ...]]:
    """``p`` with its ``holes`` lines made NOOPs (kept as they are if not ``blank``) and
    ``pad`` more NOOP lines inserted after the last of them (jump labels past it move
    down); returns it and its free lines. Raises ValueError if the padded program does not
    fit in ``M`` lines."""
    if not holes:
        return p, ()
    lines = [Line(NOOP) if i in holes and blank else ln for i, ln in enumerate(p.lines)]
    if not pad:
        return Program(p.M, p.R, p.init, tuple(lines)), tuple(holes)
    if len(lines) + pad > p.M:
        raise ValueError(f"pad {pad}: {len(lines)} + {pad} lines exceed M={p.M}")
    at = max(holes) + 1
    labels = {ln.b for ln in p.lines if ln.op in (JEZ, JMP)}
    init = tuple(v + pad if r in labels and v >= at else v for r, v in enumerate(p.init))
    lines[at:at] = [Line(NOOP)] * pad
    return Program(p.M, p.R, init, tuple(lines)), tuple(holes) + tuple(range(at, at + pad))


def skeleton_init(
    name: str, task, cfg: SolveConfig, tuner, how: SkeletonInit = SkeletonInit(), salt: int = 0
) -> tuple[TuneResult, tuple[int, ...]]:
    """Tune task ``name``'s reference program with its loop body opened (see
    :class:`SkeletonInit`); returns the tuning result and the free lines."""
    ref = reference_program(name)
    return fill_holes(ref, loop_body(ref, how.body), task, cfg, tuner, how, how.pad, salt)


def fill_holes(
    p: Program,
    holes: tuple[int, ...],
    task,
    cfg: SolveConfig,
    tuner,
    how: HoleTuning = HoleTuning(),
    pad: int = 0,
    salt: int = 0,
) -> tuple[TuneResult, tuple[int, ...]]:
    """Tune ``p`` (a program correct on ``task``) with its ``holes`` lines opened as
    ``how`` says, through :func:`~bridge.pipeline.tune_holes`: with ``heads="line"`` the
    lines are blanked and ``pad`` more free lines follow them (as many as the machine has
    room for); otherwise the lines keep what ``how.heads`` does not open (``"op"``: their
    registers). Returns the tuning result and the free lines."""
    pad = min(pad, p.M - len(p)) if how.heads == "line" else 0
    prog, free = open_body(p, holes, pad, blank=how.heads == "line")
    r = tune_holes(prog, free, task, dataclasses.replace(cfg, holes=how), tuner, salt=salt)
    return r, free


PAPER_LIKE = {"map_inc": map_list(+1, fixed=True), "map_dec": map_list(-1, fixed=True), "reduce": sum_list(fixed=True)}
"""The paper-like variant of the Table 1 tasks: lists of one fixed length (``M - 2``, as
long as the machine holds), as the paper's own examples are — its listing's map loop has no
end test. ``inc``, ``parity`` (already ``M - 1`` bits) and ``fibonacci`` are unchanged."""


def make_task(name: str, n_train: int, n_test: int, seed: int, paper_like: bool = False):
    """Built-in Table 1 task ``name`` (its paper-like variant if ``paper_like``)."""
    b = BUILTINS[name]
    if paper_like and name in PAPER_LIKE:
        b = dataclasses.replace(b, sample=PAPER_LIKE[name])
    return b.task(n_train=n_train, n_test=n_test, seed=seed)


def _cell(
    row: str,
    name: str,
    cfg: SolveConfig,
    tuner,
    n_train: int,
    n_test: int,
    spaces: dict,
    skeleton: SkeletonInit = SkeletonInit(),
    paper_like: bool = False,
) -> dict:
    """One (row, task) cell. ``spaces`` caches a task's version space from its Synthesis
    cell for its Both cell (Both re-ranks it, so it is handed over, not shared back)."""
    task = make_task(name, n_train, n_test, cfg.seed, paper_like)
    t0 = time.perf_counter()
    if row in ("Optimization", "Synthesis", "Both"):
        method = {"Optimization": "opt", "Synthesis": "synth", "Both": "both"}[row]
        space = None
        if method != "opt":
            space = spaces.pop(name, None) or synthesize_for(task, cfg)
            if method == "synth":
                spaces[name] = space
        r = solve(task, method, cfg, tuner, space=space)
        rec = {
            "recovered": r.recovered,
            "restarts": r.restarts,
            "rate": r.recovery_rate,
            "solved": r.solved,
            "program": r.program,
            "skeletons_tried": r.skeletons_tried,
            "trials": [dataclasses.asdict(t) for t in r.trials],
            "enumerated": r.enumerated,
            "oe_classes": r.oe_classes,
            "egraph_classes": r.egraph_classes,
        }
        if method == "synth":
            rec["rate"] = float(r.solved)
    elif row == "init loop skeleton":
        r, free = skeleton_init(name, task, cfg, tuner, skeleton, salt=ROWS.index(row))
        rec = {**_tuned(r), "free": list(free), "skeleton": dataclasses.asdict(skeleton)}
    else:
        m = task.machine
        init = {
            "init map_inc": lambda: reference_program("map_inc"),
            "init map_dec": lambda: reference_program("map_dec"),
            "init loop no-op": lambda: noop_loop(m.M, m.R),
        }[row]()
        rec = _tuned(tune_from(init, task, cfg, tuner, salt=ROWS.index(row)))
    variant = {"variant": "paper-like"} if paper_like else {}
    return {"row": row, "task": name, **variant, "seconds": time.perf_counter() - t0, **rec}


def _tuned(r: TuneResult) -> dict:
    return {
        "recovered": int(r.recovered.sum()),
        "restarts": len(r.recovered),
        "rate": float(r.recovered.mean()),
        "per_restart": r.recovered.astype(int).tolist(),
        "recovered_at": r.recovered_at.tolist(),
        "test_steps": r.test_steps.tolist(),
    }


def run_table1(
    out_dir: str | Path,
    cfg: SolveConfig,
    tuner,
    tasks=SUITES["table1"],
    rows=ROWS,
    n_train: int = 32,
    n_test: int = 256,
    resume: bool = True,
    progress: Callable[[int, int, dict], None] | None = None,
    skeleton: SkeletonInit = SkeletonInit(),
    paper_like: bool = False,
) -> list[dict]:
    """Fill every (row, task) cell; returns the cell records (from ``table1.jsonl``).
    ``paper_like``: on the paper-like tasks (:data:`PAPER_LIKE`), their cells kept apart
    from the others' in the same file (``"variant": "paper-like"``)."""
    variant = "paper-like" if paper_like else "ours"
    bad = [r for r in rows if r not in ROWS]
    if bad:
        raise ValueError(f"unknown rows {bad}; rows: {', '.join(ROWS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / "table1.jsonl"
    done = {}
    fields = (("row", str), ("task", str), ("rate", (int, float)), ("seconds", (int, float)))
    for _, rec in read_jsonl(raw) if resume else ():
        ok = isinstance(rec, dict) and all(isinstance(rec.get(k), t) for k, t in fields)
        if ok and rec.get("variant", "ours") == variant:
            done[rec["row"], rec["task"]] = rec  # anything else (a line cut by a kill): redo that cell
    if raw.exists() and raw.stat().st_size:
        with raw.open("rb+") as f:  # close a line cut by a kill, so the next one starts clean
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":
                f.write(b"\n")
    cells = [(row, t) for row in rows for t in tasks]
    spaces: dict = {}
    with raw.open("a") as f:
        for k, (row, t) in enumerate(cells):
            if (row, t) not in done:
                rec = _cell(row, t, cfg, tuner, n_train, n_test, spaces, skeleton, paper_like)
                f.write(json.dumps(rec) + "\n")
                f.flush()
                os.fsync(f.fileno())
                done[row, t] = rec
            if progress is not None:
                progress(k + 1, len(cells), done[row, t])
    records = [done[c] for c in cells]
    stem = "table1-paper" if paper_like else "table1"
    (out_dir / f"{stem}.md").write_text(format_table(records, tasks, rows))
    plot(records, tasks, rows, out_dir / f"{stem}.png")
    return records


def format_table(records: list[dict], tasks=SUITES["table1"], rows=ROWS) -> str:
    """Markdown: ours, with the paper's figure in parentheses."""
    by = {(r["row"], r["task"]): r for r in records}
    head = "| | " + " | ".join(tasks) + " |\n|---|" + "---|" * len(tasks) + "\n"
    lines = []
    for row in rows:
        cells = []
        for t in tasks:
            r = by.get((row, t))
            ours = f"{100 * r['rate']:.0f}%" if r else "·"
            paper = PAPER.get(row, {}).get(t)
            cells.append(f"{ours} ({paper}%)" if paper is not None else f"{ours} (–)")
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n\nours (paper); recovery judged on held-out inputs\n"


def plot(records: list[dict], tasks, rows, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by = {(r["row"], r["task"]): r["rate"] for r in records}
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.8 / len(rows)
    x = np.arange(len(tasks))
    for i, row in enumerate(rows):
        ax.bar(x + i * width, [100 * by.get((row, t), np.nan) for t in tasks], width, label=row)
    ax.set_xticks(x + 0.4 - width / 2, tasks)
    ax.set_ylabel("recovered (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Table 1: recovery rate on held-out inputs")
    ax.legend(fontsize=8, ncol=3, loc="lower center", bbox_to_anchor=(0.5, -0.35))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
