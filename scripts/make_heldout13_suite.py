"""Write the thirteenth held-out suite ``bridge/suites/heldout13.json``: twelve tasks written on
7 Dec 2026 (eighth session), after the twelfth held-out suite had been written, by someone
who had not seen the search's code or how it fares on them. Each generator draws inputs so
that every behaviour the task has (pointers at cell 0, at the value cell and at the last
cell, values below, above and equal to the value they meet, positions and targets at 0 and
at ``M - 1``, steps of one, empty, one-element and full length-prefixed and 0-terminated
lists, lists of zeros, ones and no zeros and with leading and trailing runs of zeros,
indices of 0, 1, ``n``, ``n + 1``, past the list and ``M - 1``, the smallest and the fullest
stacks, empty, one-node and long linked lists with the node asked for at the head, in the
middle and at the end, counts of 0, 1 and the whole length, increasing, decreasing, tied and
mixed lists, insertions at the front, the end and inside, into empty and full lists) turns
up among the 16 train examples, and the train examples were checked to rule out the nearest
simpler wrong tasks; each task fits a program of fewer than ``M`` lines on its ``R``
registers that halts within ``T`` (checked before the commit with hand-written programs on
the discrete interpreter; they are not shipped, so nothing is tuned against them). Nine
tasks have ``R = 4`` registers; three, ``drop_zeros``, ``records`` and ``insert_at`` (a
compaction, a filter and an insert that carries each later element up a cell), have
``R = 6``. The tasks were fixed and committed before anything was run on them; their first
run is the honest figure. Same format and helpers as :mod:`make_dev_suite`; salt 13000.

    python scripts/make_heldout13_suite.py [--out bridge/suites/heldout13.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import any_cells, ends_or_any, linked, out_mask, some_short


def t_ptr_max(M):
    def gen(r, M):
        m = any_cells(r, M)
        p = m[0] = ends_or_any(r, [0, 1, M - 1], 2, M)  # at itself, at the value cell, last, any
        if p >= 2:
            k = r.integers(4)  # the pointed-at cell below, above or equal to cell 1, or any
            lo, hi = sorted(r.choice(M, size=2, replace=False))
            m[p], m[1] = [(lo, hi), (hi, lo), (lo, lo), (m[p], m[1])][k]
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        o[p] = max(m[p], m[1])  # the cell that cell 0 points at becomes the larger of it and cell 1
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_tail(M):
    def gen(r, M):
        if r.integers(6) == 0:  # the empty list
            m = np.zeros(M, dtype=np.int64)
        else:
            m, _ = some_short(r, M)  # [next, value] nodes
        m[1] = r.integers(M)  # junk in cell 1
        return m

    def ref(m, M):
        o = m.copy()
        p = 0
        while m[p] != 0:  # cell 0 is the head's "next" field, so an empty list's last node is 0
            p = int(m[p])
        o[1] = p  # the address of the list's last node (where the next node would be linked)
        return o, out_mask(m, [1])

    return gen, ref


def t_step_toward(M):
    def gen(r, M):
        m = any_cells(r, M)  # the target in cell 0, the position in cell 1
        k = r.integers(6)  # at 0, at M - 1, on the target, one step off, or any
        if k == 0:
            m[1], m[0] = 0, r.choice([0, r.integers(1, M)])
        elif k == 1:
            m[1], m[0] = M - 1, r.choice([M - 1, r.integers(0, M - 1)])
        elif k == 2:
            m[0] = m[1]
        elif k == 3:
            m[1] = r.integers(1, M - 1)
            m[0] = m[1] + r.choice([-1, 1])
        return m

    def ref(m, M):
        o = m.copy()
        b, a = int(m[0]), int(m[1])
        o[1] = a + (a < b) - (a > b)  # cell 1 moves one step toward cell 0 (stays if they are equal)
        return o, out_mask(m, [1])

    return gen, ref


def t_lp_decay(M):
    def gen(r, M):
        m = any_cells(r, M)  # n in cell 0, elements at cells 1..n, junk after
        n = m[0] = ends_or_any(r, [0, 1, M - 1], 0, M)
        k = r.integers(4)  # any values, zeros and ones among them, all zeros, or no zeros
        if k == 1:
            m[1 : n + 1] = r.choice([0, 1, r.integers(M)], size=n)
        elif k == 2:
            m[1 : n + 1] = 0
        elif k == 3:
            m[1 : n + 1] = r.integers(1, M, size=n)
        return m

    def ref(m, M):
        o = m.copy()
        n = int(m[0])
        o[1 : n + 1] = np.maximum(m[1 : n + 1] - 1, 0)  # each element goes down by 1; zeros stay 0
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_drop(M):
    def gen(r, M):
        m, addr = some_short(r, M)  # [next, value] nodes; k in cell 1
        n = len(addr)
        m[1] = [0, n, 1, r.integers(0, n + 1)][r.integers(4)]  # none, all, one, or any
        return m

    def ref(m, M):
        o = m.copy()
        for _ in range(int(m[1])):  # the first k nodes leave the list: the head moves on k times
            o[0] = m[o[0]]
        return o, out_mask(m, range(M))

    return gen, ref


def t_stack_unrot(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0: three elements or more
        sp = m[0] = ends_or_any(r, [4, M - 1], 4, M)
        k = r.integers(5)  # some equal neighbours among the top three
        if k == 0:
            m[sp - 2] = m[sp - 1]
        elif k == 1:
            m[sp - 3] = m[sp - 2]
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp - 3], o[sp - 2], o[sp - 1] = m[sp - 1], m[sp - 3], m[sp - 2]  # (a b c -- c a b): Forth -ROT
        return o, out_mask(m, [0, sp - 3, sp - 2, sp - 1])

    return gen, ref


def t_lp_get(M):
    def gen(r, M):
        m = any_cells(r, M)  # k in cell 0; n in cell 1, elements (1..M-1) at cells 2..n+1, junk after
        n = m[1] = ends_or_any(r, [0, 1, M - 2], 2, M - 1)
        m[2 : n + 2] = r.integers(1, M, size=n)
        k = r.integers(9)  # 0, 1, n, n + 1, past n, M - 1, or inside the list (a third)
        inside = r.integers(1, n + 1) if n else 0
        m[0] = [0, 1, n, n + 1, r.integers(n + 1, M), M - 1, inside, inside, inside][k]
        return m

    def ref(m, M):
        o = m.copy()
        k, n = int(m[0]), int(m[1])
        o[0] = m[k + 1] if 1 <= k <= n else 0  # element k (from 1) of the list, or 0 if there is none
        return o, out_mask(m, [0])

    return gen, ref


def t_ll_unlink(M):
    def gen(r, M):
        m, addr = some_short(r, M)  # [next, value] nodes; cell 1 the address of one of them
        mid = r.choice(addr[1:-1]) if len(addr) > 2 else addr[0]
        m[1] = int([addr[0], addr[-1], mid, r.choice(addr)][r.integers(4)])  # the head, the last, a middle, any
        return m

    def ref(m, M):
        o = m.copy()
        p, k = 0, int(m[1])
        while m[p] != k:  # cell 0 is the head's "next" field
            p = int(m[p])
        o[p] = m[k]  # node k leaves the list: the link into it now skips it
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_mid(M):
    def gen(r, M):
        m, _ = linked(r, M)  # [next, value] nodes, one to (M - 2) / 2 of them
        m[1] = r.integers(M)  # junk in cell 1
        return m

    def ref(m, M):
        o = m.copy()
        addr, p = [], int(m[0])
        while p != 0:
            addr.append(p)
            p = int(m[p])
        o[1] = m[addr[(len(addr) - 1) // 2] + 1]  # the value of the middle node (the first of two)
        return o, out_mask(m, [1])

    return gen, ref


def t_drop_zeros(M):
    def gen(r, M):
        m = any_cells(r, M)  # n in cell 0, elements at cells 1..n, junk after
        n = m[0] = ends_or_any(r, [0, 1, M - 1], 2, M)
        k = r.integers(5)  # zeros anywhere, all zeros, no zeros, a leading and a trailing run
        xs = r.integers(1, M, size=n) * (r.random(n) < 0.6)
        if k == 1:
            xs[:] = 0
        elif k == 2:
            xs = r.integers(1, M, size=n)
        elif k == 3 and n:
            xs[: r.integers(1, n + 1)] = 0
            xs[-1] = r.integers(1, M)
        elif k == 4 and n:
            xs[r.integers(n) :] = 0
            xs[0] = r.integers(1, M)
        m[1 : n + 1] = xs
        return m

    def ref(m, M):
        o = m.copy()
        xs = [int(x) for x in m[1 : int(m[0]) + 1] if x != 0]  # the zeros leave; the rest close up
        o[: len(xs) + 1] = [len(xs), *xs]
        return o, out_mask(m, range(len(xs) + 1))

    return gen, ref


def t_records(M):
    def gen(r, M):
        m = any_cells(r, M)  # a 0-terminated list at cells 0.. (values 1..M-1), junk after
        L = ends_or_any(r, [0, 1, M - 1], 2, M)  # empty, one, full or any length
        k = r.integers(5)  # any, rising, falling, few values (ties), any
        xs = r.integers(1, M, size=L)
        if k == 1:
            xs = np.sort(xs)
        elif k == 2:
            xs = np.sort(xs)[::-1]
        elif k == 3:
            xs = r.integers(1, 4, size=L)
        m[:L] = xs
        m[L] = 0
        return m

    def ref(m, M):
        o = m.copy()
        xs, top = [], 0
        for x in m[: make_dev_suite.length(m)]:
            if x > top:  # only the elements larger than every one before them stay (records)
                xs.append(int(x))
                top = x
        o[: len(xs) + 1] = [*xs, 0]
        return o, out_mask(m, range(len(xs) + 1))

    return gen, ref


def t_insert_at(M):
    def gen(r, M):
        m = any_cells(r, M)  # k in cell 0, v in cell 1, a 0-terminated list at cells 2.., junk after
        L = ends_or_any(r, [0, 1, M - 4], 0, M - 3)
        m[2 : 2 + L] = r.integers(1, M, size=L)
        m[2 + L] = 0
        m[0] = ends_or_any(r, [0, L], 0, L + 1)  # at the front, at the end, or inside
        m[1] = r.integers(1, M)
        if r.integers(4) == 0 and L:  # the value is already in the list
            m[1] = m[2 + r.integers(L)]
        return m

    def ref(m, M):
        o = m.copy()
        k, L = int(m[0]), make_dev_suite.length(m, 2)
        xs = [int(x) for x in m[2 : 2 + L]]
        xs.insert(k, int(m[1]))  # cell 1's value goes in before element k (from 0): the rest move up
        o[2 : 2 + L + 2] = [*xs, 0]
        return o, out_mask(m, range(2, 2 + L + 2))

    return gen, ref


TASKS = {
    "ptr_max": (8, t_ptr_max, 64),
    "ll_tail": (8, t_ll_tail, 64),
    "step_toward": (10, t_step_toward, 80),
    "lp_decay": (10, t_lp_decay, 80),
    "ll_drop": (10, t_ll_drop, 80),
    "stack_unrot": (12, t_stack_unrot, 96),
    "lp_get": (12, t_lp_get, 96),
    "ll_unlink": (12, t_ll_unlink, 96),
    "ll_mid": (12, t_ll_mid, 96),
    "drop_zeros": (12, t_drop_zeros, 128, 6),
    "records": (12, t_records, 128, 6),
    "insert_at": (12, t_insert_at, 128, 6),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout13", __doc__, salt=13000)
