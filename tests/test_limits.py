"""Bounds and estimates: generators on the smallest machines they accept, memory estimates
against what XLA allocates, names that cannot become paths."""

import json

import numpy as np
import pytest

from bridge import limits
from bridge.cli import main
from bridge.suite import file_name
from bridge.tasks import BUILTINS


@pytest.mark.parametrize("name", list(BUILTINS))
def test_generators_fill_their_smallest_machine_and_refuse_smaller(name):
    b = BUILTINS[name]
    for M in (b.min_M, b.min_M + 1, b.min_M + 7):
        for biased in (False, True) if b.biased else (False,):
            t = b.task(n_train=1, n_test=300, seed=M, M=M, biased=biased)
            ex = t.test
            assert ex.inputs.shape == (300, M) and ex.inputs.min() >= 0 and ex.inputs.max() < M
            assert ex.outputs.min() >= 0 and ex.outputs.max() < M and ex.mask.any(axis=1).all()
    if b.min_M > 2:
        with pytest.raises(ValueError, match=f"needs M >= {b.min_M}"):
            b.task(M=b.min_M - 1)


@pytest.mark.parametrize("shape", [(6, 8, 8, 5, 24), (4, 4, 21, 10, 16)])
def test_tuning_estimate_covers_what_xla_allocates(shape):
    """The estimate must not fall below XLA's own buffer analysis of a chunk of Adam steps,
    nor overshoot it by more than 2x (then it would refuse work that fits)."""
    import jax
    import jax.numpy as jnp

    from neural.compile import random_weights
    from neural.machine import SoftMachine
    from neural.tune import TuneConfig, adam_steps, line_mask, stack

    K, B, M, R, T = shape
    ops = tuple(range(13))
    w = stack([random_weights(k, M, R, ops) for k in jax.random.split(jax.random.PRNGKey(0), K)])
    cfg = TuneConfig()
    data = (jnp.zeros((B, M, M)), jnp.zeros((B, M), jnp.int32), jnp.zeros((B, M)), line_mask(w, range(M)))
    opt = cfg.transform()
    state = jax.vmap(opt.init)(w)
    compiled = adam_steps.lower(w, state, SoftMachine(M, R, T, ops), *data, cfg.objective(), opt, 25).compile()
    ma = compiled.compiled.memory_analysis()
    xla = ma.temp_size_in_bytes + ma.argument_size_in_bytes + ma.output_size_in_bytes
    est = limits.tuning_bytes(K, B, M, R, T, steps=25)
    assert xla <= est <= 2 * xla, (xla, est)


def test_memory_budget_follows_the_environment(monkeypatch):
    monkeypatch.setenv(limits.MEMORY_VAR, "3G")
    assert limits.memory_budget() == 3 << 30
    monkeypatch.setenv(limits.MEMORY_VAR, "1.5T")
    assert limits.memory_budget() == int(1.5 * (1 << 40))
    monkeypatch.delenv(limits.MEMORY_VAR)
    assert 0 < limits.memory_budget() <= np.iinfo(np.int64).max


@pytest.mark.parametrize(
    "name, safe",
    [("../../x/pwn", "x_pwn"), ("/etc/passwd", "etc_passwd"), ("..", "suite"), ("", "suite"), ("a b\nc", "a_b_c")],
)
def test_a_suite_name_is_a_file_name(name, safe):
    assert file_name(name) == safe


def test_batch_writes_a_hostile_suite_name_under_results(tmp_path, monkeypatch, capsys):
    suite = {"suite": "../../x/pwn", "tasks": [{"name": "inc", "builtin": "inc", "n_test": 8}]}
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "s.json").write_text(json.dumps(suite))
    monkeypatch.chdir(tmp_path / "work")
    assert main(["batch", "s.json", "--method", "synth", "--workers", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["out"] == "results/x_pwn.jsonl"
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["work/results/x_pwn.jsonl", "work/s.json"]
