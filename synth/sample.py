"""Random skeletons of the language, seeded: for differential tests and synthetic tasks.

:func:`program` draws a program of one of the shapes the search composes, with random
expressions inside:

- straight-line: simultaneous writes (``par``), or a let then writes (``seq``);
- a single loop — a ``for`` list walk, a ``repeat`` count, a ``while`` or a ``do`` loop
  (the search's conditions and steps) — carrying variables and writing cells, then writes
  of results;
- a loop inside a loop;
- two loops one after the other.

:func:`expression` draws one expression over given variables, :func:`loop` one loop of a
given kind. Every draw takes a ``numpy`` generator, so a seed fixes the draw. Holes are
never drawn: they have no semantics to run.
"""

from __future__ import annotations

import numpy as np

from . import loops
from .lang import (
    BINARY,
    LOOPS,
    UNARY,
    Term,
    app,
    assign,
    cell,
    const,
    do_loop,
    for_list,
    if_nonzero,
    par,
    read,
    reads,
    repeat,
    seq,
    var,
    while_loop,
    write,
)

SHAPES = ("par", "guarded", "let", "loop", "nested", "two loops")

# The search's loop conditions and steps over a cursor, in the search's order.
CONDS = tuple(loops.CONDS.values())
STEPS = tuple(loops.STEPS.values())


def expression(rng: np.random.Generator, M: int, names: tuple[str, ...], depth: int = 2, memory: bool = True) -> Term:
    """An expression over the variables ``names`` (and memory, with ``memory``)."""
    if depth == 0 or rng.random() < 0.3:
        kinds = ["const"] + (["var"] if names else []) + (["cell"] if memory else [])
        kind = kinds[rng.integers(len(kinds))]
        if kind == "const":
            return const(int(rng.integers(0, M)) if rng.random() < 0.3 else int(rng.integers(0, 2)))
        if kind == "var":
            return var(names[rng.integers(len(names))])
        return cell(int(rng.integers(M)))
    r = rng.random()
    sub = lambda: expression(rng, M, names, depth - 1, memory)
    if r < 0.3:
        return app(UNARY[rng.integers(len(UNARY))], sub())
    if r < 0.75:
        return app(BINARY[rng.integers(len(BINARY))], sub(), sub())
    if r < 0.85 or not memory:
        return Term("ifz", (sub(), sub(), sub()))
    return read(sub())


def loop(rng: np.random.Generator, M: int, kind: str, v: str, x: str, body: Term) -> Term:
    """A loop of ``kind`` (one of :data:`synth.lang.LOOPS`) with cursor ``v`` around ``body``;
    a ``for`` binds its element to ``x``. ``while`` and ``do`` take one of the search's
    conditions and steps."""
    start = const(int(rng.integers(0, min(M, 4)))) if rng.random() < 0.6 else cell(int(rng.integers(min(M, 3))))
    if kind == "for":
        return for_list(v, x, start, body)
    if kind == "repeat":
        return repeat(v, start, body)
    cond = CONDS[rng.integers(len(CONDS))](v)
    step = STEPS[rng.integers(len(STEPS))](v)
    if kind == "while":
        return while_loop(v, start, cond, step, body)
    if kind == "do":
        return do_loop(v, start, cond, step, body)
    raise ValueError(f"unknown loop kind {kind!r}")


def _kind(rng: np.random.Generator) -> str:
    return LOOPS[rng.integers(len(LOOPS))]


def _body(rng: np.random.Generator, M: int, names: tuple[str, ...], depth: int) -> Term:
    """A loop body: maybe a carried update of ``a``, and (or) a write."""
    body = []
    if rng.random() < 0.6:
        body.append(assign("a", expression(rng, M, names, depth)))
    if rng.random() < 0.7 or not body:
        body.append(write(expression(rng, M, names, 1), expression(rng, M, names, depth)))
    return par(*body)


def _uses(t: Term, name: str) -> bool:
    return name in reads(t)


def program(rng: np.random.Generator, M: int, depth: int = 2) -> Term:
    """A program of one of :data:`SHAPES` (drawn uniformly): straight-line writes, the
    same under a guard, a let then writes, a loop (of any kind) with carried variables
    and writes then writes of results, a loop inside a loop, two loops in sequence;
    expressions of depth 1 to ``depth``."""
    shape = SHAPES[rng.integers(len(SHAPES))]
    depth = int(rng.integers(1, depth + 1))  # small programs too, like those the search finds
    if shape in ("par", "guarded"):
        k = int(rng.integers(1, 3))
        writes = par(*(write(expression(rng, M, (), depth), expression(rng, M, (), depth)) for _ in range(k)))
        return writes if shape == "par" else if_nonzero(expression(rng, M, (), depth), writes)
    if shape == "let":
        let = assign("a", expression(rng, M, (), depth))
        k = int(rng.integers(1, 3))
        return seq(let, *(write(expression(rng, M, ("a",), 1), expression(rng, M, ("a",), depth)) for _ in range(k)))
    names = ("i", "x", "a")
    if shape == "nested":
        inner = loop(rng, M, _kind(rng), "j", "y", write(var("j"), expression(rng, M, ("i", "j", "y"), depth)))
        loops = [loop(rng, M, _kind(rng), "i", "x", inner)]
    elif shape == "two loops":  # small bodies: the pair must still fit a small machine
        loops = [loop(rng, M, _kind(rng), "i", "x", _body(rng, M, names, 1))]
        loops.append(loop(rng, M, _kind(rng), "j", "y", _body(rng, M, ("j", "y", "a"), 1)))
    else:
        loops = [loop(rng, M, _kind(rng), "i", "x", _body(rng, M, names, depth))]
    post = [write(const(int(rng.integers(M))), expression(rng, M, ("a", "i"), depth))] if rng.random() < 0.5 else []
    init = assign("a", const(int(rng.integers(2))))
    uses_a = any(_uses(t, "a") for t in (*loops, *post))
    return seq(*([init] if uses_a or rng.random() < 0.2 else []), *loops, *post)
