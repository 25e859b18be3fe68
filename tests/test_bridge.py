"""bridge: lowering (differential against the skeleton semantics), pipeline, Table 1."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.lower import LoweringError, lower
from bridge.pipeline import SolveConfig, solve
from bridge.table1 import run_table1
from bridge.tasks import BUILTINS
from neural import Examples
from neural import run as run_asm
from neural.tune import TuneConfig, TuneResult
from synth import run as run_skeleton
from synth.lang import Term, app, cell, const, var
from synth.search import enumerate_programs
from synth.semantics import DIVERGED

M = 8


def _pool():
    rng = np.random.default_rng(0)
    inputs = rng.integers(0, M, size=(12, M))
    ex = Examples(inputs, inputs.copy(), np.ones_like(inputs, dtype=bool))
    r = enumerate_programs(ex, M, max_cost=6, stop_when_solved=False)
    terms = [c.term for c in r.classes] + [d for d, _ in r.duplicates]
    extra = [
        Term("map", (0, Term("ifz", (app("dec", var("x")), const(0), app("inc", var("x")))))),
        Term("store", (1, app("read", app("add", cell(0), const(1))))),
        Term("foldcells", (1, const(1), Term("ifz", (var("x"), var("acc"), app("sub", const(1), var("acc")))), 0)),
        Term("loop", (0, const(0), const(1), var("b"), app("add", var("a"), var("b")), 0)),
        Term("loop", (0, const(1), const(0), app("max", var("a"), var("b")), app("inc", var("a")), 1)),
    ]
    return extra + terms


POOL = _pool()


@given(st.integers(0, len(POOL) - 1), st.integers(0, 2**31))
@settings(max_examples=300, deadline=None)
def test_lowered_program_agrees_with_skeleton(k, seed):
    term = POOL[k]
    try:
        p = lower(term, M, R_max=8)
    except LoweringError:
        return
    rng = np.random.default_rng(seed)
    inputs = rng.integers(0, M, size=(16, M))
    inputs[:12, -1] = 0  # most lists are terminated; the rest may diverge
    want = run_skeleton(term, inputs, M)
    got = run_asm(p, inputs, 4000)
    ok = (want != DIVERGED).all(1)
    for i in np.flatnonzero(ok):
        assert got.halted[i], (str(term), inputs[i].tolist())
        assert got.mem[i].tolist() == want[i].tolist(), (str(term), inputs[i].tolist())


def test_lowering_reports_what_does_not_fit():
    big = Term("map", (0, app("add", app("inc", app("inc", var("x"))), app("dec", app("dec", var("x"))))))
    with pytest.raises(LoweringError, match="lines; the machine has M=4"):
        lower(big, 4, 8)
    with pytest.raises(LoweringError, match="registers"):
        lower(Term("map", (0, app("inc", var("x")))), M, 2)
    p = lower(Term("map", (0, app("inc", var("x")))), 7, 5, ops=tuple(range(11)))  # ANC set: no JMP
    assert max(ln.op for ln in p.lines) <= 10


def test_pad_inserts_noops_before_back_jumps():
    t = Term("map", (0, app("inc", var("x"))))
    a, b = lower(t, M, 6), lower(t, M, 6, pad=1)
    assert len(b) == len(a) + 1 and 11 in [ln.op for ln in b.lines]
    inputs = np.array([[3, 4, 0, 0, 0, 0, 0, 0]])
    assert run_asm(a, inputs, 100).mem.tolist() == run_asm(b, inputs, 100).mem.tolist()


def failing_tuner(weights, machine, train, test, cfg):
    """A tuner whose restarts never recover: exercises the feedback path."""
    K = weights.op.shape[0]
    import jax

    from neural.compile import decompile

    progs = [
        decompile(jax.tree.map(lambda x, k=k: x[k], weights), machine.M, machine.R, machine.ops)[0] for k in range(K)
    ]
    return TuneResult(
        progs,
        np.zeros(K, bool),
        np.full(K, float(machine.T)),
        np.full(K, -1),
        np.zeros((K, 0)),
        np.zeros((K, machine.M)),
        0,
        0.0,
    )


def test_feedback_changes_the_order_of_proposals():
    task = BUILTINS["map_inc"].task(n_train=16, n_test=64, seed=0)
    cfg = SolveConfig(restarts=4, top_n=3)
    with_fb = solve(task, "both", cfg, failing_tuner)
    assert with_fb.skeletons_tried == 3 and not with_fb.solved
    assert with_fb.ranking_changes and any(c["before"] != c["after"] for c in with_fb.ranking_changes)
    no_fb = solve(task, "both", SolveConfig(restarts=4, top_n=3, feedback=False), failing_tuner)
    assert [s["skeleton"] for s in no_fb.skeletons] != [s["skeleton"] for s in with_fb.skeletons]


def test_small_table_end_to_end(tmp_path):
    cfg = SolveConfig(restarts=4, tune=TuneConfig(steps=40, check_every=20))
    rows = ("Optimization", "Synthesis", "Both", "init map_inc")
    recs = run_table1(tmp_path, cfg, _in_process(), tasks=("inc", "map_inc"), rows=rows, n_train=16, n_test=64)
    by = {(r["row"], r["task"]): r for r in recs}
    assert by["Synthesis", "inc"]["rate"] == 1.0 and by["Synthesis", "map_inc"]["rate"] == 1.0
    assert by["Both", "map_inc"]["solved"] and by["init map_inc", "map_inc"]["rate"] == 1.0
    assert (tmp_path / "table1.png").stat().st_size > 0 and "| Both |" in (tmp_path / "table1.md").read_text()
    lines = (tmp_path / "table1.jsonl").read_text().splitlines()
    assert len(lines) == len(rows) * 2 and all(json.loads(x)["task"] in ("inc", "map_inc") for x in lines)
    # resuming recomputes nothing
    again = run_table1(tmp_path, cfg, failing_tuner, tasks=("inc", "map_inc"), rows=rows, n_train=16, n_test=64)
    assert [r["rate"] for r in again] == [r["rate"] for r in recs]


def _in_process():
    from bridge.pipeline import _in_process as tuner

    return tuner
