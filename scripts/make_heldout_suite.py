"""Write the held-out suite ``bridge/suites/heldout.json``: twelve list and memory tasks
written after the search was finished and measured once, to estimate reach on tasks the
project has never seen (the development suite was looked at while building the search).
Same format and helpers as :mod:`make_dev_suite`.

    python scripts/make_heldout_suite.py [--out bridge/suites/heldout.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, cells, headed_list, length, linked, out_mask


def t_max3(M):
    def ref(m, M):
        return cells(*m[:3], max(m[:3]), M=M), out_mask(m, [3])

    return (lambda r, M: r.integers(0, M, size=M)), ref


def t_abs_diff(M):
    def ref(m, M):
        return cells(m[0], m[1], abs(int(m[0]) - int(m[1])), M=M), out_mask(m, [2])

    return (lambda r, M: r.integers(0, M, size=M)), ref


def t_swap_pairs(M):
    def ref(m, M):
        o = m.copy()
        o[:4] = m[1], m[0], m[3], m[2]
        return o, out_mask(m, range(4))

    return (lambda r, M: r.integers(0, M, size=M)), ref


def t_map_neg(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = (-m[:L]) % M
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_clamp_by_first(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[1 : 1 + L] = np.minimum(m[1 : 1 + L], m[0])
        return o, out_mask(m, range(1, 1 + L))

    return (lambda r, M: headed_list(r, M, lo=1)), ref


def t_running_max(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = np.maximum.accumulate(m[:L])
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_count_down(M):
    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)
        m[0] = r.integers(0, M - 1)
        return m

    def ref(m, M):
        o = m.copy()
        n = int(m[0])
        o[1 : 1 + n] = np.arange(n, 0, -1)
        return o, out_mask(m, range(1, M))

    return gen, ref


def t_power_of_two(M):
    def gen(r, M):
        return cells(r.integers(0, 5), M=M)

    def ref(m, M):
        return cells(2 ** int(m[0]) % M, M=M), out_mask(m, [0])

    return gen, ref


def t_sum_after_end(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[L] = m[:L].sum() % M
        return o, out_mask(m, range(L + 1))

    return (lambda r, M: a_list(r, M, max_len=M - 2)), ref


def t_inc_first_last(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[0] = (o[0] + 1) % M
        o[L - 1] = (o[L - 1] + 1) % M
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M, hi=M - 1)), ref


def t_ll_second(M):
    def gen(r, M):
        return linked(r, M)[0]

    def ref(m, M):
        o = m.copy()
        second = m[m[0]]
        o[1] = m[second + 1] if second else 0
        return o, out_mask(m, [1])

    return gen, ref


def t_count_big(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[0] = int((m[1 : 1 + L] > 3).sum())
        return o, out_mask(m, [0])

    return (lambda r, M: a_list(r, M, start=1)), ref


TASKS = {
    "max3": (8, t_max3, 64),
    "abs_diff": (8, t_abs_diff, 64),
    "swap_pairs": (8, t_swap_pairs, 64),
    "map_neg": (8, t_map_neg, 64),
    "clamp_by_first": (12, t_clamp_by_first, 128),
    "running_max": (8, t_running_max, 64),
    "count_down": (12, t_count_down, 128),
    "power_of_two": (8, t_power_of_two, 64),
    "sum_after_end": (12, t_sum_after_end, 128),
    "inc_first_last": (12, t_inc_first_last, 128),
    "ll_second": (16, t_ll_second, 64),
    "count_big": (12, t_count_big, 128),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout", __doc__, salt=1000)
