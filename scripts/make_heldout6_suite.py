"""Write the sixth held-out suite ``bridge/suites/heldout6.json``: twelve tasks written on
6 Dec 2026 by someone who had not seen the search's code or how it fares on them, after the
fifth held-out suite had been run. Each generator draws inputs so that every behaviour the
task has (both answers of a test, sums that saturate or wrap, ties between neighbours,
runs of missing values, one-node lists, queries that are roots) turns up among the 16 train
examples, and the train examples were checked to rule out the nearest simpler wrong tasks;
each task fits a program of fewer than ``M`` lines on ``R = 4`` registers that halts within
``T`` (checked before the commit with hand-written programs on the discrete interpreter;
they are not shipped, so nothing is tuned against them). The tasks were fixed and committed
before anything was run on them; their first run is the honest figure. Same format and
helpers as :mod:`make_dev_suite`.

    python scripts/make_heldout6_suite.py [--out bridge/suites/heldout6.json]
"""

from __future__ import annotations

from itertools import pairwise

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, length, linked, out_mask


def t_monus(M):
    def gen(r, M):
        m = any_cells(r, M)
        if r.integers(4) == 0:  # some ties, where the answer is 0 either way
            m[1] = m[0]
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = max(int(m[0]) - int(m[1]), 0)  # subtraction that stops at 0 instead of wrapping
        return o, out_mask(m, [2])

    return gen, ref


def t_carry(M):
    def gen(r, M):
        m = any_cells(r, M)
        if r.integers(3) == 0:  # a third of the sums land on M - 1 or M, where the carry starts
            m[1] = (M - m[0] - r.integers(0, 2)) % M
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = int(int(m[0]) + int(m[1]) >= M)  # the carry out of a one-digit addition
        return o, out_mask(m, [2])

    return gen, ref


def t_forward_fill(M):
    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)  # a series at cells 1..M-1; 0 is a missing value
        m[1:] = np.where(r.random(M - 1) < 0.45, 0, r.integers(1, M, size=M - 1))
        return m

    def ref(m, M):
        o = m.copy()
        for i in range(2, M):  # each missing value takes the last value before it
            if o[i] == 0:
                o[i] = o[i - 1]
        return o, out_mask(m, range(1, M))  # missing values before the first stay 0

    return gen, ref


def t_ll_drop_last(M):
    def ref(m, M):
        o = m.copy()
        p = 0  # cell 0 acts as the link to the head
        while m[m[p]] != 0:  # [next, value] nodes: stop at the link to the last node
            p = int(m[p])
        o[p] = 0  # the list loses its last node; a one-node list becomes empty
        return o, out_mask(m, range(M))  # and nothing else changes

    return (lambda r, M: linked(r, M)[0]), ref


def t_ll_append(M):
    def gen(r, M):
        while True:  # leave at least one slot free for the new node
            m, addr = linked(r, M)
            free = sorted(set(range(2, M - 1, 2)) - set(addr.tolist()))
            if free:
                break
        new = r.choice(free)
        m[new + 1] = r.integers(1, M)  # a detached node [0, value]; cell 1 holds its address
        m[1] = new
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        while m[p] != 0:
            p = int(m[p])
        o[p] = m[1]  # the last node now links to the new one
        return o, out_mask(m, range(M))

    return gen, ref


def t_sat_sum(M):
    def gen(r, M):
        small = r.integers(2) == 0  # half short lists of small values, whose sums lie around M - 1
        return a_list(r, M, start=1, max_len=4 if small else None, hi=5 if small else None)

    def ref(m, M):
        o = m.copy()
        o[0] = min(int(m[1 : 1 + length(m, 1)].sum()), M - 1)  # the sum, stuck at M - 1
        return o, out_mask(m, [0])

    return gen, ref


def t_first_repeat(M):
    def gen(r, M):
        m = a_list(r, M, start=1, hi=4)  # values 1..3: equal neighbours are common
        L = length(m, 1)
        if r.integers(3) == 0:  # a third of the lists have no equal neighbours at all
            for i in range(2, 1 + L):
                while m[i] == m[i - 1]:
                    m[i] = r.integers(1, 4)
        return m

    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + length(m, 1)]
        same = [int(b) for a, b in pairwise(xs) if a == b]
        o[0] = same[0] if same else 0  # the first element equal to the one before it, else 0
        return o, out_mask(m, [0])

    return gen, ref


def t_zip_max(M):
    half = (M - 2) // 2  # two stacks: A up from cell 0 (0-terminated), B down from cell M-1

    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)
        L = r.integers(1, half + 1)
        hi = 4 if r.integers(3) == 0 else M  # some small values, so pairs tie
        m[:L] = r.integers(1, hi, size=L)
        m[M - L :] = r.integers(1, hi, size=L)[::-1]  # B[i] at cell M-1-i
        return m

    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = np.maximum(m[:L], m[M - 1 - np.arange(L)])  # A[i] becomes max(A[i], B[i])
        return o, out_mask(m, range(L))

    return gen, ref


def t_sat_inc(M):
    def gen(r, M):
        m = a_list(r, M)
        L = length(m)
        m[:L] = np.where(r.random(L) < 0.3, M - 1, m[:L])  # many elements at the top value
        return m

    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = np.minimum(m[:L] + 1, M - 1)  # add 1 but do not wrap: M - 1 stays M - 1
        return o, out_mask(m, range(L))

    return gen, ref


def t_uf_root(M):
    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)  # a forest: cell v (1..M-1) holds v's parent
        order = 1 + r.permutation(M - 1)
        for k, v in enumerate(order):
            root = k == 0 or r.random() < 0.25  # a root is its own parent
            m[v] = v if root else order[r.integers(k)]  # else a node placed earlier: no cycles
        m[0] = r.integers(1, M)  # the query node
        return m

    def ref(m, M):
        o = m.copy()
        v = int(m[0])
        while m[v] != v:
            v = int(m[v])
        o[0] = v  # the root of the query node's tree
        return o, out_mask(m, [0])

    return gen, ref


def t_first_peak(M):
    def gen(r, M):
        m = a_list(r, M, start=1, hi=5)  # values 1..4: equal neighbours are common
        L, kind = length(m, 1), r.integers(4)
        if kind == 0:  # a quarter rise, so their peak is the last element
            m[1 : 1 + L] = np.sort(m[1 : 1 + L])
        elif kind == 1 and L >= 3:  # a quarter fall somewhere, then end on the largest value
            i = r.integers(1, L - 1)
            m[i], m[L] = m[i + 1] + 1, M - 1
        return m

    def ref(m, M):
        o = m.copy()
        xs = list(m[1 : 2 + length(m, 1)])  # with the terminator 0, which every element beats
        o[0] = next(int(a) for a, b in pairwise(xs) if a > b)  # the first element above the next
        return o, out_mask(m, [0])

    return gen, ref


def t_hop_count(M):
    def gen(r, M):
        m = np.where(r.random(M) < 0.3, 0, r.integers(1, 4, size=M))  # cells off the path
        m[0], q = 0, 1
        while q + 1 < M and r.random() < 0.8:  # hop forward from cell 1, never past the end
            h = r.integers(1, min(4, M - q))
            m[q], q = h, q + h
        m[q] = 0  # the path ends on a cell holding 0
        return m

    def ref(m, M):
        o = m.copy()
        q, n = 1, 0
        while m[q] != 0:  # from cell 1, hop forward by the cell's value
            q, n = q + int(m[q]), n + 1
        o[0] = n  # how many hops until landing on a 0
        return o, out_mask(m, [0])

    return gen, ref


TASKS = {
    "monus": (8, t_monus, 64),
    "carry": (10, t_carry, 80),
    "forward_fill": (10, t_forward_fill, 120),
    "ll_drop_last": (10, t_ll_drop_last, 80),
    "ll_append": (12, t_ll_append, 96),
    "sat_sum": (12, t_sat_sum, 128),
    "first_repeat": (12, t_first_repeat, 160),
    "zip_max": (12, t_zip_max, 128),
    "sat_inc": (10, t_sat_inc, 120),
    "uf_root": (10, t_uf_root, 96),
    "first_peak": (8, t_first_peak, 64),
    "hop_count": (12, t_hop_count, 128),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout6", __doc__, salt=6000)
