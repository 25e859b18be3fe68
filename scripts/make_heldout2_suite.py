"""Write the second held-out suite ``bridge/suites/heldout2.json``: twelve tasks written on
3 Dec 2026, after the first held-out suite had been looked at (its failures led to fixes,
so it no longer measures unseen reach). These were fixed before anything was run on them;
their first run is the honest figure (later changes came after looking at its failures). Same format and helpers as
:mod:`make_dev_suite`.

    python scripts/make_heldout2_suite.py [--out bridge/suites/heldout2.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, cells, headed_list, length, out_mask


def t_add3(M):
    return any_cells, lambda m, M: (cells(*m[:3], sum(m[:3]) % M, M=M), out_mask(m, [3]))


def t_sum_pairs(M):
    def ref(m, M):
        o = m.copy()
        o[0], o[1] = (m[0] + m[1]) % M, (m[2] + m[3]) % M
        return o, out_mask(m, [0, 1])

    return any_cells, ref


def t_median3(M):
    def ref(m, M):
        return cells(*m[:3], sorted(m[:3])[1], M=M), out_mask(m, [3])

    return any_cells, ref


def t_map_sub_index(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = (m[:L] - np.arange(L)) % M
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_sub_from_first(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[1 : 1 + L] = (m[0] - m[1 : 1 + L]) % M
        return o, out_mask(m, range(1 + L))

    return headed_list, ref


def t_shift_right(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[0] = 0
        o[1 : L + 1] = m[:L]
        return o, out_mask(m, range(L + 1))

    return (lambda r, M: a_list(r, M, max_len=M - 2)), ref


def t_swap_first_last(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[0], o[L - 1] = m[L - 1], m[0]
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_count_ones(M):
    def gen(r, M):
        return a_list(r, M, start=1, hi=4)

    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[0] = int((m[1 : 1 + L] == 1).sum())
        return o, out_mask(m, [0])

    return gen, ref


def t_max_minus_min(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        xs = m[1 : 1 + L]
        o[0] = (xs.max() - xs.min()) % M
        return o, out_mask(m, [0])

    return (lambda r, M: a_list(r, M, start=1)), ref


def t_fill_length(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = L
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_double_sum(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[0] = 2 * int(m[1 : 1 + L].sum()) % M
        return o, out_mask(m, [0])

    return (lambda r, M: a_list(r, M, start=1)), ref


def t_sum_first_k(M):
    def gen(r, M):
        m = a_list(r, M, start=1)
        m[0] = r.integers(0, length(m, 1) + 1)
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = int(m[1 : 1 + m[0]].sum()) % M
        return o, out_mask(m, [0])

    return gen, ref


TASKS = {
    "add3": (8, t_add3, 64),
    "sum_pairs": (8, t_sum_pairs, 64),
    "median3": (8, t_median3, 64),
    "map_sub_index": (8, t_map_sub_index, 64),
    "sub_from_first": (12, t_sub_from_first, 128),
    "shift_right": (8, t_shift_right, 64),
    "swap_first_last": (12, t_swap_first_last, 128),
    "count_ones": (12, t_count_ones, 128),
    "max_minus_min": (12, t_max_minus_min, 128),
    "fill_length": (8, t_fill_length, 64),
    "double_sum": (12, t_double_sum, 128),
    "sum_first_k": (12, t_sum_first_k, 128),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout2", __doc__, salt=2000)
