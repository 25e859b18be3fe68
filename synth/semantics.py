"""Vectorised semantics of the skeleton language (numpy, all examples at once).

An expression in a lambda context is a *table*: its value at every point of the context's
domain (``M`` points for ``x``, ``M²`` for ``(acc, x)`` and ``(a, b)``, point ``p`` meaning
``first = p // M, second = p % M``). An expression in the ``mem`` context is its value on
each example. The program runners take a batch of ``n`` candidate bodies (tables stacked on
a leading axis) and return ``(n, B, M)`` output memories.

List loops read the *input*: a map or fold over the list at ``s`` stops at the first 0 in
cells ``s..M-1`` (cells ahead of the loop are never written before they are read). When
there is no 0 there the machine's pointer would wrap around to cell 0; we call that example
*diverged* and give it the output ``DIVERGED`` in every cell, which matches no target.
"""

from __future__ import annotations

import numpy as np

from .lang import CONTEXTS, Term

DIVERGED = -1


def domain(ctx: str, M: int) -> dict[str, np.ndarray]:
    """Variable values at every domain point of a lambda context (``mem``: none)."""
    names = CONTEXTS[ctx]
    if not names:
        return {}
    if len(names) == 1:
        return {names[0]: np.arange(M)}
    p = np.arange(M * M)
    return {names[0]: p // M, names[1]: p % M}


def domain_size(ctx: str, M: int, inputs: np.ndarray | None = None) -> int:
    if ctx == "mem":
        return 0 if inputs is None else inputs.shape[0]
    return M ** len(CONTEXTS[ctx])


def leaf(t: Term, ctx: str, M: int, inputs: np.ndarray | None = None) -> np.ndarray:
    """Values of a leaf (``const``, ``var``, ``cell``) over the context's domain."""
    n = domain_size(ctx, M, inputs)
    if t.op == "const":
        return np.full(n, t.args[0] % M, dtype=np.int64)
    if t.op == "var":
        return domain(ctx, M)[t.args[0]].astype(np.int64)
    if t.op == "cell":
        return inputs[:, t.args[0]].astype(np.int64)
    raise ValueError(f"{t.op} is not a leaf")


def apply(op: str, M: int, args: list[np.ndarray], inputs: np.ndarray | None = None) -> np.ndarray:
    """An op on argument value arrays (any matching shapes; broadcasting allowed)."""
    if op == "inc":
        return (args[0] + 1) % M
    if op == "dec":
        return (args[0] - 1) % M
    if op == "add":
        return (args[0] + args[1]) % M
    if op == "sub":
        return (args[0] - args[1]) % M
    if op == "min":
        return np.minimum(args[0], args[1])
    if op == "max":
        return np.maximum(args[0], args[1])
    if op == "ifz":
        return np.where(args[0] == 0, args[1], args[2])
    if op == "read":  # args[0] is (..., B): one address per example
        v = args[0]
        return inputs[np.arange(v.shape[-1]), v]
    raise ValueError(f"unknown expression op {op!r}")


def eval_expr(t: Term, ctx: str, M: int, inputs: np.ndarray | None = None) -> np.ndarray:
    """One expression's values over its context's domain (recursive; for checks and tests)."""
    if t.op in ("const", "var", "cell"):
        return leaf(t, ctx, M, inputs)
    return apply(t.op, M, [eval_expr(c, ctx, M, inputs) for c in t.children()], inputs)


def closed_value(t: Term, M: int) -> int:
    """The value of an expression with no variables (a loop's initial value, usually a
    constant, or an equivalent form the e-graph proposed)."""
    return int(eval_expr(t, "x", M)[0])


# ---------------------------------------------------------------------- program runners


def list_mask(inputs: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
    """``(in_list (B, M) bool, diverged (B,) bool)`` for the 0-terminated list at ``start``."""
    _B, M = inputs.shape
    j = np.arange(M)
    zero = (inputs == 0) & (j >= start)
    has = zero.any(1)
    end = np.where(has, zero.argmax(1), M)
    return (j >= start) & (j < end[:, None]), ~has


def _finish(out: np.ndarray, diverged: np.ndarray) -> np.ndarray:
    if diverged.any():
        out[:, diverged] = DIVERGED
    return out


def run_store(k: int, values: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """``mem[k] ← e`` for ``values`` ``(n, B)``."""
    out = np.repeat(inputs[None], values.shape[0], axis=0)
    out[:, :, k] = values
    return out


def run_map(start: int, tables: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """``map`` for bodies ``tables`` ``(n, M)``."""
    in_list, diverged = list_mask(inputs, start)
    mapped = tables[:, inputs]  # (n, B, M)
    return _finish(np.where(in_list[None], mapped, inputs[None]), diverged)


def run_fold(
    start: int, init: np.ndarray, tables: np.ndarray, out: int, inputs: np.ndarray, cells: bool = False
) -> np.ndarray:
    """``fold`` (list) or ``foldcells`` (cells ``start..M-1``) for steps ``tables`` ``(n, M²)``
    and initial accumulators ``init`` ``(n,)``."""
    B, M = inputs.shape
    n = tables.shape[0]
    if cells:
        in_list, diverged = np.zeros_like(inputs, dtype=bool), np.zeros(B, dtype=bool)
        in_list[:, start:] = True
    else:
        in_list, diverged = list_mask(inputs, start)
    acc = np.repeat(np.asarray(init, dtype=np.int64)[:, None], B, axis=1)
    rows = np.arange(n)[:, None]
    for j in range(start, M):
        active = in_list[:, j]
        if not active.any():
            break
        nxt = tables[rows, acc * M + inputs[None, :, j]]
        acc = np.where(active[None], nxt, acc)
    res = np.repeat(inputs[None], n, axis=0)
    res[:, :, out] = acc
    return _finish(res, diverged)


def run_loop(
    count: int, a0: np.ndarray, b0: np.ndarray, fa: np.ndarray, fb: np.ndarray, out: int, inputs: np.ndarray
) -> np.ndarray:
    """``loop`` for ``n`` candidates: ``a0``, ``b0`` ``(n,)``, ``fa``, ``fb`` ``(n, M²)``."""
    B, M = inputs.shape
    n = fa.shape[0]
    times = inputs[:, count]
    a = np.repeat(np.asarray(a0, dtype=np.int64)[:, None], B, axis=1)
    b = np.repeat(np.asarray(b0, dtype=np.int64)[:, None], B, axis=1)
    rows = np.arange(n)[:, None]
    for t in range(int(times.max(initial=0))):
        active = (t < times)[None]
        p = a * M + b
        a, b = np.where(active, fa[rows, p], a), np.where(active, fb[rows, p], b)
    res = np.repeat(inputs[None], n, axis=0)
    res[:, :, out] = a
    return res


def run(t: Term, inputs: np.ndarray, M: int) -> np.ndarray:
    """Output memories ``(B, M)`` of one program term on ``inputs`` ``(B, M)``."""
    inputs = np.asarray(inputs, dtype=np.int64)
    a = t.args
    table = lambda e, ctx: eval_expr(e, ctx, M, inputs)[None]
    if t.op == "store":
        return run_store(a[0], table(a[1], "mem"), inputs)[0]
    if t.op == "map":
        return run_map(a[0], table(a[1], "x"), inputs)[0]
    c = lambda e: np.array([closed_value(e, M)])
    if t.op in ("fold", "foldcells"):
        return run_fold(a[0], c(a[1]), table(a[2], "acc_x"), a[3], inputs, cells=t.op == "foldcells")[0]
    if t.op == "loop":
        return run_loop(a[0], c(a[1]), c(a[2]), table(a[3], "ab"), table(a[4], "ab"), a[5], inputs)[0]
    raise ValueError(f"{t.op} is not a program op")
