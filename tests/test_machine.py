"""The differentiable machine against the discrete interpreter, and its numerics."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neural import Line, Program, run_one
from neural.asm import OPS, STOP
from neural.compile import compile_program, decompile, random_weights, to_dists
from neural.machine import SoftMachine, one_hot_dists
from tests.strategies import programs

M, R, T = 6, 3, 14
MACHINES = {impl: SoftMachine(M, R, T, impl=impl) for impl in ("matmul", "closed")}
RUN = {impl: eqx.filter_jit(m) for impl, m in MACHINES.items()}


@given(programs(M=M, R=R), st.lists(st.lists(st.integers(0, M - 1), min_size=M, max_size=M), min_size=4, max_size=4))
@settings(max_examples=150, deadline=None)
def test_one_hot_program_is_exact(p, inputs):
    d = one_hot_dists(p)
    for impl, run in RUN.items():
        out = run(d, jax.nn.one_hot(jnp.asarray(inputs), M))
        for i, mem in enumerate(inputs):
            ref = run_one(p, mem, T)
            # every distribution is exactly one-hot: no rounding anywhere
            assert np.array_equal(np.asarray(out.mem[i]), np.eye(M)[ref.mem]), impl
            assert np.array_equal(np.asarray(out.regs[i]), np.eye(M)[ref.regs]), impl
            assert float(out.halted[i]) == float(ref.halted)
            assert float(out.steps[i]) == int(ref.steps)  # halting step; T on a timeout


def test_exact_on_a_loop_that_times_out():
    p = Program(M, R, (0, 0, 0), (Line(2, 0, 0, 0), Line(12, 0, 1, 0)))  # r0 += 1; JMP r1 (=0)
    out = RUN["matmul"](one_hot_dists(p), jax.nn.one_hot(jnp.zeros((1, M), int), M))
    ref = run_one(p, [0] * M, T)
    assert not ref.halted and float(out.halted[0]) == 0.0 and float(out.steps[0]) == T
    assert np.array_equal(np.asarray(out.regs[0]), np.eye(M)[ref.regs])


def test_bad_shapes_are_named():
    m, d = MACHINES["matmul"], one_hot_dists(Program(M, R, (0, 0, 0), (Line(STOP),)))
    with pytest.raises(ValueError, match=r"memory must be \(B, 6, 6\), got \(6, 6\)"):
        m(d, jnp.eye(M))
    with pytest.raises(ValueError, match=r"target must be \(B, M\) = \(2, 6\), got \(6,\)"):
        m.score(d, jnp.broadcast_to(jnp.eye(M), (2, M, M)), jnp.zeros(M, int))


def test_a_batch_runs_each_example_as_alone():
    # the examples share no state: each one's run is the same in a batch as on its own
    m, d = MACHINES["matmul"], random_soft(5)
    mem = jax.nn.one_hot(jnp.asarray(np.random.default_rng(0).integers(M, size=(5, M))), M)
    whole = m(d, mem)
    for i in range(5):
        alone = m(d, mem[i : i + 1])
        for a, b in zip(whole, alone):
            np.testing.assert_allclose(np.asarray(a[i]), np.asarray(b[0]), rtol=1e-6, atol=1e-7)


def random_soft(seed, M=M, R=R):
    return to_dists(random_weights(jax.random.PRNGKey(seed), M, R))


def test_gradients_finite_for_random_parameters():
    m = MACHINES["matmul"]
    mem = jax.nn.one_hot(jnp.arange(M)[None] % M, M)

    def loss(w):
        out = m(to_dists(w), mem)
        return -jnp.log(out.mem[:, 0, 1] + 1e-9).mean() + out.running.mean() + (1 - out.halted).mean()

    seeds = jnp.arange(64)
    ws = jax.vmap(lambda s: random_weights(jax.random.PRNGKey(s), M, R))(seeds)
    ws = jax.tree.map(lambda x: x * 30.0, ws)  # very sharp logits too
    grads = jax.vmap(jax.grad(loss))(ws)
    for g in jax.tree.leaves(grads):
        assert np.isfinite(np.asarray(g)).all()


def test_probability_mass_is_preserved_over_long_runs():
    m = SoftMachine(M, R, 400)
    d = random_soft(3)
    out = m(d, jax.nn.one_hot(jnp.arange(2 * M).reshape(2, M) % M, M))
    for x in (out.mem, out.regs):
        x = np.asarray(x)
        assert np.isfinite(x).all()
        np.testing.assert_allclose(x.sum(-1), 1.0, atol=1e-4)


def test_register_write_keeps_mass_where_eq7_would_leak():
    # a program whose lines are mostly non-value ops (WRITE/JEZ/NOOP): eq. 7 read literally
    # writes their zero output into r[o] and the registers lose mass every step.
    p = Program(M, R, (1, 2, 3), tuple(Line(op, 0, 1, 2) for op in (9, 11, 9, 11, 9, 11)))
    d = one_hot_dists(p)
    d = jax.tree.map(lambda x: 0.7 * x + 0.3 / x.shape[-1], d)  # soften every head
    out = SoftMachine(M, R, 40)(d, jax.nn.one_hot(jnp.zeros((1, M), int), M))
    np.testing.assert_allclose(np.asarray(out.regs).sum(-1), 1.0, atol=1e-5)


def test_compile_needs_positive_eps():
    p = Program(M, R, (0, 0, 0), (Line(STOP),))
    with pytest.raises(ValueError, match="eps must be > 0"):
        compile_program(p, jax.random.PRNGKey(0), eps=0.0)
    w = compile_program(p, jax.random.PRNGKey(0), eps=1e-6)
    assert all(np.isfinite(np.asarray(x)).all() for x in jax.tree.leaves(w))


@given(programs(M=M, R=R))
@settings(max_examples=100, deadline=None)
def test_decompile_inverts_compile(p):
    # decompile's canonical length: through the last non-STOP line, plus one STOP if room
    body = [i for i, ln in enumerate(p.lines) if ln.op != STOP]
    n = min(M, body[-1] + 2) if body else 1
    lines = p.lines[:n] + (Line(STOP),) * (n - len(p.lines))
    q, conf = decompile(compile_program(p, jax.random.PRNGKey(1), noise=0.0), M, R)
    assert q == Program(M, R, p.init, lines)
    assert q == decompile(compile_program(q, jax.random.PRNGKey(2)), M, R)[0]
    assert conf.shape == (M,) and (conf > 0.99).all()


def test_decompile_with_explicit_length():
    p = Program(M, R, (0, 1, 2), (Line(11), Line(11)))  # two NOOPs, implicit STOP after
    q, _ = decompile(compile_program(p, jax.random.PRNGKey(1)), M, R, length=2)
    assert q == p


def test_compiled_noise_keeps_the_program_at_small_gamma():
    p = Program(M, R, (0, 1, 2), tuple(Line(op, 1, 2, 0) for op in (2, 3, 8, 9, 10, 0)))
    for seed in range(5):
        w = compile_program(p, jax.random.PRNGKey(seed), noise=0.3 / len(OPS))
        assert decompile(w, M, R)[0] == p
