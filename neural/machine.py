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

Reads see the state before the step. ``ir``, ``x``, ``y``, registers and memory rows are
renormalised every step (float32 drift otherwise compounds into NaN past T≈300). The
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
    """``(M·M, 4·M)`` 0/1 matrix: ``(x⊗y) @ it`` gives the outputs of ADD, SUB, MIN, MAX."""
    x, y = np.meshgrid(np.arange(M), np.arange(M), indexing="ij")
    results = [(x + y) % M, (x - y) % M, np.minimum(x, y), np.maximum(x, y)]
    table = np.zeros((M * M, len(results), M), dtype=np.float32)
    for k, res in enumerate(results):
        table[np.arange(M * M), k, res.ravel()] = 1.0
    return table.reshape(M * M, len(results) * M)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _split(c: jax.Array, sizes: tuple[int, ...]) -> tuple[jax.Array, ...]:
    """``c`` cut along its last axis into pieces of ``sizes``. Its gradient concatenates the
    pieces' gradients: slicing's own is a sum of pads, which XLA's CPU backend fuses with
    their producers and evaluates once per padded element (a fifth of the Adam step)."""
    return tuple(jnp.split(c, np.cumsum(sizes)[:-1].tolist(), axis=-1))


def _split_fwd(c, sizes):
    return _split(c, sizes), None


def _split_bwd(sizes, _, g):
    return (jax.lax.optimization_barrier(jnp.concatenate(g, axis=-1)),)


_split.defvjp(_split_fwd, _split_bwd)


def _normalise(p: jax.Array) -> jax.Array:
    return p / jnp.maximum(p.sum(-1, keepdims=True), 1e-30)


class SoftMachine(eqx.Module):
    """The soft machine for ``M`` cells, ``R`` registers, ``T`` steps and an op set.

    ``machine(dists, memory)`` runs one example; ``memory`` is ``(M, M)``, one value
    distribution per cell (one-hot for ordinary inputs). vmap it over examples and restarts.
    """

    M: int = eqx.field(static=True)
    R: int = eqx.field(static=True)
    T: int = eqx.field(static=True)
    ops: tuple[int, ...] = eqx.field(static=True)
    impl: str = eqx.field(static=True)
    arith: jax.Array | None
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
        """``(len(ARITH), M)``: the output distribution of each arithmetic op."""
        M = self.M
        rolls = [jnp.roll(x, 1), jnp.roll(x, -1)]
        if self.impl == "matmul":
            binary = (jnp.outer(x, y).reshape(M * M) @ self.arith).reshape(4, M)
            return jnp.concatenate([jnp.stack(rolls), binary])
        k = np.arange(M)
        add = jnp.take(y, (k[:, None] - k[None, :]) % M, axis=0) @ x  # Σ_i x_i y_(k-i)
        sub = jnp.take(y, (k[None, :] - k[:, None]) % M, axis=0) @ x  # Σ_i x_i y_(i-k)
        sx, sy = jnp.cumsum(x[::-1])[::-1], jnp.cumsum(y[::-1])[::-1]  # P(v >= k)
        ge = sx * sy
        mn = ge - jnp.append(ge[1:], 0.0)
        le = jnp.cumsum(x) * jnp.cumsum(y)  # P(max <= k)
        mx = le - jnp.concatenate([jnp.zeros(1), le[:-1]])
        return jnp.stack([*rolls, add, sub, mn, mx])

    def __call__(self, d: Dists, memory: jax.Array) -> Output:
        out, regs = self._run(d, memory, None)
        return out._replace(regs=regs)

    def score(self, d: Dists, memory: jax.Array, target: jax.Array) -> Output:
        """What the loss needs of one run, cheaper than :meth:`__call__`: ``mem`` is ``(M,)``,
        per cell the probability that it holds ``target`` (``(M,)`` ints) at halting;
        ``regs`` is ``None``. No ``M×M`` output accumulates over the steps."""
        return self._run(d, memory, jax.nn.one_hot(target, self.M, dtype=memory.dtype))[0]

    def _run(self, d: Dists, memory: jax.Array, target: jax.Array | None) -> tuple[Output, jax.Array | None]:
        M, R, T = self.M, self.R, self.T
        zero = jax.nn.one_hot(0, M, dtype=memory.dtype)
        # one controller product per step: every head's distribution side by side
        ctrl = jnp.concatenate([d.op @ self.expand, d.a, d.b, d.o], axis=-1)  # (M, 12 + 3R)
        # per-example contractions are broadcast products and sums, not dots: XLA's CPU
        # batched dot over thousands of 1×R·R×M products costs more than the whole step's
        # elementwise work
        mix = lambda p, rows: (p[:, None] * rows).sum(0)
        scored = target is not None
        readout = (lambda m: (m * target).sum(-1)) if scored else (lambda m: m)
        # the controller's columns cut into the pieces the step reads (see COLUMNS)
        sizes = (1, 1, len(ARITH), 1, 1, 1, 1, R, R, R)

        def step(carry, t):
            ir, regs, mem, h, out_mem, out_regs, steps, running = carry
            pieces = _split(ir @ ctrl, sizes)
            f_zero, f_read, f_arith, f_write, f_jez, f_jmp, f_stop = (p[0] if p.size == 1 else p for p in pieces[:7])
            a, b, o = pieces[7:]
            x = _normalise(mix(a, regs))
            y = _normalise(mix(b, regs))
            arith = self._arith(x, y)
            read = mix(x, mem)
            value = f_zero * zero + f_read * read + mix(f_arith, arith)  # mass = p_write
            p_write = f_zero + f_read + f_arith.sum()
            new_regs = regs * (1.0 - o * p_write)[:, None] + o[:, None] * value[None, :]
            w = f_write * x
            new_mem = mem * (1.0 - w)[:, None] + w[:, None] * y[None, :]
            j = f_jez * x[0] + f_jmp
            new_ir = j * y + (1.0 - j) * jnp.roll(ir, 1)
            stop = f_stop * (1.0 - h)  # P(halt at this step); this step changes nothing for it
            carry = (
                _normalise(new_ir),
                _normalise(new_regs),
                _normalise(new_mem),
                h + stop,
                out_mem + stop * readout(mem),
                None if scored else out_regs + stop * regs,
                steps + stop * (t + 1),
                running + (1.0 - h),
            )
            return carry, None

        ir0 = jax.nn.one_hot(0, M, dtype=memory.dtype)
        z = jnp.zeros((), memory.dtype)
        out0 = jnp.zeros(M, memory.dtype) if scored else jnp.zeros_like(memory)
        init = (ir0, d.init, memory, z, out0, None if scored else jnp.zeros_like(d.init), z, z)
        # checkpointed: the backward pass recomputes a step from its carry instead of storing
        # every intermediate (fewer, larger memory passes; 25% faster Adam steps on CPU)
        carry, _ = jax.lax.scan(jax.checkpoint(step), init, jnp.arange(T))
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
