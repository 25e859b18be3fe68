"""Adaptation: pruning keeps runs, rounds only ever keep correct programs and never get slower."""

import math
from pathlib import Path

import numpy as np
import pytest

from bridge.tasks import BUILTINS, reference_program
from neural import Line, Program, parse_program, run
from neural.adapt import AdaptConfig, adapt, cut_T, delete_line, mean_steps, prune, shorten
from neural.asm import INC, JEZ, NOOP, READ, STOP, WRITE
from neural.tune import TuneConfig


def _access():
    b = BUILTINS["access"]
    m = b.machine
    return b, m, m.soft()


def test_prune_turns_unreached_lines_into_stop_and_keeps_runs():
    # jump over line 2 when mem[0] == 0; lines after the STOP are junk
    lines = (
        Line(READ, 0, 0, 1),
        Line(JEZ, 1, 2),
        Line(INC, 1, 0, 1),
        Line(WRITE, 0, 1),
        Line(STOP),
        Line(INC, 0, 0, 0),
        Line(WRITE, 1, 0),
    )
    p = Program(8, 3, (0, 0, 3), lines)
    inputs = np.array([[0, 5, 1, 0, 0, 0, 0, 0], [0, 2, 0, 0, 0, 0, 0, 0]])  # mem[0] = 0: line 2 never runs
    ex = type("Ex", (), {"inputs": inputs})
    q = prune(p, ex, T=20)
    assert q.lines == (lines[0], lines[1], Line(STOP), lines[3], lines[4])
    a, b = run(p, inputs, 20), run(q, inputs, 20)
    assert (a.mem == b.mem).all() and (a.steps == b.steps).all()
    other = np.array([[3, 1, 1, 1, 1, 1, 1, 1]])  # reaches line 2: behaviour may differ there
    assert not (run(p, other, 20).mem == run(q, other, 20).mem).all()


def test_adapt_keeps_only_correct_programs_and_never_slows_down():
    b, m, machine = _access()
    train, test = b.generate(32, 0, biased=True), b.generate(128, 1, biased=True)
    cfg = AdaptConfig(
        restarts=8,
        rounds=2,
        noise=(0.01, 3.0),
        delete_noise=(0.01,),
        tune=TuneConfig(steps=50, efficiency=0.05, keep_best=True),
    )
    generic = reference_program("access")
    res = adapt(generic, machine, train, test, cfg)
    out = run(res.best, test.inputs, m.T)
    assert ((out.mem == test.outputs) | ~test.mask).all()
    assert res.best_steps == pytest.approx(mean_steps(res.best, test, m.T))
    assert res.start_steps == mean_steps(generic, test, m.T)
    assert res.best_steps <= res.start_steps
    assert 1 <= len(res.rounds) <= cfg.rounds
    for r in res.rounds:
        assert r.best_steps <= min(r.starts) and 0.0 <= r.faster <= r.recovered <= 1.0


def test_adapt_is_deterministic_and_checks_its_config():
    b, _m, machine = _access()
    train, test = b.generate(16, 0, biased=True), b.generate(64, 1, biased=True)
    cfg = AdaptConfig(
        restarts=4, rounds=1, noise=(1.0, 3.0), tune=TuneConfig(steps=25, efficiency=0.05, keep_best=True)
    )
    runs = [adapt(reference_program("access"), machine, train, test, cfg) for _ in range(2)]
    assert runs[0].best == runs[1].best and runs[0].rounds[0].faster == runs[1].rounds[0].faster
    with pytest.raises(ValueError, match="restarts"):
        adapt(reference_program("access"), machine, train, test, AdaptConfig(restarts=2, noise=(0.1, 1.0, 3.0)))


@pytest.mark.parametrize("name", ["addition", "listk", "sort"])
def test_deleting_an_inserted_noop_gives_back_the_program(name):
    text = (Path(__file__).parent.parent / "bridge" / "programs" / f"{name}.asm").read_text().splitlines()
    body = [i for i, ln in enumerate(text) if ln.strip() and not ln.lstrip().startswith((";", "."))]
    p = parse_program("\n".join(text))
    # a NOOP before line j >= 1 (sort's r9 = @outer = 0 is also data, so not before line 0):
    # labels of lines from j on move down one in the text, and delete_line moves them back
    for j, at in list(enumerate(body))[1:]:
        with_noop = parse_program("\n".join([*text[:at], "NOOP", *text[at:]]))
        assert with_noop.lines[j] == Line(NOOP) and with_noop != p
        assert delete_line(with_noop, j) == p


def test_shorten_removes_dead_lines_and_nothing_needed():
    b, m, _ = _access()
    test = b.generate(128, 1, biased=True)
    generic = reference_program("access")
    lines = (*generic.lines[:2], Line(NOOP), *generic.lines[2:])
    padded = Program(generic.M, generic.R, generic.init, lines)
    assert mean_steps(padded, test, m.T) == mean_steps(generic, test, m.T) + 1
    assert shorten(padded, test, m.T) == (
        generic,
        mean_steps(generic, test, m.T),
    )  # every other line is needed for k = 3


def test_adapt_refuses_an_op_outside_the_instruction_set_in_one_line(capsys, tmp_path):
    from bridge.cli import main

    # map_inc's loop ends in JMP, which ANC's instruction set (increment's) does not have
    text = (Path(__file__).parent.parent / "bridge" / "programs" / "map_inc.asm").read_text()
    f = tmp_path / "jmp.asm"
    f.write_text(text.replace("M=8", "M=7"))
    code = main(["adapt", str(f), "--task", "increment", "--restarts", "4", "--rounds", "1", "--steps", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "uses op JMP, which is not in the instruction set" in err and "'increment'" in err
    b = BUILTINS["increment"]
    ex = b.generate(4, 0)
    with pytest.raises(ValueError, match="line 5 uses op JMP"):
        adapt(parse_program(f.read_text()), b.machine.soft(), ex, ex, AdaptConfig(restarts=4))


def test_the_soft_machine_simulates_the_longest_start_run_plus_a_margin():
    b = BUILTINS["sort"]
    m = b.machine
    ex = b.generate(64, 0, biased=True)
    generic = reference_program("sort")
    longest = int(run(generic, ex.inputs, m.T).steps.max())
    soft_T = cut_T([generic], [ex], m.T, 0.25)
    assert longest < soft_T < m.T
    assert soft_T == math.ceil(1.25 * longest) + 2
    assert cut_T([generic], [ex], m.T, None) == m.T
    assert cut_T([generic], [ex], 20, 0.25) == 20  # never more than the task's T


def test_adapt_starts_from_seeds_too_and_leaves_out_wrong_ones():
    b, m, machine = _access()
    train, test = b.generate(16, 0, biased=True), b.generate(64, 1, biased=True)
    tune = TuneConfig(steps=5, efficiency=0.05, keep_best=True)
    cfg = AdaptConfig(restarts=4, rounds=1, noise=(0.01, 1.0), tune=tune)
    fast = reference_program("access", biased=True)  # 3 steps on k = 3
    wrong = Program(fast.M, fast.R, (0, 5), fast.lines)  # reads mem[5]
    res = adapt(reference_program("access"), machine, train, test, cfg, seeds=[fast, wrong])
    assert res.seed_steps == [3.0, math.inf]
    assert res.best_steps == 3.0 and res.start_steps == 5.0
    assert res.T == math.ceil(5 * 1.25) + 2 < m.T  # the generic program's 5 steps are the longest run
