"""The search-space study: how far each stage shrinks the space of programs.

Raw space: a program of ``L`` lines has ``(|ops|·R³)^L`` instruction choices (registers
start at 0 here). Its *behaviours* — the final memories and halting flags on a fixed set
of probe inputs — are counted by running every program with the batched interpreter where
that is feasible (``exhaustive_limit`` programs), and otherwise estimated from a uniform
sample with the Chao1 estimator (distinct seen + f1²/(2·f2), f1 and f2 the behaviours
seen once and twice), which is a lower-bound estimate.

Per task: candidates enumerated, the e-classes egglog leaves among the skeletons it was given
(sound merges, a finer partition than OE), the OE classes (distinct behaviours on the train
examples), the rank of the first proposal that is correct, and the skeletons tuned by
``both`` before a solution.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from neural import Code, run_batch

from .pipeline import SolveConfig, solve, synthesize_for
from .tasks import BUILTINS, Task


def solution_level(task: Task, cfg: SolveConfig = SolveConfig(), seconds: float = 120.0) -> int | None:
    """The cost level of the cheapest complete skeleton an uncapped search finds (None:
    none within ``seconds``): the level the capped ablations hold synthesis below."""
    s = dataclasses.replace(cfg.synth, holes=False, time_limit=seconds, extra_levels=0)
    vs = synthesize_for(task, dataclasses.replace(cfg, synth=s))
    return vs.stats.search.max_cost if vs.solutions else None


def code_from_indices(idx: np.ndarray, M: int, R: int, ops: tuple[int, ...]) -> Code:
    """Programs given as ``(N, L)`` line indices in ``0..|ops|·R³-1`` (registers start at 0)."""
    N, L = idx.shape
    op, rest = np.divmod(idx, R**3)
    a, rest = np.divmod(rest, R**2)
    b, o = np.divmod(rest, R)
    lines = np.zeros((N, M, 4), dtype=np.intp)
    lines[:, :L] = np.stack([np.asarray(ops)[op], a, b, o], axis=-1)
    return Code(lines, np.zeros((N, R), dtype=np.intp), M, R)


def behaviour_keys(code: Code, probes: np.ndarray, T: int) -> np.ndarray:
    """One exact key per program: its final memories and halting flags on the probes."""
    res = run_batch(code, probes, T)
    sig = np.concatenate([res.mem.reshape(len(code), -1), res.halted.astype(np.int64)], axis=1)
    sig = np.ascontiguousarray(sig.astype(np.int16))
    return sig.view(np.dtype((np.void, sig.shape[1] * sig.itemsize))).ravel()


@dataclasses.dataclass
class RawRow:
    M: int
    R: int
    lines: int
    raw: int
    behaviours: float
    exact: bool  # False: Chao1 estimate from `sampled` programs
    sampled: int


def raw_space(
    M: int,
    R: int,
    max_lines: int,
    ops: tuple[int, ...],
    T: int,
    n_probes: int = 8,
    seed: int = 0,
    exhaustive_limit: int = 1_500_000,
    samples: int = 500_000,
) -> list[RawRow]:
    rng = np.random.default_rng(seed)
    probes = rng.integers(0, M, size=(n_probes, M))
    per_line = len(ops) * R**3
    rows = []
    for L in range(1, max_lines + 1):
        raw = per_line**L
        if raw <= exhaustive_limit:
            keys = []
            for s in range(0, raw, 200_000):
                flat = np.arange(s, min(raw, s + 200_000))
                idx = np.stack(np.unravel_index(flat, (per_line,) * L), axis=1)
                keys.append(behaviour_keys(code_from_indices(idx, M, R, ops), probes, T))
            rows.append(RawRow(M, R, L, raw, float(len(np.unique(np.concatenate(keys)))), True, raw))
        else:
            idx = rng.integers(0, per_line, size=(samples, L))
            _, counts = np.unique(behaviour_keys(code_from_indices(idx, M, R, ops), probes, T), return_counts=True)
            f1, f2 = (counts == 1).sum(), (counts == 2).sum()
            est = len(counts) + (f1 * f1 / (2 * f2) if f2 else f1 * (f1 - 1) / 2)
            rows.append(RawRow(M, R, L, raw, float(min(est, raw)), False, samples))
    return rows


def task_row(name: str, cfg: SolveConfig, tuner) -> dict:
    """Stage counts for one built-in task."""
    b = BUILTINS[name]
    task = b.task(n_train=32, n_test=256, seed=cfg.seed)
    ops = b.machine.op_codes
    space = synthesize_for(task, cfg)  # once: synth reads the ranking, both then re-ranks it
    synth = solve(task, "synth", cfg, tuner, space=space)
    r = solve(task, "both", cfg, tuner, space=space)
    first_correct = next((k + 1 for k, t in enumerate(synth.trials) if t.test_correct == len(task.test)), None)
    return {
        "task": name,
        "M": b.machine.M,
        "R": b.machine.R,
        "ops": len(ops),
        "raw_per_line": len(ops) * b.machine.R**3,
        "enumerated": r.enumerated,
        "oe_classes": r.oe_classes,
        "egraph_classes": r.egraph_classes,
        "first_correct_rank": first_correct,
        "skeletons_tuned": r.skeletons_tried,
        "solved": r.solved,
    }


def plot(raw: list[RawRow], tasks: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    for M, R in sorted({(r.M, r.R) for r in raw}):
        rs = [r for r in raw if (r.M, r.R) == (M, R)]
        x = [r.lines for r in rs]
        a1.plot(x, [r.raw for r in rs], "o-", label=f"raw programs M={M} R={R}")
        a1.plot(x, [r.behaviours for r in rs], "s--", label=f"behaviours M={M} R={R}")
    a1.set_yscale("log")
    a1.set_xlabel("program lines")
    a1.set_title("raw assembly space")
    a1.legend(fontsize=7)
    stages = ["enumerated", "egraph_classes", "oe_classes", "first_correct_rank", "skeletons_tuned"]
    x = np.arange(len(stages))
    for t in tasks:
        a2.plot(x, [max(1, t[s] or 1) for s in stages], "o-", label=t["task"])
    a2.set_xticks(
        x,
        ["enumerated", "e-classes\n(sound merges)", "OE classes\n(train behaviour)", "rank of\nfirst correct", "tuned"],
        fontsize=8,
    )
    a2.set_yscale("log")
    a2.set_title("what remains after each stage")
    a2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
