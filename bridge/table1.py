"""Reproduce the seed paper's Table 1: recovery rates per algorithm and initialisation.

Rows: ``Optimization`` (random init), ``Synthesis`` (synthesis alone: 100% if its first
lowered skeleton correct on the test examples exists, else 0%), ``Both`` (the pipeline,
recovered restarts / restarts run), and the fixed initialisations ``init map_inc``,
``init map_dec`` (their reference programs) and ``init loop no-op``, each tuned toward
every task. Every tuning cell runs ``K`` restarts; a restart counts only if its decompiled
program is correct on every held-out example. Raw per-restart results go to
``DIR/table1.jsonl`` (one line per cell, written as it finishes, so a killed run keeps what
it did and ``resume`` skips it), the table to ``DIR/table1.md`` and a plot to
``DIR/table1.png``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .inputs import read_jsonl
from .pipeline import SolveConfig, noop_loop, solve, synthesize_for, tune_from
from .tasks import BUILTINS, SUITES, reference_program

ROWS = ("Optimization", "Synthesis", "Both", "init map_inc", "init map_dec", "init loop no-op")
PAPER = {
    "Optimization": {"inc": 19, "map_inc": 86, "map_dec": 56, "reduce": 41, "parity": 95, "fibonacci": 4},
    "Synthesis": {"inc": 100, "map_inc": 100, "map_dec": 100, "reduce": 100, "parity": 100, "fibonacci": 0},
    "Both": {"inc": 100, "map_inc": 100, "map_dec": 100, "reduce": 100, "parity": 100, "fibonacci": 75},
    "init map_inc": {"map_inc": 100, "map_dec": 7, "parity": 7, "fibonacci": 26},
    "init map_dec": {"map_inc": 45, "map_dec": 100, "parity": 6, "fibonacci": 41},
    "init loop no-op": {"inc": 100, "map_inc": 100, "map_dec": 100, "reduce": 100, "parity": 49, "fibonacci": 75},
}


def _cell(row: str, name: str, cfg: SolveConfig, tuner, n_train: int, n_test: int, spaces: dict) -> dict:
    """One (row, task) cell. ``spaces`` caches a task's version space from its Synthesis
    cell for its Both cell (Both re-ranks it, so it is handed over, not shared back)."""
    task = BUILTINS[name].task(n_train=n_train, n_test=n_test, seed=cfg.seed)
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
    else:
        m = task.machine
        init = {
            "init map_inc": lambda: reference_program("map_inc"),
            "init map_dec": lambda: reference_program("map_dec"),
            "init loop no-op": lambda: noop_loop(m.M, m.R),
        }[row]()
        r = tune_from(init, task, cfg, tuner, salt=ROWS.index(row))
        rec = {
            "recovered": int(r.recovered.sum()),
            "restarts": len(r.recovered),
            "rate": float(r.recovered.mean()),
            "per_restart": r.recovered.astype(int).tolist(),
            "recovered_at": r.recovered_at.tolist(),
            "test_steps": r.test_steps.tolist(),
        }
    return {"row": row, "task": name, "seconds": time.perf_counter() - t0, **rec}


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
) -> list[dict]:
    """Fill every (row, task) cell; returns the cell records (from ``table1.jsonl``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / "table1.jsonl"
    done = {}
    fields = (("row", str), ("task", str), ("rate", (int, float)), ("seconds", (int, float)))
    for _, rec in read_jsonl(raw) if resume else ():
        if isinstance(rec, dict) and all(isinstance(rec.get(k), t) for k, t in fields):
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
                rec = _cell(row, t, cfg, tuner, n_train, n_test, spaces)
                f.write(json.dumps(rec) + "\n")
                f.flush()
                os.fsync(f.fileno())
                done[row, t] = rec
            if progress is not None:
                progress(k + 1, len(cells), done[row, t])
    records = [done[c] for c in cells]
    (out_dir / "table1.md").write_text(format_table(records, tasks, rows))
    plot(records, tasks, rows, out_dir / "table1.png")
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
