"""Write the fifth held-out suite ``bridge/suites/heldout5.json``: twelve tasks written on
6 Dec 2026 by someone who had not seen the search's code or how it fares on them, after the
fourth held-out suite had been run. Each generator draws inputs so that every behaviour the
task has (ties, equal neighbours, both answers of a test, the shortest lists, sums that
wrap mod ``M``) turns up among the 16 train examples, and the train examples were checked
to rule out the nearest simpler wrong tasks; each task fits a program of fewer than ``M``
lines that halts within ``T`` (checked before the commit with hand-written programs on the
discrete interpreter; they are not shipped, so nothing is tuned against them). The tasks
were fixed and committed before anything was run on them; their first run is the honest
figure. Same format and helpers as :mod:`make_dev_suite`.

    python scripts/make_heldout5_suite.py [--out bridge/suites/heldout5.json]
"""

from __future__ import annotations

import math

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, length, linked, out_mask


def _any_pair(r, M, equal_one_in):
    """Random memory whose cells 0 and 1 are equal about one time in ``equal_one_in``."""
    m = any_cells(r, M)
    if r.integers(equal_one_in) == 0:
        m[1] = m[0]
    return m


def t_ring_dist(M):
    def ref(m, M):
        o = m.copy()
        d = int(m[0] - m[1]) % M
        o[2] = min(d, M - d)  # the shorter way round a ring of M values
        return o, out_mask(m, [2])

    return (lambda r, M: _any_pair(r, M, 4)), ref


def t_compare(M):
    def ref(m, M):
        o = m.copy()
        a, b = int(m[0]), int(m[1])
        o[2] = 0 if a == b else 1 if a < b else 2
        return o, out_mask(m, [2])

    return (lambda r, M: _any_pair(r, M, 3)), ref


def t_ll_drop_second(M):
    def gen(r, M):
        while True:  # at least two nodes, so there is a second one to drop
            m, addr = linked(r, M)
            if len(addr) >= 2:
                return m

    def ref(m, M):
        o = m.copy()
        head = int(m[0])
        o[head] = m[m[head]]  # the first node's next skips the second node
        return o, out_mask(m, range(M))  # and nothing else changes

    return gen, ref


def t_suffix_sum(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = np.cumsum(m[:L][::-1])[::-1] % M  # each element plus all after it
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_count_runs(M):
    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + length(m, 1)]
        o[0] = 1 + int((xs[1:] != xs[:-1]).sum())  # maximal blocks of equal neighbours
        return o, out_mask(m, [0])

    def gen(r, M):
        one = r.integers(6) == 0  # some lists of one element (one run)
        return a_list(r, M, start=1, max_len=1 if one else 10, hi=4)

    return gen, ref


def t_first_above(M):
    def gen(r, M):
        m = a_list(r, M, start=1, hi=7)
        m[0] = r.integers(1, 7)  # the threshold, in the list's range so ties are common
        return m

    def ref(m, M):
        o = m.copy()
        above = [x for x in m[1 : 1 + length(m, 1)] if x > m[0]]
        o[0] = above[0] if above else 0  # the first element strictly above, else 0
        return o, out_mask(m, [0])

    return gen, ref


def t_common_prefix(M):
    off = M // 2  # list A at 1.., list B of the same length at M/2..

    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)
        L = r.integers(1, off - 1)
        a = r.integers(1, 4, size=L)
        b = a.copy()
        if r.integers(3):  # two times in three B leaves A at a random place
            i = r.integers(L)
            b[i] = 1 + (a[i] + r.integers(0, 2)) % 3  # another of the values 1..3
            b[i + 1 :] = r.integers(1, 4, size=L - i - 1)
        m[1 : 1 + L], m[off : off + L] = a, b
        return m

    def ref(m, M):
        o = m.copy()
        L, k = length(m, 1), 0
        while k < L and m[1 + k] == m[off + k]:
            k += 1
        o[0] = k  # how many leading positions agree
        return o, out_mask(m, [0])

    return gen, ref


def t_below_max(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = m[:L].max() - m[:L]  # how far each element is below the list's largest
        return o, out_mask(m, range(L))

    def gen(r, M):
        one = r.integers(6) == 0  # some lists of one element (which becomes 0)
        return a_list(r, M, max_len=1 if one else 12, hi=7)  # small values: ties for the largest

    return gen, ref


def t_histogram(M):
    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)  # cells 0..3 start at 0; the list is at 4..
        L = r.integers(1, M - 4)
        m[4 : 4 + L] = r.integers(1, 4, size=L)
        return m

    def ref(m, M):
        o = m.copy()
        xs = m[4 : 4 + length(m, 4)]
        o[1:4] = [int((xs == v).sum()) for v in (1, 2, 3)]  # cell v counts the value v
        return o, out_mask(m, [1, 2, 3])

    return gen, ref


def t_ll_nth(M):
    def gen(r, M):
        m, addr = linked(r, M)
        m[1] = r.integers(1, len(addr) + 1)  # k, counting the head as 1
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        for _ in range(int(m[1]) - 1):  # [next, value] nodes from the head in cell 0
            p = int(m[p])
        o[1] = m[p + 1]  # the value of the k-th node
        return o, out_mask(m, [1])

    return gen, ref


def t_isqrt(M):
    def ref(m, M):
        o = m.copy()
        o[1] = math.isqrt(int(m[0]))
        return o, out_mask(m, [1])

    def gen(r, M):
        m = any_cells(r, M)
        if r.integers(2):  # half the time a square or one below it, where the root steps
            s = r.integers(1, math.isqrt(M - 1) + 1)
            m[0] = s * s - r.integers(0, 2)
        return m

    return gen, ref


def t_second_last(M):
    def gen(r, M):
        one = r.integers(4) == 0  # a quarter of the lists have one element
        return a_list(r, M, start=1, max_len=1 if one else None)

    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + length(m, 1)]
        o[0] = xs[-2] if len(xs) > 1 else 0  # the element before the last, else 0
        return o, out_mask(m, [0])

    return gen, ref


TASKS = {
    "ring_dist": (8, t_ring_dist, 64),
    "compare": (12, t_compare, 96),
    "ll_drop_second": (12, t_ll_drop_second, 96),
    "suffix_sum": (12, t_suffix_sum, 160),
    "count_runs": (16, t_count_runs, 160),
    "first_above": (12, t_first_above, 128),
    "common_prefix": (16, t_common_prefix, 128),
    "below_max": (16, t_below_max, 192),
    "histogram": (12, t_histogram, 96),
    "ll_nth": (12, t_ll_nth, 96),
    "isqrt": (12, t_isqrt, 96),
    "second_last": (12, t_second_last, 96),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout5", __doc__, salt=5000)
