"""Neural compilation and decompilation: programs <-> controller weights.

Compilation inverts the controller's softmax (seed paper eq. 3)::

    W = sharpness · log(onehot + γ·u + ε),   u ~ U(0, 1)

per line for the op and the ``a``, ``b``, ``o`` register heads, and per register for its
initial value. ``ε > 0`` keeps ``log`` finite; ``γ`` is the noise that lets gradients move
away from the compiled program; ``sharpness`` scales the logits as ANC's compiler does
(larger = closer to the one-hot program). Lines past the program compile to STOP.

``free`` lines are left open for tuning to fill (a skeleton's holes): with
``free_init="uniform"`` their heads get small random logits (``free_scale·N(0, 1)``, close
to uniform, so gradient descent chooses the instruction); with ``"noop"`` they compile as
the program states them (a NOOP placeholder) at sharpness 1 whatever ``sharpness`` is (a
sharp line has no gradient to leave by), and only a mask in tuning marks them.
``free_heads`` names the heads a free line opens (default all four; e.g. ``("op", "a",
"b")`` keeps the output register the program states: a hole that updates a known
variable). ``free_ops`` (op codes) limits the ops a free line starts with: the others get the logit
``log ε`` (a hole of a known kind, e.g. a value update). The fixed lines of a skeleton
should be compiled sharply (``sharpness`` ≳ 3): at 1 the soft machine's state blurs over a
loop's iterations, and a correct fixed part no longer has a low loss.

Decompilation takes the argmax of every head, giving a :class:`~neural.asm.Program` and a
per-line confidence (the probability of the decompiled instruction's used heads).
"""

from __future__ import annotations

from collections.abc import Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from .asm import OPS, STOP, USES_A, USES_B, USES_O, Line, Program
from .machine import Dists, one_hot_dists

FREE_INITS = ("uniform", "noop")
HEADS = ("op", "a", "b", "o")
DEFAULT_EPS = 1e-6
DEFAULT_NOISE = 0.01
"""γ chosen by scripts/noise_sweep.py: every γ up to 0.3 keeps a compiled map_inc, but only
γ ≤ 0.01 lets all restarts move map_dec -> map_inc and back (γ = 0.05: 30% and 10%)."""


class Weights(eqx.Module):
    """Controller logits; the same fields as :class:`~neural.machine.Dists`.

    Stack ``K`` of them on a leading axis (``jax.tree.map(jnp.stack, ...)``) for restarts.
    """

    op: jax.Array  # (L, n_ops)
    a: jax.Array  # (L, R)
    b: jax.Array  # (L, R)
    o: jax.Array  # (L, R)
    init: jax.Array  # (R, M)


def to_dists(w: Weights, temperature: float = 1.0) -> Dists:
    """Softmax every row of the logits (at a temperature) into a soft program."""
    sm = lambda x: jax.nn.softmax(x / temperature, axis=-1)
    return Dists(sm(w.op), sm(w.a), sm(w.b), sm(w.o), sm(w.init))


def _noisy_log(onehot: jax.Array, key: jax.Array, noise: float, eps: float, sharpness: float) -> jax.Array:
    u = jax.random.uniform(key, onehot.shape, dtype=onehot.dtype)
    return sharpness * jnp.log(onehot + noise * u + eps)


def compile_program(
    program: Program,
    key: jax.Array,
    ops: tuple[int, ...] = tuple(range(len(OPS))),
    noise: float = DEFAULT_NOISE,
    eps: float = DEFAULT_EPS,
    sharpness: float = 1.0,
    free: Sequence[int] = (),
    free_init: str = "uniform",
    free_scale: float = 0.2,
    free_ops: Sequence[int] | None = None,
    free_heads: Sequence[str] = HEADS,
) -> Weights:
    """Weights whose softmax is ``program`` (up to ``noise`` and ``eps``); seed eq. 3.
    ``free`` lines are left open (see the module docstring)."""
    if eps <= 0:
        raise ValueError(f"eps must be > 0 (log 0 is -inf and turns into NaN), got {eps}")
    if free_init not in FREE_INITS:
        raise ValueError(f"free_init must be one of {', '.join(FREE_INITS)}, got {free_init!r}")
    bad = [i for i in free if not 0 <= i < program.M]
    if bad:
        raise ValueError(f"free lines {bad} are outside the program's {program.M} lines")
    if not set(free_heads) <= set(HEADS):
        raise ValueError(f"free_heads must be among {', '.join(HEADS)}, got {tuple(free_heads)}")
    d = one_hot_dists(program, ops)
    keys = jax.random.split(key, 6)
    w = Weights(*(_noisy_log(x, k, noise, eps, sharpness) for x, k in zip(jax.tree.leaves(d), keys)))
    if not free:
        return w
    rows = jnp.zeros(program.M, bool).at[jnp.asarray(list(free))].set(True)[:, None]
    heads = jax.random.split(keys[5], 4)
    opened = []
    for name, k, x in zip(HEADS, heads, (w.op, w.a, w.b, w.o)):
        if name not in free_heads:
            opened.append(x)
        elif free_init == "noop":
            opened.append(jnp.where(rows, x / sharpness, x))
        else:
            opened.append(jnp.where(rows, free_scale * jax.random.normal(k, x.shape, x.dtype), x))
    if free_ops is not None and "op" in free_heads:
        allowed = jnp.asarray([o in set(free_ops) for o in ops])
        opened[0] = jnp.where(rows & ~allowed, jnp.log(eps), opened[0])
    return Weights(*opened, w.init)


def random_weights(
    key: jax.Array, M: int, R: int, ops: tuple[int, ...] = tuple(range(len(OPS))), eps: float = DEFAULT_EPS
) -> Weights:
    """Weights drawn with no program (the paper's "Optimization" baseline): ``log(u + ε)``."""
    shapes = [(M, len(ops)), (M, R), (M, R), (M, R), (R, M)]
    keys = jax.random.split(key, 5)
    return Weights(*(jnp.log(jax.random.uniform(k, s) + eps) for k, s in zip(keys, shapes)))


def decompile(
    w: Weights, M: int, R: int, ops: tuple[int, ...] = tuple(range(len(OPS))), length: int | None = None
) -> tuple[Program, np.ndarray]:
    """Argmax program of one set of weights and its per-line confidence ``(M,)``.

    Without ``length``, trailing STOP lines are dropped except the first of them (lines
    past the end are STOP anyway), so ``decompile(compile_program(p)) == p`` for programs
    that end in STOP or fill all ``M`` lines.
    """
    return decompile_dists(jax.tree.map(np.asarray, to_dists(w)), M, R, ops, length)


def decompile_dists(
    d: Dists, M: int, R: int, ops: tuple[int, ...] = tuple(range(len(OPS))), length: int | None = None
) -> tuple[Program, np.ndarray]:
    """:func:`decompile` of a soft program already in numpy (one restart's :class:`Dists`):
    tuning converts all restarts at once and calls this per restart."""
    op = np.asarray(ops)[d.op.argmax(-1)]
    a, b, o = d.a.argmax(-1), d.b.argmax(-1), d.o.argmax(-1)
    conf = d.op.max(-1)
    for head, uses in ((d.a, USES_A), (d.b, USES_B), (d.o, USES_O)):
        used = np.isin(op, list(uses))
        conf = conf * np.where(used, head.max(-1), 1.0)
    if length is None:
        body = np.flatnonzero(op != STOP)
        length = min(M, body[-1] + 2) if body.size else 1
    lines = tuple(Line(int(op[i]), int(a[i]), int(b[i]), int(o[i])) for i in range(length))
    init = tuple(int(v) for v in d.init.argmax(-1))
    return Program(M, R, init, lines), conf
