"""Tuning: Adam on the soft machine's loss, many restarts as one batched computation.

Loss per restart (seed paper eqs. 10–12), averaged over the train examples::

    CE(mem at halting, target | mask) + λ_eff·Σ_t (1 − h_t) + λ_halt·(1 − h_T)

Restarts are a leading axis of the weights: the loss and its gradient are vmapped over
it and the optimizer (Adam unless the config names another optax transformation) updates
them all at once, inside one jitted ``lax.scan`` over a chunk of steps. A per-line mask
(:func:`line_mask`) keeps chosen lines fixed: their gradient is zero, so Adam leaves them
where they were compiled — how a skeleton's holes are tuned while its known lines stay.

Between chunks every restart is decompiled and judged *discretely* on the train then the
held-out examples; a restart counts as recovered only if its program is
correct on every held-out example. Tuning stops early once every restart has recovered;
before that, recovered restarts leave the batch (:func:`bucket`), so they cost no more
steps: under :mod:`neural.xla`'s flags every restart's run is the same bit for bit in a
batch of any size from 2 up (its Gumbel stream is keyed by its own weights), so dropping
them changes no result.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from .asm import Program
from .compile import Weights, decompile_dists, to_dists
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
    optimizer: optax.GradientTransformation | None = None  # None: optax.adam(lr)
    gumbel: float = 0.0  # scale of Gumbel noise on the trainable logits in each step's forward pass
    seed: int = 0  # of that noise (each restart's stream is also keyed by its starting weights)
    compact: bool = True  # recovered restarts leave the batch between chunks (see :func:`bucket`)

    def objective(self) -> Objective:
        """The part of the config the compiled steps depend on (so that runs differing
        only in step budget, time limit or checking reuse one compiled function)."""
        return Objective(self.efficiency, self.halt_penalty, self.temperature)

    def transform(self) -> optax.GradientTransformation:
        return self.optimizer if self.optimizer is not None else _adam(self.lr)


@dataclasses.dataclass(frozen=True)
class Objective:
    """The loss terms' weights and the softmax temperature."""

    efficiency: float = 0.0
    halt_penalty: float = 1.0
    temperature: float = 1.0


@functools.cache
def _adam(lr: float) -> optax.GradientTransformation:
    """One Adam per learning rate, so the jitted steps see the same (static) optimizer."""
    return optax.adam(lr)


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
"""``tuner(weights, machine, train, test, cfg, trainable=None) -> TuneResult``: :func:`tune`, or a
:class:`~neural.parallel.TunePool`'s ``tune`` that spreads the restarts over processes."""


def one_hot_memory(inputs: np.ndarray, M: int) -> jax.Array:
    return jax.nn.one_hot(jnp.asarray(inputs), M, dtype=jnp.float32)


def loss_fn(
    w: Weights, machine: SoftMachine, memory: jax.Array, target: jax.Array, mask: jax.Array, cfg: Objective
) -> jax.Array:
    """Loss of one restart on a batch: ``memory`` ``(B, M, M)``, ``target`` ``(B, M)`` int."""
    out = machine.score(to_dists(w, cfg.temperature), memory, target)
    p = out.mem  # (B, M): P(cell holds its target) at halting
    ce = -(mask * jnp.log(p + 1e-9)).sum(-1) / jnp.maximum(mask.sum(-1), 1)
    return jnp.mean(ce + cfg.efficiency * out.running + cfg.halt_penalty * (1.0 - out.halted))


@jax.jit
def _all_dists(w: Weights):
    return jax.vmap(to_dists)(w)


def decompile_all(w: Weights, machine: SoftMachine, n: int | None = None) -> tuple[list[Program], np.ndarray]:
    """Decompile each restart of stacked weights (the first ``n`` rows: all if ``None``)."""
    n = w.op.shape[0] if n is None else n
    d = jax.tree.map(np.asarray, _all_dists(w))  # one computation and one transfer for all restarts
    one = lambda k: jax.tree.map(lambda x: x[k], d)
    out = [decompile_dists(one(k), machine.M, machine.R, machine.ops) for k in range(n)]
    return [p for p, _ in out], np.stack([c for _, c in out])


def tune(
    weights: Weights,
    machine: SoftMachine,
    train: Examples,
    test: Examples,
    cfg: TuneConfig = TuneConfig(),
    progress: Callable[[int, int, int], None] | None = None,
    trainable: Weights | None = None,
) -> TuneResult:
    """Tune ``K`` restarts (the leading axis of ``weights``) with Adam; judge discretely.

    ``trainable`` (see :func:`line_mask`) multiplies every gradient: 0 freezes a weight.
    ``progress(step, steps, n_recovered)`` is called after every chunk. With
    ``cfg.compact`` (and not ``keep_best``) recovered restarts leave the batch between
    chunks (:func:`bucket`); under :mod:`neural.xla`'s flags the others' runs are unchanged
    bit for bit, so is the result but for the loss curves, NaN after a restart left.
    """
    t0 = time.perf_counter()
    K = weights.op.shape[0]
    memory = one_hot_memory(train.inputs, machine.M)
    target = jnp.asarray(train.outputs)
    mask = jnp.asarray(train.mask, dtype=jnp.float32)
    opt = cfg.transform()
    opt_state = jax.vmap(opt.init)(weights)
    grad_mask = trainable if trainable is not None else jax.tree.map(lambda x: jnp.ones(x.shape[1:], x.dtype), weights)

    keys = noise_keys(weights, cfg.seed) if cfg.gumbel > 0 else None
    compact = cfg.compact and not cfg.keep_best
    rows = np.arange(K)  # the restart in each row of the batch (padding rows repeat one)
    live = K  # rows[:live] are the restarts the batch is for; the rest are padding
    programs: list[Program | None] = [None] * K
    recovered = np.zeros(K, dtype=bool)
    recovered_at = np.full(K, -1)
    test_steps = np.full(K, float(machine.T))
    loss = np.full((K, cfg.steps), np.nan, dtype=np.float32)  # NaN where a restart was not stepped
    step = 0
    conf = np.zeros((K, machine.M))
    while True:
        final = step >= cfg.steps or (cfg.time_limit is not None and time.perf_counter() - t0 > cfg.time_limit)
        progs, conf_now = decompile_all(weights, machine, live)
        at = {int(k): i for i, k in enumerate(rows[:live])}  # restart -> its row
        todo = rows[:live][~recovered[rows[:live]]] if not cfg.keep_best else np.arange(K)
        ok_train, _ = judge([progs[at[k]] for k in todo], train, machine.T)
        cand = todo[ok_train]
        if cand.size:
            ok_test, steps_test = judge([progs[at[k]] for k in cand], test, machine.T)
            for k, ok, s in zip(cand, ok_test, steps_test):
                if ok and (not recovered[k] or s < test_steps[k]):
                    if not recovered[k]:
                        recovered_at[k] = step
                    recovered[k], test_steps[k] = True, s
                    programs[k], conf[k] = progs[at[k]], conf_now[at[k]]
        if progress is not None:
            progress(step, cfg.steps, int(recovered.sum()))
        if final or (recovered.all() and not cfg.keep_best):
            break
        if compact:
            keep = np.flatnonzero(~recovered[rows[:live]])
            size = bucket(keep.size, K)
            if size < rows.size:
                take = jnp.asarray(np.concatenate([keep, np.full(size - keep.size, keep[0])]))
                weights, opt_state, keys = _take((weights, opt_state, keys), take)
                rows, live = rows[np.asarray(take)], keep.size
        n = min(cfg.check_every, cfg.steps - step)
        noise = {"keys": keys, "step": jnp.asarray(step), "gumbel": cfg.gumbel} if cfg.gumbel > 0 else {}
        weights, opt_state, chunk_loss = adam_steps(
            weights, opt_state, machine, memory, target, mask, grad_mask, cfg.objective(), opt, n, **noise
        )
        loss[rows[:live], step : step + n] = np.asarray(chunk_loss).T[:live]
        step += n
    left = np.flatnonzero(~recovered)
    for k in left:
        programs[k], conf[k] = progs[at[k]], conf_now[at[k]]
    if left.size:
        _, s = judge([programs[k] for k in left], test, machine.T)
        test_steps[left] = s
    seconds = time.perf_counter() - t0
    return TuneResult(programs, recovered, test_steps, recovered_at, loss[:, :step], conf, step, seconds)


def _take(tree, rows: jax.Array):
    """The given rows of every leaf of ``tree`` (restarts on the leading axis)."""
    return jax.tree.map(lambda x: x[rows], tree)


def bucket(n: int, K: int) -> int:
    """Rows of the batch that steps ``n`` unrecovered restarts of ``K``: ``n`` rounded up to
    a power of two, at least 2 and at most ``K``. Powers of two keep the compiled shapes
    few; never 1, as a one-row batch computes differently in the last bits (XLA), and
    from 2 rows up a restart's run is the same bit for bit whatever its batch."""
    return min(K, max(2, 1 << max(n - 1, 0).bit_length()))


@eqx.filter_jit
def adam_steps(
    w: Weights,
    opt_state,
    machine: SoftMachine,
    memory,
    target,
    mask,
    grad_mask: Weights,
    cfg: Objective,
    opt: optax.GradientTransformation,
    n: int,
    keys: jax.Array | None = None,
    step: jax.Array | int = 0,
    gumbel: float = 0.0,
):
    """``n`` optimizer steps for all restarts at once: ``(weights, opt_state, loss (n, K))``.
    With ``keys`` (one per restart, :func:`noise_keys`) and ``gumbel`` > 0, each step's
    loss and gradient are taken at the logits plus ``gumbel``·Gumbel(0, 1) noise on the
    trainable ones (``grad_mask`` > 0), drawn afresh per restart and step (``step``: the
    first step's number): the soft program is sampled near a discrete one, so a hole is
    tried as instructions rather than only as their blur over a loop's iterations.

    Module-level, so the compilation is cached across calls (per machine shape, objective,
    optimizer and ``n``).
    """
    grad = jax.vmap(jax.value_and_grad(loss_fn), in_axes=(0, None, None, None, None, None))

    def gumbels(k, w1):  # one restart's noise, shaped as its weights
        leaves, tree = jax.tree.flatten(w1)
        ks = jax.random.split(k, len(leaves))
        return jax.tree.unflatten(tree, [jax.random.gumbel(kk, x.shape, x.dtype) for kk, x in zip(ks, leaves)])

    def body(carry, i):
        w, s = carry
        at = w
        if keys is not None:  # the forward pass sees Gumbel-perturbed logits
            ks = jax.vmap(lambda k: jax.random.fold_in(k, i))(keys)
            g = jax.vmap(gumbels)(ks, w)
            at = jax.tree.map(lambda x, e, m: x + gumbel * m * e, w, g, grad_mask)
        loss, g = grad(at, machine, memory, target, mask, cfg)
        g = jax.tree.map(lambda x, m: m * jnp.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0), g, grad_mask)
        updates, s = jax.vmap(opt.update)(g, s, w)
        return (optax.apply_updates(w, updates), s), loss

    (w, opt_state), loss = jax.lax.scan(body, (w, opt_state), step + jnp.arange(n))
    return w, opt_state, loss


def noise_keys(weights: Weights, seed: int = 0) -> jax.Array:
    """A PRNG key per restart of stacked ``weights``, from ``seed`` and the restart's own
    starting logits (their bits summed): the same for a restart however the restarts are
    split over processes or batches."""
    bits = np.asarray(weights.op, dtype=np.float32).reshape(weights.op.shape[0], -1).view(np.uint32)
    sums = bits.astype(np.uint64).sum(axis=1) % np.uint64(2**31 - 1)
    base = jax.random.PRNGKey(seed)
    return jax.vmap(lambda s: jax.random.fold_in(base, s))(jnp.asarray(sums.astype(np.int64), dtype=jnp.uint32))


def stack(ws: list[Weights]) -> Weights:
    """Stack weights of several restarts on a leading axis."""
    return jax.tree.map(lambda *xs: jnp.stack(xs), *ws)


def line_mask(
    weights: Weights,
    lines: Sequence[int],
    init: bool = True,
    ops: Sequence[bool] | None = None,
    reads: Sequence[bool] | None = None,
    writes: Sequence[bool] | None = None,
) -> Weights:
    """A gradient mask that trains only ``lines`` (and the registers' initial values if
    ``init``); for one restart's shapes, broadcast over the restarts.

    ``ops`` (one flag per op column), ``reads`` (per register, the ``a`` and ``b`` heads)
    and ``writes`` (per register, the ``o`` head) say which logits of those lines may move
    (``None``: all): with the logits that may not compiled shut (:func:`shut`), a hole keeps
    its kind and its register limits through tuning, not only at the start."""
    one = jax.tree.map(lambda x: x[0] if x.ndim == 3 else x, weights)
    L = one.op.shape[0]
    rows = jnp.zeros(L).at[jnp.asarray(list(lines), dtype=int)].set(1.0)[:, None]
    cols = lambda flags, n: jnp.ones(n) if flags is None else jnp.asarray(flags, dtype=jnp.float32)
    R = one.a.shape[1]
    return Weights(
        op=jnp.broadcast_to(rows * cols(ops, one.op.shape[1]), one.op.shape),
        a=jnp.broadcast_to(rows * cols(reads, R), one.a.shape),
        b=jnp.broadcast_to(rows * cols(reads, R), one.b.shape),
        o=jnp.broadcast_to(rows * cols(writes, R), one.o.shape),
        init=jnp.full(one.init.shape, 1.0 if init else 0.0),
    )


def shut(
    weights: Weights,
    lines: Sequence[int],
    ops: Sequence[bool] | None = None,
    reads: Sequence[bool] | None = None,
    writes: Sequence[bool] | None = None,
    eps: float = 1e-6,
) -> Weights:
    """``weights`` (one restart or stacked) with the logits of ``lines`` that the flags
    leave out (see :func:`line_mask`) set to ``log eps``: those choices start (and, under
    the matching mask, stay) shut."""
    L = weights.op.shape[-2]
    rows = jnp.zeros(L, bool).at[jnp.asarray(list(lines), dtype=int)].set(True)[:, None]

    def close(x: jax.Array, flags: Sequence[bool] | None) -> jax.Array:
        if flags is None:
            return x
        return jnp.where(rows & ~jnp.asarray(flags, dtype=bool), jnp.log(eps), x)

    return Weights(
        op=close(weights.op, ops),
        a=close(weights.a, reads),
        b=close(weights.b, reads),
        o=close(weights.o, writes),
        init=weights.init,
    )
