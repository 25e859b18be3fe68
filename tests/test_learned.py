import numpy as np
import pytest

from bridge.tasks import BUILTINS
from synth.lang import EXPR_OPS, STMT_OPS
from synth.learned import (
    LABELS,
    LearnedHeuristic,
    TrainConfig,
    generate,
    labels_of,
    load,
    predict,
    prune,
    save,
    train,
    training_data,
)
from synth.search import SynthConfig, enumerate_programs
from synth.semantics import execute as run


def test_labels_cover_every_construct_of_the_language():
    # derived from synth.lang: a construct added there without a label here fails this
    constructs = set(EXPR_OPS) | set(STMT_OPS)
    assert set(LABELS) == constructs, (sorted(constructs - set(LABELS)), sorted(set(LABELS) - constructs))
    assert len(LABELS) == len(set(LABELS))


def test_generated_tasks_use_every_construct_but_holes():
    # every label but "hole" (no semantics: no example can show one) is positive on some
    # synthetic task, so the model learns each construct, do-loops included
    samples = generate(400, seed=5, sizes=(8, 12))
    seen = {op for s in samples for op, v in zip(LABELS, s.labels) if v}
    assert seen == set(LABELS) - {"hole"}, sorted(set(LABELS) - seen)
    assert all((s.labels == labels_of(s.term)).all() for s in samples)
    assert {s.M for s in samples} == {8, 12}
    assert all(s.inputs.shape[1] == s.M for s in samples)


def test_prune_drops_statements_without_effect_and_keeps_the_behaviour():
    from synth.lang import assign, cell, const, for_list, par, seq, var, write

    M = 8
    X = np.array([[3, 1, 2, 0, 0, 0, 0, 0], [5, 0, 0, 0, 0, 0, 0, 0]])
    live = write(const(7), cell(0))
    dead = for_list("i", "x", const(4), par(assign("a", var("x")), write(var("i"), var("x"))))  # mem[i] ← mem[i]
    t = seq(assign("b", const(1)), dead, live)
    Y = run(t, X, M)
    p = prune(t, X, Y, M)
    assert p == live and (run(p, X, M) == Y).all()
    assert labels_of(p)[LABELS.index("for")] == 0 and labels_of(t)[LABELS.index("for")] == 1


def test_generated_skeletons_are_pruned():
    for s in generate(40, seed=2, sizes=(8,)):
        assert (run(s.term, s.inputs, 8, fuel=32) == s.outputs).all()
        assert prune(s.term, s.inputs, s.outputs, 8) == s.term


def test_generator_is_deterministic_per_seed():
    a, b, c = generate(60, seed=3), generate(60, seed=3), generate(60, seed=4)
    assert [str(s.term) for s in a] == [str(s.term) for s in b]
    assert all((x.inputs == y.inputs).all() and (x.outputs == y.outputs).all() for x, y in zip(a, b))
    assert [str(s.term) for s in a] != [str(s.term) for s in c]
    assert len({s.key for s in a}) == len(a)  # deduplicated by behaviour
    assert all((s.outputs != s.inputs).any() for s in a)  # non-trivial


def test_excluded_tasks_stay_out_of_training():
    task = BUILTINS["map_inc"].task(n_train=16, seed=0)
    ex = [(task.train.inputs, task.train.outputs, task.train.mask)]
    for s in generate(300, seed=0, exclude=ex):
        assert not ((run(s.term, task.train.inputs, 8) == task.train.outputs) | ~task.train.mask).all()


@pytest.fixture(scope="module")
def tiny_model():
    samples = generate(300, seed=1)
    cfg = TrainConfig(hidden=32, steps=60, seed=1)
    model, curve = train(samples, cfg)
    return model, cfg, curve


def test_training_lowers_the_loss(tiny_model):
    import jax
    import optax

    from synth.learned import Model, features

    model, cfg, _ = tiny_model
    samples = generate(300, seed=1)
    X = np.stack([features(s.inputs, s.outputs, s.mask, 8) for s in samples])
    Y = np.stack([s.labels for s in samples])
    bce = lambda m: float(optax.sigmoid_binary_cross_entropy(jax.vmap(m)(X), Y).mean())
    assert bce(model) < bce(Model(jax.random.PRNGKey(cfg.seed), cfg.hidden)) - 0.05


def test_model_round_trips_through_save_and_load(tiny_model, tmp_path):
    model, cfg, _ = tiny_model
    save(model, cfg, tmp_path / "h.eqx", {"n": 300, "seed": 1, "sizes": [8]})
    back = load(tmp_path / "h.eqx")
    assert training_data(tmp_path / "h.eqx") == {"n": 300, "seed": 1, "sizes": [8]}
    task = BUILTINS["reduce"].task(n_train=8, seed=0)
    args = (task.train.inputs, task.train.outputs, task.train.mask, 8)
    assert np.allclose(predict(model, *args), predict(back, *args))
    assert predict(back, *args).shape == (len(LABELS),)


def test_load_rejects_a_bad_weights_file(tiny_model, tmp_path):
    model, cfg, _ = tiny_model
    save(model, cfg, tmp_path / "h.eqx")
    (tmp_path / "h.eqx").write_bytes(b"not an array file")
    with pytest.raises(ValueError, match="not a synthdiff heuristic model"):
        load(tmp_path / "h.eqx")


def test_load_rejects_a_model_for_other_labels(tiny_model, tmp_path):
    import json

    model, cfg, _ = tiny_model
    save(model, cfg, tmp_path / "h.eqx")
    meta = json.loads((tmp_path / "h.eqx.json").read_text())
    meta["labels"] = [op for op in meta["labels"] if op != "do"]  # a model from before do-loops
    (tmp_path / "h.eqx.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="other labels"):
        load(tmp_path / "h.eqx")


def test_generate_rejects_bad_sizes():
    with pytest.raises(ValueError, match="memory sizes"):
        generate(5, seed=0, sizes=(99,))


def test_load_rejects_a_bad_config(tmp_path):
    (tmp_path / "h.eqx").write_bytes(b"junk")
    (tmp_path / "h.eqx.json").write_text("{not json")
    with pytest.raises(ValueError, match="not a synthdiff heuristic config"):
        load(tmp_path / "h.eqx")


def test_learned_heuristic_plugs_into_enumeration(tiny_model):
    model, _, _ = tiny_model
    task = BUILTINS["map_inc"].task(n_train=16, seed=0)
    h = LearnedHeuristic(model, 8)
    costs = h.costs(task.train)
    assert set(costs) == set(LABELS) and min(costs.values()) == 1
    r = enumerate_programs(task.train, 8, h, SynthConfig(max_cost=12))
    assert r.solutions
