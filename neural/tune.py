"""Tuning: Adam on the soft machine's loss, many restarts as one batched computation.

Loss per restart (seed paper eqs. 10–12), averaged over the train examples::

    CE(mem at halting, target | mask) + λ_reg·CE(regs | reg mask)
        + λ_eff·Σ_t (1 − h_t) + λ_halt·(1 − h_T)

Restarts are a leading axis of the weights: the loss and its gradient are vmapped over
it and Adam (elementwise) updates them all at once, inside one jitted ``lax.scan`` over a
chunk of steps. Between chunks every restart is decompiled and judged *discretely* on the
train then the held-out examples; a restart counts as recovered only if its program is
correct on every held-out example. Tuning stops early once every restart has recovered.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from .asm import Program
from .compile import Weights, decompile, to_dists
from .examples import Examples, judge
from .machine import SoftMachine


@dataclasses.dataclass(frozen=True)
class TuneConfig:
    """Hyper-parameters of tuning; the defaults are what the Table 1 runs use."""

    steps: int = 400
    lr: float = 0.1
    check_every: int = 25
    efficiency: float = 0.0  # λ_eff on Σ_t (1 − h_t)
    halt_penalty: float = 1.0  # λ_halt on the mass still running at T
    temperature: float = 1.0
    impl: str = "matmul"
    keep_best: bool = False  # run every step; keep each restart's correct program with fewest steps
    time_limit: float | None = None  # seconds; checked between chunks


@dataclasses.dataclass(frozen=True)
class TuneResult:
    """Per restart: the program (first recovered — or, with ``keep_best``, the recovered one
    with the fewest steps — else the final one), whether it is recovered, its mean discrete
    steps on the held-out examples, its loss curve, and per-line confidence."""

    programs: list[Program]
    recovered: np.ndarray  # (K,) bool
    test_steps: np.ndarray  # (K,) mean steps on held-out inputs (T where timed out)
    recovered_at: np.ndarray  # (K,) Adam step of first recovery, -1 if never
    loss: np.ndarray  # (K, steps_run)
    confidence: np.ndarray  # (K, M)
    steps_run: int
    seconds: float


Tuner = Callable[..., TuneResult]
"""``tuner(weights, machine, train, test, cfg) -> TuneResult``: :func:`tune`, or a
:class:`~neural.parallel.TunePool`'s ``tune`` that spreads the restarts over processes."""


def one_hot_memory(inputs: np.ndarray, M: int) -> jax.Array:
    return jax.nn.one_hot(jnp.asarray(inputs), M, dtype=jnp.float32)


def loss_fn(
    w: Weights, machine: SoftMachine, memory: jax.Array, target: jax.Array, mask: jax.Array, cfg: TuneConfig
) -> jax.Array:
    """Loss of one restart on a batch: ``memory`` ``(B, M, M)``, ``target`` ``(B, M)`` int."""
    out = jax.vmap(machine, in_axes=(None, 0))(to_dists(w, cfg.temperature), memory)
    p = jnp.take_along_axis(out.mem, target[..., None], axis=-1)[..., 0]  # (B, M)
    ce = -(mask * jnp.log(p + 1e-9)).sum(-1) / jnp.maximum(mask.sum(-1), 1)
    return jnp.mean(ce + cfg.efficiency * out.running + cfg.halt_penalty * (1.0 - out.halted))


def decompile_all(w: Weights, machine: SoftMachine) -> tuple[list[Program], np.ndarray]:
    """Decompile each restart of stacked weights."""
    K = w.op.shape[0]
    out = [decompile(jax.tree.map(lambda x, k=k: x[k], w), machine.M, machine.R, machine.ops) for k in range(K)]
    return [p for p, _ in out], np.stack([c for _, c in out])


def tune(
    weights: Weights,
    machine: SoftMachine,
    train: Examples,
    test: Examples,
    cfg: TuneConfig = TuneConfig(),
    progress: Callable[[int, int, int], None] | None = None,
) -> TuneResult:
    """Tune ``K`` restarts (the leading axis of ``weights``) with Adam; judge discretely.

    ``progress(step, steps, n_recovered)`` is called after every chunk.
    """
    t0 = time.perf_counter()
    K = weights.op.shape[0]
    memory = one_hot_memory(train.inputs, machine.M)
    target = jnp.asarray(train.outputs)
    mask = jnp.asarray(train.mask, dtype=jnp.float32)
    key = _jit_key(cfg)
    opt_state = jax.vmap(optax.adam(cfg.lr).init)(weights)

    programs: list[Program | None] = [None] * K
    recovered = np.zeros(K, dtype=bool)
    recovered_at = np.full(K, -1)
    test_steps = np.full(K, float(machine.T))
    losses, step = [], 0
    conf = np.zeros((K, machine.M))
    while True:
        final = step >= cfg.steps or (cfg.time_limit is not None and time.perf_counter() - t0 > cfg.time_limit)
        progs, conf_now = decompile_all(weights, machine)
        todo = np.arange(K) if cfg.keep_best else np.flatnonzero(~recovered)
        ok_train, _ = judge([progs[k] for k in todo], train, machine.T)
        cand = todo[ok_train]
        if cand.size:
            ok_test, steps_test = judge([progs[k] for k in cand], test, machine.T)
            for k, ok, s in zip(cand, ok_test, steps_test):
                if ok and (not recovered[k] or s < test_steps[k]):
                    if not recovered[k]:
                        recovered_at[k] = step
                    recovered[k], test_steps[k] = True, s
                    programs[k], conf[k] = progs[k], conf_now[k]
        if progress is not None:
            progress(step, cfg.steps, int(recovered.sum()))
        if final or (recovered.all() and not cfg.keep_best):
            break
        n = min(cfg.check_every, cfg.steps - step)
        weights, opt_state, chunk_loss = adam_steps(weights, opt_state, machine, memory, target, mask, key, n)
        losses.append(np.asarray(chunk_loss))
        step += n
    left = np.flatnonzero(~recovered)
    for k in left:
        programs[k], conf[k] = progs[k], conf_now[k]
    if left.size:
        _, s = judge([programs[k] for k in left], test, machine.T)
        test_steps[left] = s
    loss = np.concatenate(losses, axis=0).T if losses else np.zeros((K, 0))
    return TuneResult(programs, recovered, test_steps, recovered_at, loss, conf, step, time.perf_counter() - t0)


def _jit_key(cfg: TuneConfig) -> TuneConfig:
    """Only the fields the compiled Adam steps depend on, so that runs differing in step
    budget, time limit or checking keep hitting one compiled function."""
    return TuneConfig(
        lr=cfg.lr, efficiency=cfg.efficiency, halt_penalty=cfg.halt_penalty, temperature=cfg.temperature, impl=cfg.impl
    )


@eqx.filter_jit
def adam_steps(w: Weights, opt_state, machine: SoftMachine, memory, target, mask, cfg: TuneConfig, n: int):
    """``n`` Adam steps for all restarts at once: ``(weights, opt_state, loss (n, K))``.

    Module-level, so the compilation is cached across calls (per machine shape, config and
    ``n``); ``cfg`` should come through :func:`_jit_key`.
    """
    opt = optax.adam(cfg.lr)
    grad = jax.vmap(jax.value_and_grad(loss_fn), in_axes=(0, None, None, None, None, None))

    def body(carry, _):
        w, s = carry
        loss, g = grad(w, machine, memory, target, mask, cfg)
        g = jax.tree.map(lambda x: jnp.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0), g)
        updates, s = jax.vmap(opt.update)(g, s, w)
        return (optax.apply_updates(w, updates), s), loss

    (w, opt_state), loss = jax.lax.scan(body, (w, opt_state), None, length=n)
    return w, opt_state, loss


def stack(ws: list[Weights]) -> Weights:
    """Stack weights of several restarts on a leading axis."""
    return jax.tree.map(lambda *xs: jnp.stack(xs), *ws)
