"""Write the seventeenth held-out suite ``bridge/suites/heldout17.json``: twelve tasks written on
7 Dec 2026 (fourteenth session), after the sixteenth held-out suite had been written, by
someone who had not seen the search's code or how it fares on them. Each generator draws
inputs so that every behaviour the task has (values below, above, inside and at either end of
an interval, one-point intervals and the widest ends, the first and last row and column of a
table, spans of one cell, spans from the first data cell and spans that reach the last cell,
stores at the top's own cell, at the stored value's cell, just above the stack, inside it, at
the bottom and at the last cell, of 0 and of the value already there, with the shallowest and
the fullest stacks, elements below, at and above their own address, empty, one-element,
two-element and full lists of odd and even length with sums that wrap and sums that do not,
rising, falling and mixed lists with repeated maxima, equal neighbours, empty, one-node,
two-node and full linked lists whose order is not their address order, sizes of 0, of powers
of two and just above one, keys found in the first, last and a middle pair, found twice, found
among the values before their pair and equal to 0, multipliers of 0, 1 and ``M - 1`` and ones
sharing a factor with ``M`` or not) turns up among the 16 train examples, and the train
examples were checked to rule out the nearest simpler wrong tasks; each task fits a program of
fewer than ``M`` lines on its ``R`` registers that halts within ``T`` (checked before the
commit with hand-written programs on the discrete interpreter; they are not shipped, so
nothing is tuned against them). All twelve tasks have ``R = 4`` registers. ``T`` is ``8 * M``,
except 128 for ``drawdown``, whose hand-written program's slowest run (75 steps) came near
``8 * M``. The tasks were fixed and committed before anything was run on them; their first
run is the honest figure. Same format and helpers as :mod:`make_dev_suite`; salt 17000.

    python scripts/make_heldout17_suite.py [--out bridge/suites/heldout17.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import any_cells, chain, edge, out_mask


def t_widen_range(M):
    cases = [  # x below lo, above hi, strictly inside, at lo, at hi, or a one-point interval
        lambda lo, hi, x: x < lo,
        lambda lo, hi, x: x > hi,
        lambda lo, hi, x: lo < x < hi,
        lambda lo, hi, x: x == lo < hi,
        lambda lo, hi, x: lo < x == hi,
        lambda lo, hi, x: lo == hi,
    ]

    def gen(r, M):
        m = any_cells(r, M)  # an interval lo <= hi in cells 0, 1 and a value x in cell 2
        case = cases[r.integers(len(cases))]
        while True:
            lo, hi = sorted(r.integers(0, M, size=2))
            if r.integers(4) == 0:  # the widest interval's ends
                lo, hi = (0, hi) if r.integers(2) else (lo, M - 1)
            x = r.integers(M)
            if case(lo, hi, x):
                m[:3] = lo, hi, x
                return m

    def ref(m, M):
        o = m.copy()
        o[0], o[1] = min(m[0], m[2]), max(m[1], m[2])  # the interval [lo, hi] grows to take in x
        return o, out_mask(m, [0, 1])

    return gen, ref


def t_grid_read(M):
    def gen(r, M):
        m = any_cells(r, M)  # a row 0..3 in cell 0, a column 0..1 in cell 1, a 4 x 2 table at cells 4..
        m[0] = edge(r, [0, 3], 1, 3)
        m[1] = r.integers(2)
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = m[4 + 2 * m[0] + m[1]]  # the table's entry at (row, column), rows of two cells
        return o, out_mask(m, [2])

    return gen, ref


def t_span_ends(M):
    def gen(r, M):
        m = any_cells(r, M)  # a span of n >= 1 cells from s >= 4: s in cell 0, n in cell 1
        s = m[0] = [4, M - 1, r.integers(5, M - 1)][r.integers(3)]  # the first data cell, the last, or between
        n_max = M - s
        m[1] = [1, n_max, r.integers(1, n_max + 1)][r.integers(3)]  # one cell, up to the last cell, or any
        return m

    def ref(m, M):
        o = m.copy()
        s, n = int(m[0]), int(m[1])
        o[2], o[3] = m[s], m[s + n - 1]  # the span's first and last cells' values
        return o, out_mask(m, [2, 3])

    return gen, ref


def t_stack_store(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack of two elements or more at cells 1..sp-1, sp in cell 0, junk above it
        sp = m[0] = edge(r, [3, M - 1], 4, M - 1)
        # the address on top: the top's own cell, the stored value's cell, the bottom, the last
        # cell, any cell but 0, just above the stack, or inside it below the two popped cells
        at = [sp - 1, sp - 2, 1, M - 1, r.integers(1, M)]
        if sp < M - 1:
            at.append(sp)
        if sp > 4:
            at.append(r.integers(2, sp - 2))
        a = m[sp - 1] = at[r.integers(len(at))]
        k = r.integers(5)  # the value below it: 0, what the addressed cell holds already, or any
        if k == 0:
            m[sp - 2] = 0
        elif k == 1 and a != sp - 2:
            m[sp - 2] = m[a]
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[m[sp - 1]] = m[sp - 2]  # Forth's ! (x addr --): x is stored at addr and both are popped
        o[0] = sp - 2
        return o, out_mask(m, range(M))

    return gen, ref


def t_cap_by_index(M):
    def gen(r, M):
        m = any_cells(r, M)  # a 0-terminated list at cells 1.., junk in cell 0 and after it
        L = [0, 1, M - 2, r.integers(2, M - 2), r.integers(2, M - 2)][r.integers(5)]  # empty, one, full, or between
        m[1 : 1 + L] = r.integers(1, M, size=L)
        m[1 + L] = 0
        return m

    def ref(m, M):
        o = m.copy()
        for i in range(1, 1 + make_dev_suite.length(m, 1)):
            o[i] = min(m[i], i)  # each element is capped at its own address
        return o, out_mask(m, range(M))

    return gen, ref


def t_sum_every_other(M):
    def gen(r, M):
        m = any_cells(r, M)  # a 0-terminated list at cells 1.., junk in cell 0 and after it
        L = edge(r, [0, 1, 2, M - 2], 3, M - 2)
        hi = M if r.integers(2) else 4  # small values, or any: sums that stay below M and that wrap
        m[1 : 1 + L] = r.integers(1, hi, size=L)
        m[1 + L] = 0
        return m

    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + make_dev_suite.length(m, 1)]
        o[0] = int(xs[0::2].sum()) % M  # the sum of the first, third, fifth, ... elements, mod M
        return o, out_mask(m, [0])

    return gen, ref


def t_drawdown(M):
    def gen(r, M):
        m = any_cells(r, M)  # a 0-terminated list at cells 0.., junk after it
        L = edge(r, [0, 1, M - 1], 2, M - 1)
        hi = M if r.integers(2) else r.integers(2, M)  # a narrow range of values makes repeated maxima
        xs = r.integers(1, hi, size=L)
        k = r.integers(4)  # rising, falling, or any
        if k == 0:
            xs = np.sort(xs)
        elif k == 1:
            xs = np.sort(xs)[::-1]
        m[:L] = xs
        m[L] = 0
        return m

    def ref(m, M):
        o = m.copy()
        L = make_dev_suite.length(m)
        o[:L] = np.maximum.accumulate(m[:L]) - m[:L]  # each element's distance below the largest so far
        return o, out_mask(m, range(M))

    return gen, ref


def t_stutter(M):
    def gen(r, M):
        m = any_cells(r, M)  # a 0-terminated list of at most 3 elements at cells 1..4, junk elsewhere
        L = edge(r, [0, 1, 3], 2, 3)
        xs = r.integers(1, M, size=L)
        if L > 1 and r.integers(4) == 0:  # equal neighbours
            j = r.integers(L - 1)
            xs[j + 1] = xs[j]
        m[1 : 1 + L] = xs
        m[1 + L] = 0
        return m

    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + make_dev_suite.length(m, 1)]
        out = [*np.repeat(xs, 2), 0]  # each element twice, then the terminator, at cells 5..
        o[5 : 5 + len(out)] = out
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_flatten(M):
    slots = [6, 8, 10]  # [next, value] nodes at 6.., so that cells 1..4 are free for the array

    def gen(r, M):
        m = any_cells(r, M)  # a linked list of 0..3 nodes, head in cell 0 (0 if empty), junk elsewhere
        n = edge(r, [0, 1, 3], 2, 3)
        addr = [int(a) for a in r.permutation(slots)[:n]]
        for a, b in zip(addr, [*addr[1:], 0]):
            m[a] = b
            m[a + 1] = r.integers(1, M)
        m[0] = addr[0] if addr else 0
        return m

    def ref(m, M):
        o = m.copy()
        vals = [m[a + 1] for a in chain(m)]
        o[1 : 2 + len(vals)] = [*vals, 0]  # the values in list order at cells 1.., 0-terminated
        return o, out_mask(m, range(M))

    return gen, ref


def t_next_pow2(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[0] = edge(r, [0, 1, 3, 8], 2, 9)  # n in 0..8: 0, a power of two, just above one, or any
        return m

    def ref(m, M):
        o = m.copy()
        p = 1
        while p < m[0]:
            p *= 2
        o[0] = p  # n in cell 0 becomes the smallest power of two at least n (1 for n = 0)
        return o, out_mask(m, [0])

    return gen, ref


def t_assoc_get(M):
    def gen(r, M):
        m = any_cells(r, M)  # a key in cell 0, junk in cell 1, five [key, value] pairs at cells 2..
        n = (M - 2) // 2
        j = edge(r, [0, n - 1], 1, n - 1)  # the first pair with the key: the first, the last, or between
        key = 0 if r.integers(6) == 0 else m[2 + 2 * j]
        m[0] = m[2 + 2 * j] = key
        for i in range(j):  # no earlier pair has the key
            while m[2 + 2 * i] == key:
                m[2 + 2 * i] = r.integers(M)
        if j > 0 and r.integers(2):  # the key among the values before its pair
            m[3 + 2 * r.integers(j)] = key
        if j < n - 1 and r.integers(3) == 0:  # the key in a later pair too
            m[2 + 2 * r.integers(j + 1, n)] = key
        return m

    def ref(m, M):
        o = m.copy()
        j = next(j for j in range(2, M, 2) if m[j] == m[0])
        o[0] = m[j + 1]  # the key in cell 0 becomes the value of the first pair holding it
        return o, out_mask(m, [0])

    return gen, ref


def t_times_table(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[0] = edge(r, [0, 1, M - 1], 2, M - 1)  # 0, 1, M - 1, or any (some sharing a factor with M)
        return m

    def ref(m, M):
        o = m.copy()
        o[1:] = np.arange(1, M) * m[0] % M  # cell k gets k * a mod M, for every k >= 1
        return o, out_mask(m, range(M))

    return gen, ref


TASKS = {
    "widen_range": (8, t_widen_range, 64),
    "stack_store": (8, t_stack_store, 64),
    "cap_by_index": (8, t_cap_by_index, 64),
    "span_ends": (10, t_span_ends, 80),
    "drawdown": (10, t_drawdown, 128),
    "next_pow2": (10, t_next_pow2, 80),
    "times_table": (10, t_times_table, 80),
    "grid_read": (12, t_grid_read, 96),
    "sum_every_other": (12, t_sum_every_other, 96),
    "stutter": (12, t_stutter, 96),
    "ll_flatten": (12, t_ll_flatten, 96),
    "assoc_get": (12, t_assoc_get, 96),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout17", __doc__, salt=17000)
