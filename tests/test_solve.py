"""Solving for values (synth.solve): what :func:`solve` answers is what trying its choices
one by one, in order, answers (static choices are tried in windows, and remembered)."""

import numpy as np
import pytest

from synth.lang import const, hole
from synth.solve import Choice, Table, choice, functional, solve


def _one_by_one(need: np.ndarray, choices: list[Choice], holes: list[Choice], todo: np.ndarray) -> list:
    """Per query of ``todo``: the cheapest row of the first choice with the needed values
    at the query's points, else a hole over the first hole choice whose needs are a
    function of its points, else None."""
    out = []
    for q in todo:
        found = None
        for ch in choices:
            pts = (ch.points() if ch.static else ch.points(np.array([q]))[0])[None]
            g = ch.table.first(pts, need)[0]
            if g >= 0:
                found = str(ch.table.terms[g])
                break
        for ch in holes if found is None else ():
            pts = (ch.points() if ch.static else ch.points(np.array([q]))[0])[None]
            if functional(pts, need)[0]:
                found = str(hole(0, *ch.env))
                break
        out.append(found)
    return out


def _case(rng: np.random.Generator, M: int = 5):
    """A table, a need, and choices (static, static read without the prefilter, dynamic)
    as specs to build them from, most static ones over few values so that some fit."""
    D, G, P, N = (int(x) for x in (rng.integers(2, 12), rng.integers(1, 20), rng.integers(0, 6), rng.integers(1, 6)))
    tab = Table([const(g) for g in range(G)], np.arange(G), rng.integers(0, M, (G, D)), M)
    specs = []
    for _ in range(int(rng.integers(0, 60))):
        kind = int(rng.integers(0, 4))
        if kind == 0:
            specs.append((kind, rng.integers(0, D, (N, P))))
        else:
            specs.append((kind, rng.integers(0, min(D, int(rng.integers(1, 4))) if kind > 1 else D, P)))
    return tab, rng.integers(0, M, P), specs, N


def _choices(tab: Table, specs: list, P: int) -> tuple[list[Choice], list[Choice]]:
    make = {
        0: lambda v: choice(tab, {}, v, True),
        1: lambda v: choice(tab, {}, v, False, base=np.zeros(P, dtype=np.int64)),
        2: lambda v: choice(tab, {}, v, False),
        3: lambda v: choice(tab, {}, v, False),
    }
    holes = [choice(None, (const(i),), v, kind == 0) for i, (kind, v) in enumerate(specs[:7])]
    return [make[kind](v) for kind, v in specs], holes


@pytest.mark.parametrize("seed", range(2))
def test_solve_answers_as_trying_choices_one_by_one(seed):
    rng = np.random.default_rng(seed)
    fits = 0
    for _ in range(300):
        tab, need, specs, N = _case(rng)
        memo: dict = {}  # shared by the calls, as the search shares it across levels
        for _ in range(3):
            todo = np.sort(rng.choice(N, int(rng.integers(0, N + 1)), replace=False))
            choices, holes = _choices(tab, specs, len(need))
            got, _ = solve(N, need, iter(choices), iter(holes), memo, todo)
            want = _one_by_one(need, choices, holes, todo)
            assert [None if got[q] is None else str(got[q]) for q in todo] == want
            assert all(got[q] is None for q in np.setdiff1d(np.arange(N), todo))
            fits += sum(w is not None for w in want)
    assert fits > 100  # the cases are not all misses
