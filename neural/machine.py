"""The differentiable machine: ANC's soft interpreter in JAX (``docs/machine.md`` §5).

State at step ``t``: the instruction register ``ir`` (a distribution over the ``M`` lines),
registers ``regs`` (``R×M``, one value distribution per register), memory ``mem`` (``M×M``,
one value distribution per cell) and the halted mass ``h``. A program is a
:class:`Dists`: per line, distributions over ops and over registers for ``a``, ``b``, ``o``,
plus a value distribution per register for the initial values.

One step, all mixtures of the discrete semantics:

- controller: ``f = irᵀ·op``, ``a = irᵀ·a`` … (ANC's linear controller over the line
  distribution; for a one-hot ``ir`` it equals the seed paper's ``softmax(W·ir)``);
- arguments ``x = aᵀ·regs``, ``y = bᵀ·regs``;
- values: INC, ADD, SUB, DEC, MIN, MAX in one product of ``x⊗y`` with a fixed 0/1 matrix
  (``impl="matmul"``, fastest on CPU) or as rolls / circular convolutions / cumulative
  sums (``impl="closed"``, no ``M³`` constant); READ is ``xᵀ·mem``, ZERO the one-hot of 0;
- register write gated by the value-op probability ``p``: ``regs[r] ← (1 − o_r p)·regs[r]
  + o_r·v`` with ``v`` of mass ``p``, so mass is preserved (the literal eq. 7 leaks it);
- memory write ``mem[i] ← (1 − w x_i)·mem[i] + w x_i·y`` with ``w = f[WRITE]``;
- jump ``j = f[JEZ]·x_0 + f[JMP]``, ``ir ← j·y + (1 − j)·roll(ir, 1)``;
- halting ``h ← h + f[STOP]·(1 − h)``.

Reads see the state before the step. ``ir``, ``x``, ``y`` and the registers are
renormalised every step (float32 drift otherwise compounds into NaN past T≈300). Memory
rows are not: a written row is ``(1 − w x_i)·row + w x_i·y`` with ``y`` just renormalised,
a convex mix of two unit-mass rows, so its mass stays 1 up to float round-off (measured
|mass − 1| ≤ 6e-6 at T = 400, the same as with the renormalisation); in exact arithmetic
every renormalisation here divides by 1, so dropping one changes neither the loss nor its
gradient beyond round-off, and the Adam step is ~15% faster without it. The
output is the state expected *at halting*: ``Σ_t P(halt at t)·state_t`` plus the
never-halted mass times the final state. For a one-hot program every quantity is a 0/1
number and the machine reproduces :mod:`neural.interp` exactly.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from .asm import ADD, DEC, INC, JEZ, JMP, MAX, MIN, OPS, READ, STOP, SUB, WRITE, ZERO, check_ops

ARITH = (INC, DEC, ADD, SUB, MIN, MAX)
"""Arithmetic ops; INC and DEC are rolls of ``x``, the others are computed from ``x⊗y``."""
COLUMNS = (ZERO, READ, *ARITH, WRITE, JEZ, JMP, STOP)
"""The ops the step reads, in the order of its controller's columns: the value ops
(ZERO, READ, ARITH) first and contiguous, so each group is a slice (a gather's gradient is
a scatter, which XLA's CPU backend runs slowly)."""


class Dists(eqx.Module):
    """A soft program: every row is a probability distribution.

    ``op`` is ``(L, n_ops)`` over the machine's instruction set; ``a``, ``b``, ``o`` are
    ``(L, R)``; ``init`` is ``(R, M)``. ``L == M``: the instruction register ranges over
    ``M`` lines.
    """

    op: jax.Array
    a: jax.Array
    b: jax.Array
    o: jax.Array
    init: jax.Array


class Output(NamedTuple):
    """What one run of the soft machine returns (per example)."""

    mem: jax.Array  # (M, M) expected memory at halting; (M,) from SoftMachine.score
    regs: jax.Array | None  # (R, M) expected registers at halting; None from SoftMachine.score
    halted: jax.Array  # () halted mass after T steps
    steps: jax.Array  # () expected steps executed, T for the never-halted mass
    running: jax.Array  # () Σ_t (1 − h_t): the efficiency term (seed eq. 11)


def _arith_matrix(M: int) -> np.ndarray:
    """``(4·M, M·M)`` 0/1 matrix: ``it @ (x⊗y)`` gives the outputs of ADD, SUB, MIN, MAX."""
    x, y = np.meshgrid(np.arange(M), np.arange(M), indexing="ij")
    results = [(x + y) % M, (x - y) % M, np.minimum(x, y), np.maximum(x, y)]
    table = np.zeros((M * M, len(results), M), dtype=np.float32)
    for k, res in enumerate(results):
        table[np.arange(M * M), k, res.ravel()] = 1.0
    return np.ascontiguousarray(table.reshape(M * M, len(results) * M).T)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _split(c: jax.Array, sizes: tuple[int, ...]) -> tuple[jax.Array, ...]:
    """``c`` cut along its first axis into pieces of ``sizes``. Its gradient concatenates the
    pieces' gradients: slicing's own is a sum of pads, which XLA's CPU backend fuses with
    their producers and evaluates once per padded element (a fifth of the Adam step)."""
    return tuple(jnp.split(c, np.cumsum(sizes)[:-1].tolist(), axis=0))


def _split_fwd(c, sizes):
    return _split(c, sizes), None


def _split_bwd(sizes, _, g):
    return (jax.lax.optimization_barrier(jnp.concatenate(g, axis=0)),)


_split.defvjp(_split_fwd, _split_bwd)


def _normalise(p: jax.Array, axis: int = 0) -> jax.Array:
    return p / jnp.maximum(p.sum(axis, keepdims=True), 1e-30)


def _last(x: jax.Array, lead: int) -> jax.Array:
    """``x`` with its first ``lead`` axes (batch axes) moved to the end."""
    return jnp.moveaxis(x, tuple(range(lead)), tuple(range(x.ndim - lead, x.ndim)))


def _first(x: jax.Array, lead: int) -> jax.Array:
    """Inverse of :func:`_last`: the last ``lead`` axes moved to the front."""
    return jnp.moveaxis(x, tuple(range(x.ndim - lead, x.ndim)), tuple(range(lead)))


class SoftMachine(eqx.Module):
    """The soft machine for ``M`` cells, ``R`` registers, ``T`` steps and an op set.

    ``machine(dists, memory)`` runs one example; ``memory`` is ``(M, M)``, one value
    distribution per cell (one-hot for ordinary inputs). vmap it over examples and restarts,
    or use :meth:`score_batch` (what tuning does: restarts × examples in one run, faster).
    """

    M: int = eqx.field(static=True)
    R: int = eqx.field(static=True)
    T: int = eqx.field(static=True)
    ops: tuple[int, ...] = eqx.field(static=True)
    impl: str = eqx.field(static=True)
    arith: jax.Array | None  # (4M, M²), see _arith_matrix
    expand: jax.Array  # (n_ops, len(COLUMNS)): instruction-set probabilities -> the ops the step reads

    def __init__(self, M: int, R: int, T: int, ops: tuple[int, ...] = tuple(range(len(OPS))), impl: str = "matmul"):
        if impl not in ("matmul", "closed"):
            raise ValueError(f"impl must be 'matmul' or 'closed', got {impl!r}")
        if STOP not in ops:
            raise ValueError("the instruction set must contain STOP")
        self.M, self.R, self.T, self.ops, self.impl = M, R, T, tuple(ops), impl
        self.arith = jnp.asarray(_arith_matrix(M)) if impl == "matmul" else None
        self.expand = jnp.asarray(np.eye(len(OPS), dtype=np.float32)[np.ix_(list(ops), COLUMNS)])

    def _arith(self, x: jax.Array, y: jax.Array) -> jax.Array:
        """``(len(ARITH), M, *batch)``: the output distribution of each arithmetic op, for
        ``x``, ``y`` of shape ``(M, *batch)``."""
        M = self.M
        rolls = [jnp.roll(x, 1, axis=0), jnp.roll(x, -1, axis=0)]
        if self.impl == "matmul":
            outer = (x[:, None] * y[None, :]).reshape(M * M, *x.shape[1:])
            binary = jnp.tensordot(self.arith, outer, axes=1).reshape(4, *x.shape)
            return jnp.concatenate([jnp.stack(rolls), binary])
        k = np.arange(M)
        add = (jnp.take(y, (k[:, None] - k[None, :]) % M, axis=0) * x[None]).sum(1)  # Σ_i x_i y_(k-i)
        sub = (jnp.take(y, (k[None, :] - k[:, None]) % M, axis=0) * x[None]).sum(1)  # Σ_i x_i y_(i-k)
        sx, sy = jnp.cumsum(x[::-1], axis=0)[::-1], jnp.cumsum(y[::-1], axis=0)[::-1]  # P(v >= k)
        ge = sx * sy
        mn = ge - jnp.concatenate([ge[1:], jnp.zeros_like(ge[:1])])
        le = jnp.cumsum(x, axis=0) * jnp.cumsum(y, axis=0)  # P(max <= k)
        mx = le - jnp.concatenate([jnp.zeros_like(le[:1]), le[:-1]])
        return jnp.stack([*rolls, add, sub, mn, mx])

    def __call__(self, d: Dists, memory: jax.Array) -> Output:
        out, regs = self._run(self._controller(d), d.init, memory, None)
        return out._replace(regs=regs)

    def score(self, d: Dists, memory: jax.Array, target: jax.Array) -> Output:
        """What the loss needs of one run, cheaper than :meth:`__call__`: ``mem`` is ``(M,)``,
        per cell the probability that it holds ``target`` (``(M,)`` ints) at halting;
        ``regs`` is ``None``. No ``M×M`` output accumulates over the steps."""
        target = jax.nn.one_hot(target, self.M, dtype=memory.dtype)
        return self._run(self._controller(d), d.init, memory, target)[0]

    def score_batch(self, d: Dists, memory: jax.Array, target: jax.Array) -> Output:
        """:meth:`score` for ``K`` programs (``d`` stacked on a leading axis) on the same
        ``B`` examples (``memory`` ``(B, M, M)``, ``target`` ``(B, M)``): fields ``(K, B, …)``.

        The same numbers as vmapping :meth:`score` up to float round-off, faster: the run
        keeps the restart and example axes last, so every step's operation is a pass over
        ``K·B``-long contiguous rows (and ``x⊗y`` one matrix product) rather than thousands
        of ``M``-sized ones."""
        K, B = d.op.shape[0], memory.shape[0]

        def flat(x: jax.Array) -> jax.Array:  # (…, K, 1) or (…, 1, B) -> (…, K·B), b fastest
            return jnp.broadcast_to(x, (*x.shape[:-2], K, B)).reshape(*x.shape[:-2], K * B)

        ctrl = flat(_last(self._controller(d), 1)[..., None])  # (M, C, K·B)
        init = flat(_last(d.init, 1)[..., None])  # (R, M, K·B)
        target = jax.nn.one_hot(target, self.M, dtype=memory.dtype)
        memory, target = (flat(_last(x, 1)[..., None, :]) for x in (memory, target))  # (M, M, K·B)
        out, _ = self._run(ctrl, init, memory, target)
        return jax.tree.map(lambda x: _first(x.reshape(*x.shape[:-1], K, B), 2), out)

    def _controller(self, d: Dists) -> jax.Array:
        """``(…, M, 12 + 3R)``: every head's distribution side by side, so one product per
        step gives them all for the current line distribution."""
        return jnp.concatenate([d.op @ self.expand, d.a, d.b, d.o], axis=-1)

    def _run(
        self, ctrl: jax.Array, init: jax.Array, memory: jax.Array, target: jax.Array | None
    ) -> tuple[Output, jax.Array | None]:
        """The run, on arrays whose trailing axes (any number, broadcast together) are a
        batch: ``ctrl`` ``(M, C, *b)``, ``init`` ``(R, M, *b)``, ``memory`` and the one-hot
        ``target`` ``(M, M, *b)``. Returns fields of shape ``(…, *batch)``."""
        M, R, T = self.M, self.R, self.T
        batch = jnp.broadcast_shapes(ctrl.shape[2:], init.shape[2:], memory.shape[2:])
        ones = (1,) * len(batch)
        dtype = memory.dtype
        zero = jax.nn.one_hot(0, M, dtype=dtype).reshape(M, *ones)
        # per-example contractions are broadcast products and sums, not dots: XLA's CPU
        # batched dot over thousands of 1×R·R×M products costs more than the whole step's
        # elementwise work
        mix = lambda p, rows: (p[:, None] * rows).sum(0)
        scored = target is not None
        readout = (lambda m: (m * target).sum(1)) if scored else (lambda m: m)
        # the controller's columns cut into the pieces the step reads (see COLUMNS)
        sizes = (1, 1, len(ARITH), 1, 1, 1, 1, R, R, R)

        def step(carry, t):
            ir, regs, mem, h, out_mem, out_regs, steps, running = carry
            pieces = _split(mix(ir, ctrl), sizes)
            f_zero, f_read, f_arith, f_write, f_jez, f_jmp, f_stop = (p[0] if len(p) == 1 else p for p in pieces[:7])
            a, b, o = pieces[7:]
            x = _normalise(mix(a, regs))
            y = _normalise(mix(b, regs))
            arith = self._arith(x, y)
            read = mix(x, mem)
            value = f_zero * zero + f_read * read + mix(f_arith, arith)  # mass = p_write
            p_write = f_zero + f_read + f_arith.sum(0)
            new_regs = regs * (1.0 - o * p_write)[:, None] + o[:, None] * value[None, :]
            w = f_write * x
            new_mem = mem * (1.0 - w)[:, None] + w[:, None] * y[None, :]
            j = f_jez * x[0] + f_jmp
            new_ir = j * y + (1.0 - j) * jnp.roll(ir, 1, axis=0)
            stop = f_stop * (1.0 - h)  # P(halt at this step); this step changes nothing for it
            carry = (
                _normalise(new_ir),
                _normalise(new_regs, 1),
                new_mem,  # rows keep mass 1: convex mixes of rows and y (see the module docstring)
                h + stop,
                out_mem + stop * readout(mem),
                None if scored else out_regs + stop * regs,
                steps + stop * (t + 1),
                running + (1.0 - h),
            )
            return carry, None

        ir0 = jnp.broadcast_to(jax.nn.one_hot(0, M, dtype=dtype).reshape(M, *ones), (M, *batch))
        z = jnp.zeros(batch, dtype)
        regs0 = jnp.broadcast_to(init, (R, M, *batch))
        mem0 = jnp.broadcast_to(memory, (M, M, *batch))
        out0 = jnp.zeros((M, *batch), dtype) if scored else jnp.zeros_like(mem0)
        carry0 = (ir0, regs0, mem0, z, out0, None if scored else jnp.zeros_like(regs0), z, z)
        # checkpointed: the backward pass recomputes a step from its carry instead of storing
        # every intermediate (fewer, larger memory passes; 25% faster Adam steps on CPU)
        carry, _ = jax.lax.scan(jax.checkpoint(step), carry0, jnp.arange(T))
        (_ir, regs, mem, h, out_mem, out_regs, steps, running) = carry
        never = 1.0 - h
        out = Output(out_mem + never * readout(mem), None, h, steps + never * T, running)
        return out, None if scored else out_regs + never * regs


def one_hot_dists(program, ops: tuple[int, ...] = tuple(range(len(OPS))), dtype=jnp.float32) -> Dists:
    """The exact (infinitely sharp) soft program of a discrete :class:`~neural.asm.Program`.

    Lines past the end are STOP; their (unused) register heads point at register 0.
    """
    M, R = program.M, program.R
    index = {op: i for i, op in enumerate(ops)}
    fields = np.zeros((4, M), dtype=np.int64)  # STOP, r0, r0, r0
    check_ops(program, ops)
    for i, ln in enumerate(program.lines):
        fields[:, i] = (index[ln.op], ln.a, ln.b, ln.o)
    fields[0, len(program.lines) :] = index[STOP]
    oh = lambda v, n: jax.nn.one_hot(jnp.asarray(v), n, dtype=dtype)
    return Dists(oh(fields[0], len(ops)), oh(fields[1], R), oh(fields[2], R), oh(fields[3], R), oh(program.init, M))
