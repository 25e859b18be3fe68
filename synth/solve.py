"""Solving for write values: expression tables looked up by the values a write needs.

A write's value expression is not enumerated but solved for: among a bank's expressions up
to a cost (a :class:`Table`, cheapest first), the first whose values at the points a
structure visits are the values the examples need. A bitset per (point, value) makes that
one AND per point, for many queries at once. :func:`solve` tries choices in order (a
:class:`Choice`: a table over some operands) and falls back to holes when no expression
fits but the needs are a function of the operands (:func:`functional`); :func:`covers`
picks the straight-line writes that together cover the changed cells.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

import numpy as np

from .enumerate import Bank, Chain
from .lang import Term, hole, reads, substitute

_LOWEST_BIT = np.array([(b & -b).bit_length() - 1 if b else 8 for b in range(256)], dtype=np.int64)


@dataclasses.dataclass
class Table:
    """The expressions of one context up to a cost, as a lookup table.

    ``values[g, p]`` is expression ``g``'s value at domain point ``p``; expressions are in
    order of cost. :meth:`first` answers "the cheapest expression with these values at
    these points" for many queries at once, through a bitset per (point, value).
    """

    terms: list[Term]
    costs: np.ndarray
    values: np.ndarray  # (G, D)
    M: int

    @staticmethod
    def of(bank: Bank, max_cost: int, keep: Callable[[Term], bool] | None = None) -> Table:
        levels = list(bank.upto(max_cost))
        terms = Chain([lv.terms for _, lv in levels])
        costs = np.array([c for c, lv in levels for _ in range(len(lv.terms))], dtype=np.int64)
        values = np.concatenate([lv.values for _, lv in levels]) if levels else np.zeros((0, bank.width))
        values = values.astype(np.int64)
        if keep is not None:
            sel = np.array([keep(t) for t in terms], dtype=bool)
            terms, costs, values = [t for t, s in zip(terms, sel) if s], costs[sel], values[sel]
        return Table(terms, costs, values, bank.M)

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def bits(self) -> np.ndarray:
        """``(D + 1, M, ceil(G/8))`` packed: bit ``g`` of ``[p, y]`` is ``values[g, p] == y``;
        row ``D`` is all ones (a point that does not count)."""
        if not hasattr(self, "_bits"):
            G = len(self.values)
            onehot = self.values[:, :, None] == np.arange(self.M)[None, None]  # (G, D, M)
            packed = np.packbits(onehot, axis=0, bitorder="little").transpose(1, 2, 0)  # (D, M, W)
            ones = np.full((1, self.M, packed.shape[2]), 255, dtype=np.uint8)
            self._bits = np.ascontiguousarray(np.concatenate([packed, ones]))
            if G % 8:  # no expression beyond G
                self._bits[..., -1] &= np.uint8((1 << (G % 8)) - 1)
        return self._bits

    def first(self, points: np.ndarray, need: np.ndarray, valid: np.ndarray | None = None, chunk: int = 4096):
        """Per query (rows of ``points`` ``(N, P)``, ``need`` ``(N, P)`` or ``(P,)``): the
        index of the cheapest expression with value ``need`` at every valid point, or -1."""
        N = len(points)
        out = np.full(N, -1)
        if not len(self) or not N:
            return out
        bits = self.bits
        D = self.values.shape[1]
        if valid is not None:
            points = np.where(valid, points, D)
        for s in range(0, N, chunk):
            ns = need if need.ndim == 1 else need[s : s + chunk]  # a shared need broadcasts
            acc = np.bitwise_and.reduce(bits[points[s : s + chunk], ns], axis=1)  # (n, W)
            nz = acc != 0
            has = nz.any(1)
            w = nz.argmax(1)
            byte = acc[np.arange(len(acc)), w]
            out[s : s + chunk] = np.where(has, 8 * w + _LOWEST_BIT[byte], -1)
        return out


def functional(points: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Per query ``(N, P)``: whether the needs are a function of the points (no point
    needs two different values), i.e. some expression of these operands fits.

    Each query scatters its needs into a table indexed by point and reads them back: a
    point that needs two different values reads back the other one somewhere (no sort per
    query)."""
    N, P = points.shape
    if not N or not P:
        return np.ones(N, dtype=bool)
    lo = int(points.min())
    width = int(points.max()) - lo + 1
    if N * width > max(1 << 22, 8 * N * P):  # sparse points (e.g. hashes): sort each query
        order = np.argsort(points, axis=1, kind="stable")
        p = np.take_along_axis(points, order, 1)
        v = np.take_along_axis(np.broadcast_to(need, points.shape), order, 1)
        return ~((p[:, 1:] == p[:, :-1]) & (v[:, 1:] != v[:, :-1])).any(1)
    flat = (points - lo).astype(np.int64) + (np.arange(N) * width)[:, None]  # uint64 points too
    table = np.empty(N * width, dtype=np.result_type(need))
    table[flat] = need
    return (table[flat] == need).all(1)


Operand = tuple  # (term, values, dynamic): values (P,) for every query, or (N, P) per query


class Choice(NamedTuple):
    """One way to solve for a value: the cheapest row of ``table`` with the needed values
    at the points (``table`` None: a hole over the operand terms ``env``), ``env``
    mapping the table's ``u``/``w`` to operand terms. ``static``: every query has the
    same points, ``points()`` gives them ``(P,)``; else ``points(todo)`` gives each
    query's ``(n, P)``. ``prefilter``: test first that the needs are a function of the
    points (cheap; no table row can fit otherwise)."""

    table: Table | None
    env: dict | tuple
    points: Callable
    static: bool
    prefilter: bool = True


def choice(table: Table | None, env, v: np.ndarray, dynamic: bool, base: np.ndarray | None = None) -> Choice:
    """A choice over one operand's values ``v`` (``base + v``: the flat index of a
    memory-reading table's rows, example x value, tried without the prefilter)."""
    if base is not None:
        if dynamic:
            return Choice(table, env, lambda todo: base + v[todo], False, prefilter=False)
        return Choice(table, env, lambda: base + v, True, prefilter=False)
    if dynamic:
        return Choice(table, env, lambda todo: v[todo], False)
    return Choice(table, env, lambda: v, True)


def pair_choice(table: Table | None, a: Operand, b: Operand, M: int) -> Choice:
    """A choice over two operands: points ``a * M + b`` (a hole over both if ``table`` is
    None)."""
    (ta, va, da), (tb, vb, db) = a, b
    env = {"u": ta, "w": tb} if table is not None else (ta, tb)
    if da or db:
        return Choice(table, env, lambda todo: (va[todo] if da else va) * M + (vb[todo] if db else vb), False)
    return Choice(table, env, lambda: va * M + vb, True)


def keeps(name: str, t: Term) -> bool:
    """Whether a carried update or solving table keeps ``t``: it must use an argument (``u``
    for a function of one value; ``u`` or ``w`` for two); the memory-reading table keeps
    only the terms that read (the rest are in ``u``)."""
    if not reads(t) & ({"u", "w"} if name == "uw" else {"u"}):
        return False
    return name != "um" or any(n.op in ("read", "cell") for n in t.walk())


COVER_PATTERNS = 40  # covers combines the cheapest this many patterns of cells covered


def covers(writes: list, D: np.ndarray, max_writes: int, max_total: int) -> Iterator[list]:
    """Sets of writes that together cover every changed cell, cheapest first (at most
    ``max_writes``, built from the cheapest write per covered pattern, of the
    :data:`COVER_PATTERNS` cheapest patterns and the cheapest write that covers every cell
    alone); failing that, one write per changed cell where each has one (any number of
    result cells) if they cost at most ``max_total`` together (more would memorise the
    examples cell by cell)."""
    best: dict[bytes, tuple] = {}
    for w in writes:
        cov = w[3] & D
        key = cov.tobytes()
        if cov.any() and (key not in best or w[0] < best[key][0]):
            best[key] = w
    ranked = sorted(best.values(), key=lambda w: w[0])
    pats = ranked[:COVER_PATTERNS]
    bits = [_bits(w[3] & D) for w in pats]  # the changed cells each covers, as an integer
    want = _bits(D)
    if want not in bits:  # a write that covers everything alone, past cheaper partial ones
        whole = next((w for w in ranked[COVER_PATTERNS:] if _bits(w[3] & D) == want), None)
        if whole is not None:
            pats.append(whole)
            bits.append(want)
    found = []
    for k in range(1, max_writes + 1):
        for combo in itertools.combinations(range(len(pats)), k):
            if functools.reduce(operator.or_, (bits[i] for i in combo)) == want:
                found.append((sum(pats[i][0] for i in combo), tuple(pats[i] for i in combo)))
        if found:
            break
    if not found:
        cheapest: dict[int, tuple] = {}
        for w in sorted(best.values(), key=lambda w: w[0]):
            cols = np.flatnonzero(w[3].any(0))
            if len(cols) == 1 and (w[3][:, cols[0]] | ~D[:, cols[0]]).all():
                cheapest.setdefault(int(cols[0]), w)
        total = sum(w[0] for w in cheapest.values())
        if set(cheapest) == set(np.flatnonzero(D.any(0)).tolist()) and total <= max_total:
            found.append((total, tuple(cheapest.values())))
    for _, combo in sorted(found, key=lambda x: x[0])[:3]:
        yield list(combo)


def _bits(mask: np.ndarray) -> int:
    """A boolean array as one integer, a bit per entry."""
    return int.from_bytes(np.packbits(mask).tobytes(), "big")


def solve(
    N: int, need: np.ndarray, choices: Iterable[Choice], holes: Iterable[Choice], memo: dict, todo=None
) -> tuple[list[Term | None], int]:
    """The cheapest expression, per query (``todo``, default all ``N``), that has value
    ``need`` ``(P,)`` at the query's points, trying ``choices`` in order. Queries still
    open get a hole over the first of ``holes`` whose needs are a function of its points
    (pass no ``holes`` when holes are off). Also returns the (expression, need)
    comparisons made.

    A static choice (no carried variable among its operands) answers every query
    alike: it is tried once and its answer kept in ``memo`` (a dict per need and
    choice list: the same choices come back at every level), and once one fits, the
    queries still open take it and the choices after it are never looked at."""
    out: list[Term | None] = [None] * N
    todo = np.arange(N) if todo is None else np.asarray(todo, dtype=np.int64)
    todo, compared = _try(out, todo, need, choices, memo, "choice")
    if todo.size:
        compared += _try(out, todo, need, holes, memo, "hole")[1]
    return out, compared


def _try(
    out: list, todo: np.ndarray, need: np.ndarray, choices: Iterable[Choice], memo: dict, kind: str
) -> tuple[np.ndarray, int]:
    """Fill ``out`` for the queries ``todo`` from ``choices`` in order (see :func:`solve`);
    returns the queries left open and the comparisons made.

    Static choices are taken in windows (8, then four times as many each time) whose
    prefilters run as one :func:`functional` over the stacked points: most choices fail
    it, and a call per choice costs more than the test."""
    compared, k, size = 0, 0, 8
    window: list[tuple[tuple, Choice]] = []  # static choices not yet tried, with their memo keys

    def flush() -> Term | None:  # the first choice of the window that fits, in order
        nonlocal compared, size
        fresh = [(key, ch) for key, ch in window if key not in memo and (ch.prefilter or kind == "hole")]
        if fresh:
            ok = functional(np.stack([ch.points() for _, ch in fresh]), need)
            memo.update((key, None) for (key, _), o in zip(fresh, ok) if not o)
        for key, ch in window:
            if key not in memo:
                found, n = _fit(ch, ch.points()[None], need, kind)
                memo[key], compared = found[0], compared + n
            if memo[key] is not None:
                return memo[key]
        window.clear()
        size *= 4
        return None

    for ch in itertools.chain(choices, [None]):  # None: the end, where the window is flushed
        if not todo.size:
            break
        if ch is not None and ch.static:
            window.append(((kind, k), ch))
            k += 1
            if len(window) < size:
                continue
        if window and (t := flush()) is not None:  # a static fit answers every query left
            for q in todo:
                out[q] = t
            return todo[:0], compared
        if ch is None or ch.static:
            continue
        found, n = _fit(ch, ch.points(todo), need, kind)
        compared += n
        hit = np.array([t is not None for t in found], dtype=bool)
        for q, t in zip(todo[hit], itertools.compress(found, hit)):
            out[q] = t
        todo = todo[~hit]
    return todo, compared


def _fit(ch: Choice, pts: np.ndarray, need: np.ndarray, kind: str) -> tuple[list[Term | None], int]:
    """Per row of ``pts`` ``(n, P)``: the term choice ``ch`` gives (a hole for a hole
    choice), or None; and the comparisons made."""
    out: list[Term | None] = [None] * len(pts)
    if kind == "hole":
        t = hole(0, *ch.env)
        for q in np.flatnonzero(functional(pts, need)):
            out[q] = t
        return out, 0
    sel = np.flatnonzero(functional(pts, need)) if ch.prefilter else np.arange(len(pts))
    if not sel.size:
        return out, 0
    g = ch.table.first(pts[sel], need)
    made: dict[int, Term] = {}
    for q, gq in zip(sel[g >= 0], g[g >= 0]):
        if gq not in made:
            made[gq] = substitute(ch.table.terms[gq], ch.env)
        out[q] = made[gq]
    return out, len(ch.table) * len(sel)
