"""Write the third held-out suite ``bridge/suites/heldout3.json``: twelve tasks written on
3 Dec 2026 by someone who had not seen the search's results, after the second held-out
suite had been run. They were fixed and committed before anything was run on them; their
first run is the honest figure (later changes came after looking at its failures). Same format and helpers as
:mod:`make_dev_suite`.

    python scripts/make_heldout3_suite.py [--out bridge/suites/heldout3.json]
"""

from __future__ import annotations

import math

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, cells, headed_list, length, out_mask


def _two(r, M, lo=0):
    """Two values ``lo..M-1`` in cells 0 and 1; the rest of memory is 0."""
    return cells(*r.integers(lo, M, size=2), M=M)


def t_weighted_sum(M):
    return any_cells, lambda m, M: (cells(*m[:2], (m[0] + 2 * m[1]) % M, *m[3:], M=M), out_mask(m, [2]))


def t_select(M):
    def gen(r, M):
        m = any_cells(r, M)
        if r.integers(2):  # cell 0 is 0 half the time, else the condition would rarely hold
            m[0] = 0
        return m

    def ref(m, M):
        o = m.copy()
        o[3] = m[1] if m[0] == 0 else m[2]
        return o, out_mask(m, [3])

    return gen, ref


def t_pair_max(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = np.maximum(m[:L], m[1 : L + 1])  # the last element meets the terminator
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_replace(M):
    def gen(r, M):
        m = a_list(r, M, start=2, hi=5)  # small values, so the searched one turns up
        m[0], m[1] = r.integers(1, 5), r.integers(1, M)
        return m

    def ref(m, M):
        o = m.copy()
        L = length(m, 2)
        xs = m[2 : 2 + L]
        o[2 : 2 + L] = np.where(xs == m[0], m[1], xs)
        return o, out_mask(m, range(2, 2 + L))

    return gen, ref


def t_alt_sum(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[0] = int((m[1 : 1 + L] * (-1) ** np.arange(L)).sum()) % M
        return o, out_mask(m, [0])

    return (lambda r, M: a_list(r, M, start=1)), ref


def t_find_index(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        hits = np.flatnonzero(m[1 : 1 + L] == m[0])
        o[0] = 1 + hits[0] if len(hits) else 0  # the address of the first match
        return o, out_mask(m, [0])

    return (lambda r, M: headed_list(r, M, lo=1, hi=6)), ref


def t_is_sorted(M):
    def gen(r, M):
        m = a_list(r, M, start=1)
        if r.integers(4) == 0:  # a drawn list is sorted a third of the time; now about half
            L = length(m, 1)
            m[1 : 1 + L] = np.sort(m[1 : 1 + L])
        return m

    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + length(m, 1)]
        o[0] = int(bool(np.all(xs[:-1] <= xs[1:])))
        return o, out_mask(m, [0])

    return gen, ref


def t_remainder(M):
    def gen(r, M):
        return cells(r.integers(0, M), r.integers(1, M), M=M)

    def ref(m, M):
        o = m.copy()
        o[2] = m[0] % m[1]
        return o, out_mask(m, [2])

    return gen, ref


def t_gcd(M):
    def ref(m, M):
        o = m.copy()
        o[2] = math.gcd(int(m[0]), int(m[1]))
        return o, out_mask(m, [2])

    return (lambda r, M: _two(r, M, lo=1)), ref


def t_reverse(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = m[:L][::-1]
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_bubble_pass(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        for i in range(L - 1):  # one left-to-right pass: the largest ends up last
            if o[i] > o[i + 1]:
                o[i], o[i + 1] = o[i + 1], o[i]
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_remove_value(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        kept = [x for x in m[1 : 1 + L] if x != m[0]]
        o[1 : 1 + len(kept)] = kept
        o[1 + len(kept)] = 0  # the shorter list is 0-terminated; cells after it are free
        return o, out_mask(m, range(1, 2 + len(kept)))

    return (lambda r, M: headed_list(r, M, lo=1, hi=5)), ref


TASKS = {
    "weighted_sum": (8, t_weighted_sum, 64),
    "select": (8, t_select, 64),
    "pair_max": (8, t_pair_max, 64),
    "replace": (12, t_replace, 96),
    "alt_sum": (12, t_alt_sum, 96),
    "find_index": (12, t_find_index, 96),
    "is_sorted": (8, t_is_sorted, 64),
    "remainder": (12, t_remainder, 96),
    "gcd": (12, t_gcd, 96),
    "reverse": (8, t_reverse, 64),
    "bubble_pass": (8, t_bubble_pass, 64),
    "remove_value": (12, t_remove_value, 96),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout3", __doc__, salt=3000)
