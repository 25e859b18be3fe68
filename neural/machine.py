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

Reads see the state before the step. ``ir``, ``x`` and ``y`` are renormalised every step;
registers and memory rows are not: each update is a convex mix of unit-mass rows, so they
keep their mass to round-off (float32: |mass − 1| ≈ 6e-6 after 400 steps, 5e-5 after
2,000), and renormalising them cost a tenth of the Adam step. The
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
    """What a run of the soft machine on ``B`` examples returns (examples on the first axis)."""

    mem: jax.Array  # (B, M, M) expected memory at halting; (B, M) from SoftMachine.score
    regs: jax.Array | None  # (B, R, M) expected registers at halting; None from SoftMachine.score
    halted: jax.Array  # (B,) halted mass after T steps
    steps: jax.Array  # (B,) expected steps executed, T for the never-halted mass
    running: jax.Array  # (B,) Σ_t (1 − h_t): the efficiency term (seed eq. 11)


def _arith_matrix(M: int) -> np.ndarray:
    """``(4·M, M·M)`` 0/1 matrix: ``it @ (x⊗y)`` gives the outputs of ADD, SUB, MIN, MAX."""
    x, y = np.meshgrid(np.arange(M), np.arange(M), indexing="ij")
    results = [(x + y) % M, (x - y) % M, np.minimum(x, y), np.maximum(x, y)]
    table = np.zeros((M * M, len(results), M), dtype=np.float32)
    for k, res in enumerate(results):
        table[np.arange(M * M), k, res.ravel()] = 1.0
    return table.reshape(M * M, len(results) * M).T.copy()


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


def _normalise(p: jax.Array) -> jax.Array:
    """Rescale along the value axis (the second last: the examples are the last)."""
    return p / jnp.maximum(p.sum(-2, keepdims=True), 1e-30)


class SoftMachine(eqx.Module):
    """The soft machine for ``M`` cells, ``R`` registers, ``T`` steps and an op set.

    ``machine(dists, memory)`` runs one program on a batch of ``B`` examples; ``memory`` is
    ``(B, M, M)``, per example one value distribution per cell (one-hot for ordinary
    inputs). vmap it over restarts. Inside, the examples are the *last* axis of every state
    (``(M, M, B)`` memory, ``(R, M, B)`` registers): the arithmetic is one GEMM over the
    batch and the elementwise passes run over ``B``-long rows rather than ``M``-long ones.
    """

    M: int = eqx.field(static=True)
    R: int = eqx.field(static=True)
    T: int = eqx.field(static=True)
    ops: tuple[int, ...] = eqx.field(static=True)
    impl: str = eqx.field(static=True)
    arith: jax.Array | None  # (4M, M·M), see _arith_matrix
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
        """``(len(ARITH), M, B)``: the output distribution of each arithmetic op."""
        M, B = x.shape
        rolls = [jnp.roll(x, 1, axis=0), jnp.roll(x, -1, axis=0)]
        if self.impl == "matmul":
            binary = (self.arith @ (x[:, None] * y[None, :]).reshape(M * M, B)).reshape(4, M, B)
            return jnp.concatenate([jnp.stack(rolls), binary])
        k = np.arange(M)
        add = (y[(k[:, None] - k[None, :]) % M] * x[None]).sum(1)  # Σ_i x_i y_(k-i)
        sub = (y[(k[None, :] - k[:, None]) % M] * x[None]).sum(1)  # Σ_i x_i y_(i-k)
        sx, sy = jnp.cumsum(x[::-1], 0)[::-1], jnp.cumsum(y[::-1], 0)[::-1]  # P(v >= k)
        ge = sx * sy
        mn = ge - jnp.concatenate([ge[1:], jnp.zeros((1, B), ge.dtype)])
        le = jnp.cumsum(x, 0) * jnp.cumsum(y, 0)  # P(max <= k)
        mx = le - jnp.concatenate([jnp.zeros((1, B), le.dtype), le[:-1]])
        return jnp.stack([*rolls, add, sub, mn, mx])

    def __call__(self, d: Dists, memory: jax.Array) -> Output:
        """Run ``d`` on every example of ``memory`` ``(B, M, M)``; every output is per example
        (leading axis ``B``)."""
        self._check(memory, None)
        out, regs = self._run(d, memory, None)
        return out._replace(regs=regs)

    def score(self, d: Dists, memory: jax.Array, target: jax.Array) -> Output:
        """What the loss needs of a batch, cheaper than :meth:`__call__`: ``mem`` is ``(B, M)``,
        per example and cell the probability that it holds ``target`` (``(B, M)`` ints) at
        halting; ``regs`` is ``None``. No ``M×M`` output accumulates over the steps."""
        self._check(memory, target)
        return self._run(d, memory, jax.nn.one_hot(target, self.M, dtype=memory.dtype))[0]

    def _check(self, memory: jax.Array, target: jax.Array | None) -> None:
        M = self.M
        if memory.ndim != 3 or memory.shape[1:] != (M, M):
            raise ValueError(f"SoftMachine: memory must be (B, {M}, {M}), got {memory.shape}")
        if target is not None and target.shape != memory.shape[:2]:
            raise ValueError(f"SoftMachine.score: target must be (B, M) = {memory.shape[:2]}, got {target.shape}")

    def _run(self, d: Dists, memory: jax.Array, target: jax.Array | None) -> tuple[Output, jax.Array | None]:
        M, R, T = self.M, self.R, self.T
        B = memory.shape[0]
        dtype = memory.dtype
        last = lambda a: jnp.moveaxis(a, 0, -1)  # examples to the last axis
        zero = jax.nn.one_hot(0, M, dtype=dtype)[:, None]
        # one controller product per step: every head's distribution side by side
        ctrl = jnp.concatenate([d.op @ self.expand, d.a, d.b, d.o], axis=-1)  # (M, 12 + 3R)
        # contractions over the short axes (lines, registers, cells), the controller's
        # included, are broadcast products and sums along the long, contiguous batch axis
        # (as a batched dot under the restarts' vmap the controller product was slower)
        mix = lambda p, rows: (p[:, None] * rows).sum(0)
        scored = target is not None
        tgt = last(target) if scored else None  # (M, M, B)
        readout = (lambda m: (m * tgt).sum(1)) if scored else (lambda m: m)
        # the controller's columns cut into the pieces the step reads (see COLUMNS)
        sizes = (1, 1, len(ARITH), 1, 1, 1, 1, R, R, R)

        def step(carry, t):
            ir, regs, mem, h, out_mem, out_regs, steps, running = carry
            pieces = _split(mix(ir, ctrl[:, :, None]), sizes)  # each (size, B)
            f_zero, f_read, f_arith, f_write, f_jez, f_jmp, f_stop = (p[0] if len(p) == 1 else p for p in pieces[:7])
            a, b, o = pieces[7:]
            x = _normalise(mix(a, regs))  # (M, B)
            y = _normalise(mix(b, regs))
            arith = self._arith(x, y)
            read = mix(x, mem)
            value = f_zero * zero + f_read * read + mix(f_arith, arith)  # mass = p_write
            p_write = f_zero + f_read + f_arith.sum(0)
            new_regs = regs * (1.0 - o * p_write)[:, None] + o[:, None] * value[None]
            w = f_write * x
            new_mem = mem * (1.0 - w)[:, None] + w[:, None] * y[None]
            j = f_jez * x[0] + f_jmp
            new_ir = j * y + (1.0 - j) * jnp.roll(ir, 1, axis=0)
            stop = f_stop * (1.0 - h)  # P(halt at this step); this step changes nothing for it
            carry = (
                _normalise(new_ir),
                new_regs,
                new_mem,
                h + stop,
                out_mem + stop * readout(mem),
                None if scored else out_regs + stop * regs,
                steps + stop * (t + 1),
                running + (1.0 - h),
            )
            return carry, None

        ir0 = jnp.broadcast_to(jax.nn.one_hot(0, M, dtype=dtype)[:, None], (M, B))
        regs0 = jnp.broadcast_to(d.init[:, :, None], (R, M, B))
        z = jnp.zeros(B, dtype)
        mem0 = last(memory)  # (M, M, B)
        out0 = jnp.zeros((M, B), dtype) if scored else jnp.zeros_like(mem0)
        init = (ir0, regs0, mem0, z, out0, None if scored else jnp.zeros_like(regs0), z, z)
        # checkpointed: the backward pass recomputes a step from its carry instead of storing
        # every intermediate (fewer, larger memory passes), except the arithmetic's GEMM
        # output, which is kept (its recomputation is a third of the GEMM work at M=16)
        keep_gemm = jax.checkpoint_policies.dots_with_no_batch_dims_saveable
        carry, _ = jax.lax.scan(jax.checkpoint(step, policy=keep_gemm), init, jnp.arange(T))
        (_ir, regs, mem, h, out_mem, out_regs, steps, running) = carry
        never = 1.0 - h
        first = lambda a: jnp.moveaxis(a, -1, 0)  # examples back to the first axis
        out = Output(first(out_mem + never * readout(mem)), None, h, steps + never * T, running)
        return out, None if scored else first(out_regs + never * regs)


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
