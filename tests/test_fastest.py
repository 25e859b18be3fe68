"""``solve --fastest``: synthesis proposes fast loops, ranked by measured train steps."""

import dataclasses

import pytest

from bridge.lower import LoweringError, lower
from bridge.pipeline import Budget, SolveConfig, SolveResult, fastest_programs, solve, synth_seeds, synthesize_for
from bridge.tasks import BUILTINS
from neural import Examples, run
from synth import SynthConfig, enumerate_programs, execute, synthesize

FAST = SolveConfig(fastest=True)


@pytest.fixture(scope="module")
def increment():
    """Biased increment (every element equal, the list fills memory) and its version space."""
    t = BUILTINS["increment"].task(seed=0, biased=True)
    return t, synthesize_for(t, FAST)


def test_a_count_down_from_a_constant_with_the_value_computed_once_is_found(increment):
    # the hand-written optimum: read once, write from the last cell down (25 steps)
    t, vs = increment
    ranked = fastest_programs(t, FAST, vs)
    assert ranked[0].train_steps == 25.0
    assert ranked[0].skeleton == "a ← inc(mem[0]); p ← 5; do { mem[p] ← a } while p ≠ 0, p ← dec(p)"
    assert [r.train_steps for r in ranked] == sorted(r.train_steps for r in ranked)
    assert any(r.train_steps == 39.0 for r in ranked)  # the generic walk is among them


def test_fastest_selects_on_the_train_examples_only(increment):
    t, vs = increment
    wrong = dataclasses.replace(t.test, outputs=(t.test.outputs + 1) % t.machine.M)  # every test target wrong
    bad = dataclasses.replace(t, test=wrong)
    r = solve(bad, "synth", FAST, space=vs)
    good = solve(t, "synth", FAST, space=vs)
    assert r.program == good.program and good.solved and good.mean_steps == 25.0
    assert not r.solved and r.test_correct == 0  # the test examples only report


def test_constant_loop_starts_reach_cells_no_cheap_expression_names():
    # mem[0..4] <- 1 on M = 8: a count from 5 (no cell holds 5; as an expression it costs 3)
    M = 8
    X = [[0] * M for _ in range(4)]
    for k, row in enumerate(X):
        row[5:] = [k + 1, 7 - k, k]
    Y = [[1] * 5 + row[5:] for row in X]
    ex = Examples.stack([(x, y, [True] * M) for x, y in zip(X, Y)])
    r = enumerate_programs(ex, M, cfg=SynthConfig(max_cost=6, stop_when_solved=False))
    found = [str(c.term) for c in r.solutions]
    assert "repeat c ← 5 times { mem[dec(c)] ← 1 }" in found
    for c in r.solutions:
        assert ex.correct(execute(c.term, ex.inputs, M)).all()


def test_synth_seeds_are_the_fastest_proposals_ranked_on_every_train_example():
    b = BUILTINS["access"]
    t = b.task(n_train=32, seed=0, biased=True)  # k = 3 always: mem[0] ← mem[4] is right
    seeds = synth_seeds(t, 2, SolveConfig(synth=SynthConfig(extra_levels=1)), n_synth=8)
    assert 1 <= len(seeds) <= 2 and seeds[0].train_steps == 3.0  # READ, WRITE, STOP: as by hand
    assert [s.train_steps for s in seeds] == sorted(s.train_steps for s in seeds)
    for s in seeds:
        res = run(s.program, t.train.inputs, t.machine.T)
        assert t.train.passed(res).all() and float(res.steps.mean()) == s.train_steps


def test_fastest_judges_at_most_the_cap_and_picks_the_fastest_of_those(increment):
    t, vs = increment
    m, lc, cap = t.machine, FAST.lower, 3
    out = SolveResult(t.name, "synth", False, None, 0, len(t.test), 0.0)
    ranked = fastest_programs(t, dataclasses.replace(FAST, fastest_judged=cap), vs, out)
    # the same by hand: the first `cap` distinct programs in rank order, each run alone
    judged: list = []
    for i in vs.solutions:
        try:
            low = lower(vs.classes[i].best, m.M, max(lc.R_max, m.R), m.op_codes, lc.pad, R_min=m.R)
        except LoweringError:
            continue
        if low.program not in judged:
            judged.append(low.program)
        if len(judged) == cap:
            break
    runs = [run(p, t.train.inputs, m.T) for p in judged]
    steps = sorted(float(r.steps.mean()) for r in runs if t.train.passed(r).all())
    assert len(judged) == cap and 1 <= len(ranked) == len(steps)
    assert [r.train_steps for r in ranked] == steps
    assert all(r.program in judged for r in ranked)
    # every lowered skeleton is scored on train and test (a duplicate from its program)
    lowered = [tr for tr in out.trials if tr.lowered]
    assert len(lowered) == out.skeletons_tried >= cap
    assert all(tr.train_correct is not None and tr.test_correct is not None for tr in lowered)


def test_fastest_stops_lowering_at_the_deadline_but_judges_one(increment):
    """A spent budget: the first lowered program is still judged, no further skeleton is
    lowered (there are many: lowering them all takes seconds on larger tasks)."""
    t, vs = increment
    full, cut = (
        SolveResult(t.name, "synth", False, None, 0, 0, 0.0),
        SolveResult(t.name, "synth", False, None, 0, 0, 0.0),
    )
    assert len(fastest_programs(t, FAST, vs, full)) > 1 and full.skeletons_tried > 1
    ranked = fastest_programs(t, FAST, vs, cut, Budget(0.0))
    assert cut.skeletons_tried == 1 and len(ranked) <= 1
    assert cut.trials[0].skeleton == full.trials[0].skeleton


def test_fastest_programs_are_distinct(increment):
    t, vs = increment
    ranked = fastest_programs(t, FAST, vs)
    assert len({r.program for r in ranked}) == len(ranked) > 1


def test_skeletons_past_the_merge_cap_are_classes_of_their_own():
    t = BUILTINS["access"].task(n_train=8, seed=0, biased=True)
    cfg = SynthConfig(extra_levels=3)
    full = synthesize(t.train, t.machine.M, cfg=cfg)
    capped = synthesize(t.train, t.machine.M, cfg=cfg, merge=1)
    # one e-class from the first skeleton, then one class per skeleton found
    assert len(capped.classes) == capped.stats.inserted_terms == full.stats.inserted_terms > 1
    assert all(len(c.members) == 1 and str(c.best) == str(c.members[0].term) for c in capped.classes[1:])
    members = sorted(str(m.term) for c in full.classes for m in c.members)
    assert sorted(str(m.term) for c in capped.classes for m in c.members) == members
