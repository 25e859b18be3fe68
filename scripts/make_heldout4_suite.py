"""Write the fourth held-out suite ``bridge/suites/heldout4.json``: twelve tasks written on
6 Dec 2026 by someone who had not seen the search's code or how it fares on them, after the
third held-out suite had been run and its failures mapped. Each generator draws inputs so
that every behaviour the task has (ties, equal keys, odd and even, both answers of a test)
turns up among the 16 train examples, and each task fits a program of fewer than ``M``
lines that halts within ``T`` (checked before the commit with hand-written programs on the
discrete interpreter; they are not shipped, so nothing is tuned against them). The tasks
were fixed and committed before anything was run on them; their first run is the honest
figure (later changes came after looking at its failures). Same format and helpers as :mod:`make_dev_suite`.

    python scripts/make_heldout4_suite.py [--out bridge/suites/heldout4.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, cells, headed_list, length, linked, out_mask


def t_triple(M):
    return any_cells, lambda m, M: (cells(m[0], 3 * m[0] % M, *m[2:], M=M), out_mask(m, [1]))


def t_is_equal(M):
    def gen(r, M):
        m = any_cells(r, M)
        if r.integers(2):  # equal half the time, else almost never
            m[1] = m[0]
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = int(m[0] == m[1])
        return o, out_mask(m, [2])

    return gen, ref


def t_clamp(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[1:3] = np.sort(m[1:3])  # the bounds: low in cell 1, high in cell 2
        return m

    def ref(m, M):
        o = m.copy()
        o[3] = min(max(m[0], m[1]), m[2])
        return o, out_mask(m, [3])

    return gen, ref


def t_halve(M):
    def ref(m, M):
        o = m.copy()
        o[1] = m[0] // 2
        return o, out_mask(m, [1])

    return (lambda r, M: cells(r.integers(0, M), M=M)), ref


def t_threshold(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[1 : 1 + L] = m[1 : 1 + L] >= m[0]
        return o, out_mask(m, range(1, 1 + L))

    # small values, so elements equal to the threshold are common
    return (lambda r, M: headed_list(r, M, lo=1, hi=6)), ref


def t_rotate_right(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = np.roll(m[:L], 1)  # the last element moves to the front
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_count_value(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[0] = int((m[1 : 1 + L] == m[0]).sum())
        return o, out_mask(m, [0])

    return (lambda r, M: headed_list(r, M, lo=1, hi=5)), ref


def t_count_rises(M):
    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + length(m, 1)]
        o[0] = int((xs[1:] > xs[:-1]).sum())  # steps up; equal neighbours do not count
        return o, out_mask(m, [0])

    return (lambda r, M: a_list(r, M, start=1, hi=5)), ref


def t_argmax(M):
    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + length(m, 1)]
        o[0] = 1 + int(np.argmax(xs))  # the address of the first largest element
        return o, out_mask(m, [0])

    return (lambda r, M: a_list(r, M, start=1, hi=6)), ref


def t_count_matches(M):
    off = M // 2  # list A at 1.., list B of the same length at M/2..

    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)
        L = r.integers(1, off - 1)
        m[1 : 1 + L] = r.integers(1, 4, size=L)
        m[off : off + L] = r.integers(1, 4, size=L)
        return m

    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[0] = int((m[1 : 1 + L] == m[off : off + L]).sum())
        return o, out_mask(m, [0])

    return gen, ref


def t_is_palindrome(M):
    def gen(r, M):
        m = a_list(r, M, start=1, max_len=8, hi=4)
        xs = m[1 : 1 + length(m, 1)]  # a view: edits change m
        kind = r.integers(3)  # a random list, a palindrome, or a palindrome but one pair
        if kind:
            xs[len(xs) - len(xs) // 2 :] = xs[: len(xs) // 2][::-1]
        if kind == 2 and len(xs) > 1:
            i = r.choice([k for k in range(len(xs)) if 2 * k + 1 != len(xs)])  # not the middle
            xs[i] = 1 + (xs[i] + r.integers(0, 2)) % 3  # another of the values 1..3
        return m

    def ref(m, M):
        o = m.copy()
        xs = m[1 : 1 + length(m, 1)]
        o[0] = int(np.array_equal(xs, xs[::-1]))
        return o, out_mask(m, [0])

    return gen, ref


def t_ll_inc(M):
    def ref(m, M):
        o = m.copy()
        p, vals = int(m[0]), []
        while p != 0:  # [next, value] nodes from the head in cell 0
            vals.append(p + 1)
            o[p + 1] = (m[p + 1] + 1) % M
            p = int(m[p])
        return o, out_mask(m, vals)

    return (lambda r, M: linked(r, M)[0]), ref


TASKS = {
    "triple": (8, t_triple, 64),
    "is_equal": (8, t_is_equal, 64),
    "clamp": (8, t_clamp, 64),
    "halve": (12, t_halve, 96),
    "threshold": (12, t_threshold, 128),
    "rotate_right": (8, t_rotate_right, 64),
    "count_value": (12, t_count_value, 128),
    "count_rises": (12, t_count_rises, 128),
    "argmax": (12, t_argmax, 128),
    "count_matches": (16, t_count_matches, 160),
    "is_palindrome": (16, t_is_palindrome, 160),
    "ll_inc": (12, t_ll_inc, 96),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout4", __doc__, salt=4000)
