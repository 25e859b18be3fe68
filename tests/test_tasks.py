import numpy as np
import pytest

from bridge.tasks import BUILTINS, SUITES, reference_program
from neural import run

CASES = [(n, False) for n in BUILTINS] + [(n, True) for n, b in BUILTINS.items() if b.biased]


@pytest.mark.parametrize("name, biased", CASES)
def test_reference_program_solves_2000_samples(name, biased):
    b = BUILTINS[name]
    p = reference_program(name)
    assert (p.M, p.R) == (b.machine.M, b.machine.R)
    ex = b.generate(2000, seed=123, biased=biased)
    res = run(p, ex.inputs, b.machine.T)
    assert res.halted.all(), f"{name}: reference timed out within T={b.machine.T}"
    assert ex.correct(res.mem).all()


@pytest.mark.parametrize("name", list(BUILTINS))
def test_generators_are_seeded_and_in_range(name):
    b = BUILTINS[name]
    a, c = b.generate(50, seed=7), b.generate(50, seed=7)
    assert np.array_equal(a.inputs, c.inputs) and np.array_equal(a.outputs, c.outputs)
    assert not np.array_equal(a.inputs, b.generate(50, seed=8).inputs)
    M = b.machine.M
    for arr in (a.inputs, a.outputs):
        assert arr.shape == (50, M) and arr.min() >= 0 and arr.max() < M
    assert a.mask.any(axis=1).all()


def test_a_wrong_program_is_caught():
    # map_dec's program judged on map_inc's examples: the judge must say no.
    ex = BUILTINS["map_inc"].generate(100, seed=0)
    res = run(reference_program("map_dec"), ex.inputs, 48)
    assert not ex.correct(res.mem).any()


def test_task_train_and_test_are_independent_and_deterministic():
    t1, t2 = BUILTINS["reduce"].task(seed=3), BUILTINS["reduce"].task(seed=3)
    assert np.array_equal(t1.test.inputs, t2.test.inputs)
    assert not np.array_equal(t1.train.inputs, t1.test.inputs[: len(t1.train)])


def test_suites_cover_the_twelve_tasks():
    assert set(SUITES["table1"]) == {"inc", "map_inc", "map_dec", "reduce", "parity", "fibonacci"}
    assert set(SUITES["anc"]) == {"access", "increment", "swap", "listk", "addition", "sort"}


def test_biased_distributions_match_anc():
    ex = BUILTINS["access"].generate(20, seed=0, biased=True)
    assert (ex.inputs[:, 0] == 3).all()
    ex = BUILTINS["swap"].generate(20, seed=0, biased=True)
    assert (ex.inputs[:, 0] == 0).all() and (ex.inputs[:, 1] == 2).all()
    ex = BUILTINS["increment"].generate(20, seed=0, biased=True)
    assert (ex.inputs[:, :-1] == ex.inputs[:, :1]).all() and (ex.inputs[:, -1] == 0).all()
    ex = BUILTINS["listk"].generate(20, seed=0, biased=True)
    assert (ex.inputs[:, 0] == 3).all()
    ex = BUILTINS["sort"].generate(20, seed=0, biased=True)
    assert (ex.mask.sum(1) == 3).all() and (ex.inputs[:, 2] >= ex.inputs[:, :2].max(1)).all()


@pytest.mark.parametrize("name", SUITES["anc"])
def test_biased_optimal_programs_solve_their_distribution(name):
    b = BUILTINS[name]
    p = reference_program(name, biased=True)
    ex = b.generate(2000, seed=9, biased=b.biased is not None)
    res = run(p, ex.inputs, b.machine.T)
    assert ex.correct(res.mem).all()
    generic = run(reference_program(name), ex.inputs, b.machine.T)
    assert res.steps.mean() < generic.steps.mean()


@pytest.mark.parametrize("name", list(BUILTINS))
def test_programs_use_only_the_task_instruction_set(name):
    from neural import INSTRUCTION_SETS

    allowed = set(INSTRUCTION_SETS[BUILTINS[name].machine.ops])
    for biased in (False, True) if BUILTINS[name].suite == "anc" else (False,):
        p = reference_program(name, biased)
        assert p.ops_used() <= allowed, p
        assert (p.M, p.R) == (BUILTINS[name].machine.M, BUILTINS[name].machine.R)
