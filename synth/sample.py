"""Random skeletons of the language, seeded: for differential tests and synthetic tasks.

:func:`program` draws a program of one of the shapes the search composes (straight-line
writes, a loop with carried variables and writes, nested loops) with random expressions
inside; :func:`expression` draws one expression over given variables. Every draw takes a
``numpy`` generator, so a seed fixes the draw.
"""

from __future__ import annotations

import numpy as np

from .lang import (
    BINARY,
    UNARY,
    Term,
    app,
    assign,
    cell,
    const,
    for_list,
    par,
    read,
    repeat,
    seq,
    var,
    while_loop,
    write,
)


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


def _loop(rng: np.random.Generator, M: int, v: str, x: str, body: Term) -> Term:
    kind = rng.integers(3)
    start = const(int(rng.integers(0, min(M, 4)))) if rng.random() < 0.6 else cell(int(rng.integers(min(M, 3))))
    if kind == 0:
        return for_list(v, x, start, body)
    if kind == 1:
        return repeat(v, start, body)
    cond = [var(v), read(var(v)), read(app("inc", var(v)))][rng.integers(3)]
    step = [app("inc", var(v)), app("dec", var(v)), read(var(v))][rng.integers(3)]
    return while_loop(v, start, cond, step, body)


def program(rng: np.random.Generator, M: int, depth: int = 2) -> Term:
    """A program: straight-line writes, a loop (maybe nested) with carried variables and
    writes, then writes of results."""
    shape = rng.integers(3)
    if shape == 0:
        k = int(rng.integers(1, 3))
        return par(*(write(expression(rng, M, (), depth), expression(rng, M, (), depth)) for _ in range(k)))
    names = ("i", "x", "a")
    body = []
    if rng.random() < 0.6:
        body.append(assign("a", expression(rng, M, names, depth)))
    if rng.random() < 0.7 or not body:
        body.append(write(expression(rng, M, names, 1), expression(rng, M, names, depth)))
    inner = par(*body)
    if shape == 2:  # a loop inside a loop
        inner = _loop(rng, M, "j", "y", par(write(var("j"), expression(rng, M, ("i", "j", "y"), depth))))
    loop = _loop(rng, M, "i", "x", inner)
    post = [write(const(int(rng.integers(M))), expression(rng, M, ("a", "i"), depth))] if rng.random() < 0.5 else []
    return seq(assign("a", const(int(rng.integers(2)))), loop, *post)
