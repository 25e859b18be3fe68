"""The version space: e-classes of the skeletons found, ranked, re-ranked by feedback."""

import pytest

from synth import SynthConfig, execute, synthesize


def test_classes_are_sound_and_ranked(task):
    t = task("fibonacci")
    vs = synthesize(t.train, 8, cfg=SynthConfig(max_cost=13))
    assert vs.stats.unsound_merges == 0 and vs.stats.saturated
    assert vs.solutions and vs.classes[vs.solutions[0]].correct
    ranked = vs.ranking()
    assert ranked[: len(vs.solutions)] == vs.solutions  # complete skeletons first
    for i in vs.solutions:
        c = vs.classes[i]
        for m in c.members:
            assert (execute(m.term, t.train.inputs, 8) == execute(c.best, t.train.inputs, 8)).all()
    assert len(vs.alternatives(vs.solutions[0], 3)) >= 1


def test_feedback_moves_a_class_and_its_relatives_down(task):
    t = task("reduce")
    vs = synthesize(t.train, 8, cfg=SynthConfig(max_cost=9))
    order = vs.ranking()
    assert len(order) > 1
    first = order[0]
    moved = vs.feedback(first, 5.0)
    assert first in moved and vs.ranking().index(first) > 0
    assert vs.scores()[first] < vs._base[first]


def test_graded_feedback_spares_a_near_miss_and_moves_its_relatives(task):
    t = task("reduce")
    vs = synthesize(t.train, 8, cfg=SynthConfig(max_cost=8, holes=True, solve_cost=1))
    ((first, _),) = vs.top(1, complete=False)
    base = vs.scores().copy()
    # tuning got nowhere: the class drops by the whole penalty, its relatives by a share,
    # and a structure of another shape comes next
    kin = vs.feedback(first, 10.0, near=0.0)[1:]
    assert len(kin) > 1 and vs.scores()[first] == base[first] - 10.0
    assert (vs.scores()[kin] < base[kin]).all()
    ((after_hopeless, _),) = vs.top(1, exclude={first}, complete=False)
    assert after_hopeless not in kin
    # a near miss: the class drops less, its relatives rise, and one of them comes next
    vs.adjustment[:] = 0.0
    assert vs.feedback(first, 10.0, near=0.9)[1:] == kin
    assert vs.scores()[first] == pytest.approx(base[first] - 1.0)
    assert (vs.scores()[kin] > base[kin]).all()
    ((after_near, _),) = vs.top(1, exclude={first}, complete=False)
    assert after_near in kin
    with pytest.raises(ValueError, match="near"):
        vs.feedback(first, 10.0, near=1.5)


def test_holes_rank_after_complete_skeletons(task):
    t = task("reduce")
    vs = synthesize(t.train, 8, cfg=SynthConfig(max_cost=8, holes=True, solve_cost=1))
    kinds = [vs.classes[i].correct for i in vs.ranking()]
    assert kinds == sorted(kinds, reverse=True) and True in kinds and False in kinds
    assert vs.top(10, holes=False) == [(i, vs.classes[i].best) for i in vs.solutions[:10]]


def test_a_smaller_hole_ranks_before_a_larger_one(task):
    t = task("reduce")
    vs = synthesize(t.train, 8, cfg=SynthConfig(max_cost=7, holes=True))
    ranked = [str(term) for _, term in vs.top(len(vs.classes), complete=False)]
    fold = "a ← 0; for i, x in list@1 {{ a ← {}(a, x) }}; mem[0] ← a"
    assert ranked.index(fold.format("?0")) < ranked.index(fold.format("?0:2"))
