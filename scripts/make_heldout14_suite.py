"""Write the fourteenth held-out suite ``bridge/suites/heldout14.json``: twelve tasks written on
7 Dec 2026 (eighth session), after the thirteenth held-out suite had been written, by someone
who had not seen the search's code or how it fares on them. Each generator draws inputs so
that every behaviour the task has (pointers at cell 0, at the cells the task reads and at the
last cell, values equal to their own address and 0, constant, rising, falling and wrapping
sequences, the emptiest and the fullest stacks with counts of 0, 1 and the whole depth,
chains of no hop, one hop and through every cell, empty, one-element and full lists with
runs that fall by one, long falls and new peaks, empty, one-node and long linked lists with
the node asked for at the head, in the middle and at the end, fill values of 0 and equal to
a node's, divisors of 0, 1, ``M - 1``, prime to ``M`` and not, quotients that wrap past
``M``, compares that match and miss with the pointer on cells 0, 1 and 2, periods of 1, 2,
``M - 2`` and ``M - 1``) turns up among the 16 train examples, and the train examples were
checked to rule out the nearest simpler wrong tasks; each task fits a program of fewer than
``M`` lines on its ``R`` registers that halts within ``T`` (checked before the commit with
hand-written programs on the discrete interpreter; they are not shipped, so nothing is tuned
against them). Eight tasks have ``R = 4`` registers; ``mod_divide`` (a loop that keeps a running
multiple and a count besides its two jump targets) has ``R = 5``; three, ``ll_pos``,
``ll_to_front`` and ``stack_dupn`` (a walk that compares each address with a target and
counts, a walk that then relinks three cells, and a counted fill behind a stack), have
``R = 6``. ``T`` is ``8 * M``, except 128 for ``peak_hold`` and ``lp_tile``, whose
hand-written programs' slowest runs (75 and 85 steps) came near ``8 * M``. The tasks were
fixed and committed before anything was run on them; their first run is the honest figure.
Same format and helpers as :mod:`make_dev_suite`; salt 14000.

    python scripts/make_heldout14_suite.py [--out bridge/suites/heldout14.json]
"""

from __future__ import annotations

from itertools import pairwise

import make_dev_suite
import numpy as np
from make_dev_suite import any_cells, chain, edge, ends_or_any, out_mask, relink, some_short


def t_ptr_trade(M):
    def gen(r, M):
        m = any_cells(r, M)
        p = m[0] = edge(r, [0, 1, M - 1], 1, M)  # at itself, at cell 1, last, any
        k = r.integers(5)  # the pointed-at cell holds its own address, 0, or anything
        if k == 0 and p:
            m[p] = p
        elif k == 1 and p:
            m[p] = 0
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        o[0], o[p] = m[p], m[0]  # cell 0 and the cell it points at trade values
        return o, out_mask(m, range(M))

    return gen, ref


def t_extrapolate(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(7)  # constant, a step up, a step down, from 0, wrapping below 0, or any
        if k == 0:
            m[1] = m[0]
        elif k == 1:
            m[1] = (m[0] + 1) % M
        elif k == 2:
            m[1] = (m[0] - 1) % M
        elif k == 3:
            m[0] = 0
        elif k == 4:
            m[0] = r.integers(2, M)
            m[1] = r.integers(0, (m[0] + 1) // 2)  # 2 * m[1] - m[0] < 0
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = (2 * m[1] - m[0]) % M  # the next term of the arithmetic sequence m[0], m[1], mod M
        return o, out_mask(m, [2])

    return gen, ref


def t_stack_ndrop(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0, one element or more
        sp = m[0] = ends_or_any(r, [2, M - 1], 2, M)
        d = sp - 2  # the elements under the top
        m[sp - 1] = [0, d, min(1, d), r.integers(d + 1)][r.integers(4)]  # n: none, all, one, any
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[0] = sp - 1 - m[sp - 1]  # the top n is popped, then n more elements
        return o, out_mask(m, range(M))

    return gen, ref


def t_rel_chase(M):
    def gen(r, M):
        m = any_cells(r, M)
        hops = ends_or_any(r, [0, 1, M - 1], 0, M)  # a path from cell 0 through distinct cells
        path = [0, *(int(i) for i in r.permutation(np.arange(1, M))[:hops])]
        for a, b in pairwise(path):
            m[a] = (b - a) % M  # each cell on the path holds the offset to the next, mod M
        m[path[-1]] = 0
        return m

    def ref(m, M):
        o = m.copy()
        i = 0
        while m[i] != 0:  # from cell 0, jump forward (mod M) by the value of the cell you are on
            i = (i + int(m[i])) % M
        o[0] = i  # the cell where a 0 stops the jumps
        return o, out_mask(m, [0])

    return gen, ref


def t_peak_hold(M):
    def gen(r, M):
        m = any_cells(r, M)  # a 0-terminated list at cells 0.. (values 1..M-1), junk after
        L = edge(r, [0, 1, M - 1], 2, M)
        k = r.integers(5)  # any, a peak then small values, falling by one, rising, few values
        xs = r.integers(1, M, size=L)
        if k == 1 and L:
            xs = r.integers(1, 3, size=L)
            xs[r.integers(L)] = r.integers(M // 2, M)
        elif k == 2 and L:
            xs = np.maximum(r.integers(L, M) - np.arange(L), 1)
        elif k == 3:
            xs = np.sort(xs)
        elif k == 4:
            xs = r.integers(1, 4, size=L)
        m[:L] = xs
        m[L] = 0
        return m

    def ref(m, M):
        o = m.copy()
        held = 1
        for i in range(make_dev_suite.length(m)):
            held = max(int(m[i]), held - 1)  # the larger of the element and one less than the last result
            o[i] = held
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_shift(M):
    def gen(r, M):
        if r.integers(6) == 0:  # the empty list
            m = np.zeros(M, dtype=np.int64)
        else:
            m, _ = some_short(r, M)  # [next, value] nodes
        head = m[m[0] + 1] if m[0] else 1
        m[1] = [r.integers(M), r.integers(M), 0, head][r.integers(4)]  # the value fed in at the end
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        while p != 0:  # each node takes the next node's value; the last takes cell 1's
            o[p + 1] = m[m[p] + 1] if m[p] else m[1]
            p = int(m[p])
        return o, out_mask(m, range(M))

    return gen, ref


def t_mod_divide(M):
    def gen(r, M):
        m = any_cells(r, M)
        units = [b for b in range(2, M - 1) if np.gcd(b, M) == 1]
        k = r.integers(8)  # b: 0, 1, M - 1, prime to M (a quarter), any from 2 (three eighths)
        b = m[1] = [0, 1, M - 1][k] if k < 3 else r.choice(units) if k < 5 else r.integers(2, M)
        m[0] = r.integers(M) * b % M if r.integers(6) else 0  # a multiple of b, mod M
        return m

    def ref(m, M):
        o = m.copy()
        a, b = int(m[0]), int(m[1])
        o[2] = next(k for k in range(M) if k * b % M == a)  # the smallest k with k * b = a (mod M)
        return o, out_mask(m, [2])

    return gen, ref


def _some_node(r, addr):
    """One node: the head, the last, a middle one (the head if there is none) or any."""
    mid = r.choice(addr[1:-1]) if len(addr) > 2 else addr[0]
    return int([addr[0], addr[-1], mid, r.choice(addr)][r.integers(4)])


def _list_and_node(r, M):
    """[next, value] nodes, and in cell 1 the address of one of them (``ll_pos``,
    ``ll_to_front``)."""
    m, addr = some_short(r, M)
    m[1] = _some_node(r, addr)
    return m


def t_ll_pos(M):
    gen = _list_and_node

    def ref(m, M):
        o = m.copy()
        o[1] = chain(m).index(m[1]) + 1  # the node's position in the list, the head's being 1
        return o, out_mask(m, [1])

    return gen, ref


def t_cas(M):
    def gen(r, M):
        m = any_cells(r, M)  # an address in cell 0, the expected value in cell 1, the new one in cell 2
        p = m[0] = edge(r, [0, 1, 2, M - 1], 3, M)
        if r.integers(2):  # the cell holds the expected value (half the time)
            m[1] = m[p]
        k = r.integers(5)  # the new value equal to the expected one, or to the cell's
        if k == 0:
            m[2] = m[1]
        elif k == 1:
            m[2] = m[p]
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        if m[p] == m[1]:  # compare-and-swap: the cell that cell 0 points at gets cell 2's value
            o[p] = m[2]  # if it holds cell 1's value; otherwise nothing changes
        return o, out_mask(m, range(M))

    return gen, ref


def t_lp_tile(M):
    def gen(r, M):
        m = any_cells(r, M)  # n >= 1 in cell 0, elements at cells 1..n, junk after
        m[0] = edge(r, [1, 2, M - 2, M - 1], 1, M)
        return m

    def ref(m, M):
        o = m.copy()
        n = int(m[0])
        for i in range(n + 1, M):  # the cells after the list repeat it, over and over, to the end
            o[i] = o[i - n]
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_to_front(M):
    gen = _list_and_node

    def ref(m, M):
        o = m.copy()
        k = int(m[1])
        relink(o, [k, *(a for a in chain(m) if a != k)])  # node k moves to the front; the rest keep their order
        return o, out_mask(m, range(M))

    return gen, ref


def t_stack_dupn(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0, two elements or more
        sp = m[0] = ends_or_any(r, [3, M - 1], 3, M)
        room = M - sp  # n copies fit below cell M
        m[sp - 1] = [0, 1, room, r.integers(room + 1)][r.integers(4)]
        if r.integers(5) == 0:  # the element to copy equal to n
            m[sp - 2] = m[sp - 1]
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        n = int(m[sp - 1])
        o[sp - 1 : sp - 1 + n] = m[sp - 2]  # (x n -- x x .. x): n is popped, then n copies of x pushed
        o[0] = sp - 1 + n
        return o, out_mask(m, range(sp - 1 + n))

    return gen, ref


TASKS = {
    "ptr_trade": (8, t_ptr_trade, 64),
    "extrapolate": (8, t_extrapolate, 64),
    "stack_ndrop": (8, t_stack_ndrop, 64),
    "rel_chase": (8, t_rel_chase, 64),
    "peak_hold": (10, t_peak_hold, 128),
    "ll_shift": (10, t_ll_shift, 80),
    "mod_divide": (10, t_mod_divide, 80, 5),
    "ll_pos": (10, t_ll_pos, 80, 6),
    "cas": (12, t_cas, 96),
    "lp_tile": (12, t_lp_tile, 128),
    "ll_to_front": (12, t_ll_to_front, 96, 6),
    "stack_dupn": (12, t_stack_dupn, 96, 6),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout14", __doc__, salt=14000)
