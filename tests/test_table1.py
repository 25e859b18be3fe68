"""Table 1's row selection and JSON output, and the loop body found from control flow."""

import json

import pytest

from bridge.cli import main
from bridge.control import control_registers
from bridge.table1 import ROWS, loop_body, loop_parts, make_task, open_body
from bridge.tasks import SUITES, reference_program
from neural import run
from neural.asm import NOOP, Line, Program, parse_program

# (head, test, back) and the loop step of each Table 1 reference program
EXPECTED = {
    "inc": (None, (1,), (1,)),
    "map_inc": ((0, 1, 5), (2, 3, 4), (2,)),
    "map_dec": ((0, 1, 5), (2, 3, 4), (2,)),
    "reduce": ((0, 1, 4), (2, 3), (2,)),
    "parity": ((0, 4, 5), (0, 1, 2, 3), (1, 2)),
    "fibonacci": ((1, 1, 5), (2, 3, 4), (2, 3)),
}


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", SUITES["table1"])
def test_loop_body_of_the_reference_programs(name):
    p = reference_program(name)
    parts, full, step = EXPECTED[name]
    assert loop_parts(p) == parts
    assert loop_body(p, "full") == full
    assert loop_body(p) == step


def test_loop_body_follows_the_labels_not_the_line_numbers():
    # map_inc with two NOOPs in front: the loop moves, the body moves with it
    src = """.machine M=10 R=5
.init r0=0 r2=@end r4=@loop
       NOOP
       NOOP
loop:  r1 = READ r0
       JEZ r1, r2
       r1 = INC r1
       WRITE r0, r1
       r0 = INC r0
       JMP r4
end:   STOP
"""
    p = parse_program(src)
    assert loop_parts(p) == (2, 3, 7)
    assert loop_body(p) == (4,) and loop_body(p, "full") == (4, 5, 6)


def test_open_body_pads_and_moves_the_labels():
    ref = reference_program("reduce")
    p, free = open_body(ref, (2,), pad=1)
    assert free == (2, 3) and p.lines[2] == p.lines[3] == Line(NOOP) and len(p) == len(ref) + 1
    filled = Program(p.M, p.R, p.init, (*p.lines[:2], ref.lines[2], Line(NOOP), *p.lines[4:]))
    mem = [0, 3, 4, 0, 0, 0, 0, 0]
    assert run(filled, mem, 64).mem[0] == run(ref, mem, 64).mem[0] == 7
    with pytest.raises(ValueError, match="exceed M=8"):
        open_body(reference_program("parity"), (1, 2), pad=1)


def test_rows_and_json(capsys, tmp_path):
    code, out, _ = run_cli(
        capsys, "table1", "--rows", "init loop skeleton", "init loop no-op", "--tasks", "inc",
        "--restarts", "2", "--steps", "25", "--workers", "1", "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out.strip().splitlines()[-1])
    assert set(data["rows"]) == {"init loop skeleton", "init loop no-op"}
    for row in data["rows"].values():
        assert set(row) == {"inc"} and 0.0 <= row["inc"] <= 1.0
    assert data["rows"]["init loop skeleton"]["inc"] == 1.0  # one INC in a hole: filled every time
    cells = [json.loads(line) for line in (tmp_path / "table1.jsonl").read_text().splitlines()]
    assert sorted(c["row"] for c in cells) == ["init loop no-op", "init loop skeleton"]


def test_unknown_row_is_refused_with_the_valid_ones(capsys, tmp_path):
    code, _, err = run_cli(capsys, "table1", "--rows", "init loop", "--out", str(tmp_path))
    assert code == 2 and "invalid choice: 'init loop'" in err
    assert all(repr(r) in err for r in ROWS) and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["map_inc", "map_dec", "reduce"])
def test_paper_like_lists_have_one_length_and_the_reference_solves_them(name):
    task = make_task(name, 16, 64, seed=0, paper_like=True)
    M = task.machine.M
    for ex in (task.train, task.test):
        start = 1 if name == "reduce" else 0
        assert (ex.inputs[:, start : start + M - 2] > 0).all() and (ex.inputs[:, start + M - 2 :] == 0).all()
        assert ex.passed(run(reference_program(name), ex.inputs, task.machine.T)).all()
    ours = make_task(name, 64, 4, seed=0)
    assert len({int((row > 0).sum()) for row in ours.train.inputs}) > 1  # ours: lengths vary


def test_free_heads_open_only_the_named_heads_and_free_ops_limit_the_op():
    import jax
    import numpy as np

    from neural.asm import VALUE_OPS
    from neural.compile import compile_program, decompile

    ref = reference_program("reduce")
    key = jax.random.PRNGKey(0)
    sharp = compile_program(ref, key, sharpness=10.0)
    w = compile_program(ref, key, free=(2,), free_heads=("op",), free_ops=tuple(VALUE_OPS), sharpness=10.0)
    for head in ("a", "b", "o", "init"):
        assert np.array_equal(getattr(w, head), getattr(sharp, head))
    assert np.array_equal(np.delete(np.asarray(w.op), 2, 0), np.delete(np.asarray(sharp.op), 2, 0))
    p = np.asarray(jax.nn.softmax(w.op[2]))
    allowed = np.isin(np.arange(p.size), sorted(VALUE_OPS))
    assert p[~allowed].max() < 1e-4 and p[allowed].max() < 0.5  # open, over the value ops only
    prog, _ = decompile(w, ref.M, ref.R)
    assert prog.lines[:2] == ref.lines[:2] and prog.lines[3:] == ref.lines[3:]


# registers a hole in the loop step may not write: the labels, and the loop register a fixed line steps
CONTROL = {
    "inc": set(),
    "map_inc": {0, 2, 4},
    "map_dec": {0, 2, 4},
    "reduce": {0, 3, 4},
    "parity": {0, 4, 5},
    "fibonacci": {0, 3, 4},
}


@pytest.mark.parametrize("name", SUITES["table1"])
def test_control_registers_of_the_reference_programs(name):
    p = reference_program(name)
    assert set(control_registers(p, loop_body(p))) == CONTROL[name]
    step = [i for i, ln in enumerate(p.lines) if ln.o == 0 and i not in loop_body(p) and ln.op in (2, 5)]
    if step:  # opened as a hole itself, the traversal update no longer shuts its register
        assert 0 not in control_registers(p, loop_body(p) + tuple(step))


def test_a_held_hole_keeps_its_kind_and_stays_off_the_control_registers():
    from dataclasses import replace

    from bridge.pipeline import SolveConfig, tune_holes
    from neural.asm import VALUE_OPS
    from neural.tune import TuneConfig

    task = make_task("fibonacci", 8, 8, seed=0)
    ref = reference_program("fibonacci")
    prog, free = open_body(ref, loop_body(ref))
    cfg = SolveConfig(tune=TuneConfig(steps=50), restarts=4)
    r = tune_holes(prog, free, task, cfg)
    for q in r.programs:
        for i in free:
            assert q.lines[i].op in VALUE_OPS and q.lines[i].o not in CONTROL["fibonacci"]
            assert q.lines[i].a not in (3, 4) and q.lines[i].b not in (3, 4)
    with pytest.raises(ValueError, match="protect must be one of"):
        tune_holes(prog, free, task, replace(cfg, holes=replace(cfg.holes, protect="some")))


def test_fill_holes_op_holds_the_registers_line_opens_them():
    import numpy as np

    from bridge.pipeline import HoleTuning, SolveConfig
    from bridge.table1 import fill_holes
    from neural.tune import tune

    masks = []

    def tuner(*args, trainable=None):
        masks.append(trainable)
        return tune(*args, trainable=trainable)

    task = make_task("reduce", 8, 8, seed=0)
    ref = reference_program("reduce")
    cfg = SolveConfig(restarts=3)
    r, free = fill_holes(ref, (2, 3), task, cfg, tuner, HoleTuning(steps=5, heads="op"))
    assert free == (2, 3)
    m = masks[-1]
    assert np.asarray(m.op)[[2, 3]].any() and not np.asarray(m.op)[[0, 1, 4, 5, 6]].any()
    for head in (m.a, m.b, m.o):  # "op": only the op trains, the registers stay as compiled
        assert not np.asarray(head).any()
    for q in r.programs:
        assert [(q.lines[i].a, q.lines[i].b, q.lines[i].o) for i in free] == [
            (ref.lines[i].a, ref.lines[i].b, ref.lines[i].o) for i in free
        ]
        assert all(q.lines[i] == ref.lines[i] for i in range(len(ref)) if i not in free)
    r, free = fill_holes(ref, (2,), task, cfg, tuner, HoleTuning(steps=5), pad=1)
    assert free == (2, 3) and np.asarray(masks[-1].o)[[2, 3]].any()  # "line": a blank line and a pad, open
