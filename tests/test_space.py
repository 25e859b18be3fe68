"""The version space: e-classes of the skeletons found, ranked, re-ranked by feedback."""

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


def test_holes_rank_after_complete_skeletons(task):
    t = task("reduce")
    vs = synthesize(t.train, 8, cfg=SynthConfig(max_cost=8, holes=True, solve_cost=1))
    kinds = [vs.classes[i].correct for i in vs.ranking()]
    assert kinds == sorted(kinds, reverse=True) and True in kinds and False in kinds
    assert vs.top(10, holes=False) == [(i, vs.classes[i].best) for i in vs.solutions[:10]]
