"""Write the eighth held-out suite ``bridge/suites/heldout8.json``: twelve tasks written on
6 Dec 2026 by someone who had not seen the search's code or how it fares on them, after the
seventh held-out suite had been run. Each generator draws inputs so that every behaviour the
task has (both answers of a test, values on a range's ends, empty and one-element lists and
stacks, sums that wrap, no match and several matches, one-node and long linked lists) turns
up among the 16 train examples, and the train examples were checked to rule out the nearest
simpler wrong tasks; each task fits a program of fewer than ``M`` lines on ``R = 4``
registers that halts within ``T`` (checked before the commit with hand-written programs on
the discrete interpreter; they are not shipped, so nothing is tuned against them). The tasks
were fixed and committed before anything was run on them; their first run is the honest
figure. Same format and helpers as :mod:`make_dev_suite`.

    python scripts/make_heldout8_suite.py [--out bridge/suites/heldout8.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, ends_or_any, length, linked, out_mask, some_short


def t_between(M):
    def gen(r, M):
        m = any_cells(r, M)
        lo, hi = sorted(r.integers(0, M, size=2))
        k = r.integers(5)  # on either end, anywhere, or just outside either end
        m[0], m[1], m[2] = [lo, hi, r.integers(0, M), lo - 1, hi + 1][k] % M, lo, hi
        return m

    def ref(m, M):
        o = m.copy()
        o[3] = int(m[1] <= m[0] <= m[2])  # 1 if cell 0 lies in [cell 1, cell 2], else 0
        return o, out_mask(m, [3])

    return gen, ref


def t_stack_pop(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack in cells 2..sp-1, sp in cell 0: one to M - 3 elements
        m[0] = ends_or_any(r, [3, M - 1], 3, M)
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0]) - 1
        o[0], o[1] = sp, m[sp]  # the top element moves to cell 1 and the pointer drops
        return o, out_mask(m, [0, 1])

    return gen, ref


def t_ll_push(M):
    def gen(r, M):
        slots = 2 + 2 * r.permutation((M - 2) // 2)  # [next, value] nodes at even cells from 2
        n = 0 if r.integers(3) == 0 else r.integers(1, len(slots))  # some lists are empty
        addr, node = slots[:n], slots[n]
        m = np.zeros(M, dtype=np.int64)
        m[addr] = np.append(addr[1:], 0)
        m[addr + 1] = r.integers(1, M, size=n)
        m[0] = addr[0] if n else 0
        m[node], m[node + 1] = r.integers(0, M), r.integers(1, M)  # its next is stale
        m[1] = node
        return m

    def ref(m, M):
        o = m.copy()
        o[m[1]], o[0] = m[0], m[1]  # the detached node becomes the head
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_take(M):
    def gen(r, M):
        m, addr = linked(r, M)  # [next, value] nodes
        m[1] = ends_or_any(r, [1, len(addr)], 1, len(addr) + 1)
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        for _ in range(int(m[1]) - 1):
            p = int(m[p])
        o[p] = 0  # the list keeps its first k nodes (k in cell 1) and ends there
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_drop_even(M):
    def gen(r, M):
        long = r.integers(2) == 0  # half the lists have four or more nodes
        while True:
            m, addr = linked(r, M)
            if len(addr) >= 4 or not long:
                return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        while p != 0 and m[p] != 0:  # [next, value] nodes: skip the 2nd, 4th, ... node
            q = int(m[m[p]])
            o[p] = q
            p = q
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_rotate(M):
    def gen(r, M):
        return some_short(r, M)[0]

    def ref(m, M):
        o = m.copy()
        h, t = int(m[0]), int(m[0])
        while m[t] != 0:
            t = int(m[t])
        if t != h:  # [next, value] nodes: the head node moves to the end
            o[0], o[t], o[h] = m[h], h, 0
        return o, out_mask(m, range(M))

    return gen, ref


def t_sorted_prefix(M):
    def gen(r, M):
        m = a_list(r, M, start=1, hi=r.choice([4, M]))  # small values make equal neighbours
        L = length(m, 1)
        n = r.integers(1, L + 1)  # the first n elements are sorted
        m[1 : 1 + n] = np.sort(m[1 : 1 + n])
        if n < L and m[n] > 1:  # then one smaller element
            m[1 + n] = r.integers(1, m[n])
        m[0] = r.integers(0, M)
        return m

    def ref(m, M):
        o = m.copy()
        xs, n = m[1 : 1 + length(m, 1)], 1
        while n < len(xs) and xs[n] >= xs[n - 1]:
            n += 1
        o[0] = n  # how many leading list elements are in non-decreasing order
        return o, out_mask(m, [0])

    return gen, ref


def t_midpoint(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[0], m[1] = sorted(r.integers(0, M, size=2))
        if r.integers(4) == 0:  # some intervals of one or two values
            m[1] = min(m[0] + r.integers(2), M - 1)
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = (int(m[0]) + int(m[1])) // 2  # the midpoint of [lo, hi], rounded down
        return o, out_mask(m, [2])

    return gen, ref


def t_count_zeros(M):
    def gen(r, M):
        m = any_cells(r, M)
        p = r.choice([0.0, 0.2, 0.5, 0.8, 1.0])  # from no zeros to all zeros
        m[1:][r.random(M - 1) < p] = 0
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = int((m[1:] == 0).sum())  # how many of cells 1..M-1 hold 0
        return o, out_mask(m, [0])

    return gen, ref


def t_fixed_point(M):
    def gen(r, M):
        m = any_cells(r, M)
        idx = np.arange(M)
        m[1:] = np.where(m[1:] == idx[1:], (m[1:] + 1) % M, m[1:])  # no fixed point yet
        k = r.integers(4)  # then none, one, two (so the first is told from the last) or M - 1
        for i in [M - 1] if k == 3 else r.choice(np.arange(1, M), size=k, replace=False):
            m[i] = i
        if r.integers(3) == 0:  # cell 0 is not searched, even when it holds 0
            m[0] = 0
        return m

    def ref(m, M):
        o = m.copy()
        hits = [i for i in range(1, M) if m[i] == i]
        o[0] = hits[0] if hits else 0  # the first address from 1 on that holds itself, or 0
        return o, out_mask(m, [0])

    return gen, ref


def t_list_append(M):
    def gen(r, M):
        m = a_list(r, M, start=1)
        if r.integers(5) == 0:  # some lists are empty
            m[1:] = 0
        m[0] = r.integers(1, M)
        return m

    def ref(m, M):
        o = m.copy()
        o[1 + length(m, 1)] = m[0]  # cell 0's value goes after the list's last element
        return o, out_mask(m, range(1, M))

    return gen, ref


def t_top2_sum(M):
    def gen(r, M):
        m = any_cells(r, M)
        if r.integers(4) == 0:  # some ties
            i, j = r.choice(3, size=2, replace=False)
            m[i] = m[j]
        return m

    def ref(m, M):
        o = m.copy()
        o[3] = (int(m[:3].sum()) - int(m[:3].min())) % M  # the two largest of cells 0..2, added
        return o, out_mask(m, [3])

    return gen, ref


TASKS = {
    "between": (12, t_between, 96),
    "stack_pop": (8, t_stack_pop, 64),
    "ll_push": (10, t_ll_push, 80),
    "ll_take": (12, t_ll_take, 96),
    "ll_drop_even": (12, t_ll_drop_even, 96),
    "ll_rotate": (12, t_ll_rotate, 96),
    "sorted_prefix": (12, t_sorted_prefix, 128),
    "midpoint": (12, t_midpoint, 96),
    "count_zeros": (10, t_count_zeros, 80),
    "fixed_point": (10, t_fixed_point, 80),
    "list_append": (8, t_list_append, 64),
    "top2_sum": (12, t_top2_sum, 96),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout8", __doc__, salt=8000)
