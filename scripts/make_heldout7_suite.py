"""Write the seventh held-out suite ``bridge/suites/heldout7.json``: twelve tasks written on
6 Dec 2026 by someone who had not seen the search's code or how it fares on them, after the
sixth held-out suite had been run. Each generator draws inputs so that every behaviour the
task has (both answers of a test, carries that run far, absent values, fixed points and
full cycles, keys that are missing or repeated, one- and two-node lists) turns up among the
16 train examples, and the train examples were checked to rule out the nearest simpler
wrong tasks; each task fits a program of fewer than ``M`` lines on ``R = 4`` registers that
halts within ``T`` (checked before the commit with hand-written programs on the discrete
interpreter; they are not shipped, so nothing is tuned against them). The tasks were fixed
and committed before anything was run on them; their first run is the honest figure. Same
format and helpers as :mod:`make_dev_suite`.

    python scripts/make_heldout7_suite.py [--out bridge/suites/heldout7.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, length, linked, out_mask


def t_first_nonzero(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[0] = r.integers(1, M)  # cell 0 is overwritten, so its input is noise
        gap = r.integers(0, M - 1) if r.integers(3) else 0  # a run of zeros from cell 1
        m[1 : 1 + gap] = 0
        m[1 + gap] = r.integers(1, M)
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = next(int(v) for v in m[1:] if v != 0)  # the first nonzero cell after cell 0
        return o, out_mask(m, [0])

    return gen, ref


def t_bigint_inc(M):
    def gen(r, M):
        m = any_cells(r, M)  # a number in base M, least significant digit in cell 0
        k = r.integers(0, M)  # how many low digits are M - 1, so the carry runs that far
        m[:k] = M - 1
        m[min(k, M - 1)] = r.integers(0, M - 1)  # never all M - 1
        return m

    def ref(m, M):
        o = m.copy()
        i = 0
        while o[i] == M - 1:  # add 1: each digit M - 1 becomes 0 and carries
            o[i] = 0
            i += 1
        o[i] += 1
        return o, out_mask(m, range(M))

    return gen, ref


def t_cycle_len(M):
    def gen(r, M):
        n = r.choice([1, M]) if r.integers(4) == 0 else r.integers(1, M + 1)  # cycle length
        rest = 1 + r.permutation(M - 1)
        cyc, others = [0, *rest[: n - 1]], rest[n - 1 :]
        m = np.zeros(M, dtype=np.int64)  # a permutation of 0..M-1: cell v holds v's successor
        m[cyc] = np.roll(cyc, -1)
        if len(others):
            m[others] = r.permutation(others)  # any permutation of the other cells
        return m

    def ref(m, M):
        o = m.copy()
        v, n = int(m[0]), 1
        while v != 0:  # from 0, follow successors back to 0
            v, n = int(m[v]), n + 1
        o[0] = n % M  # the length of 0's cycle (a cycle through all M cells gives 0)
        return o, out_mask(m, [0])

    return gen, ref


def t_sat_double(M):
    def ref(m, M):
        o = m.copy()
        o[1] = min(2 * int(m[0]), M - 1)  # double, but stop at M - 1 instead of wrapping
        return o, out_mask(m, [1])

    return any_cells, ref


def t_ll_swap_front(M):
    def gen(r, M):
        while True:  # at least two nodes
            m, addr = linked(r, M)
            if len(addr) >= 2:
                return m

    def ref(m, M):
        o = m.copy()
        a = int(m[0])  # [next, value] nodes: the first two nodes trade places
        b = int(m[a])
        o[0], o[b], o[a] = b, a, m[b]
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_enumerate(M):
    def ref(m, M):
        o = m.copy()
        p, k = int(m[0]), 0
        while p != 0:  # [value, next] nodes: each value becomes the node's position, 1-based
            k += 1
            o[p] = k
            p = int(m[p + 1])
        return o, out_mask(m, range(M))

    return (lambda r, M: linked(r, M, value_first=True)[0]), ref


def t_ptr_sum(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[1], m[2] = r.integers(3, M, size=2)  # two pointers past the header
        if r.integers(4) == 0:  # some point at the same cell
            m[2] = m[1]
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = (m[m[1]] + m[m[2]]) % M  # the sum of the two cells they point at
        return o, out_mask(m, [0])

    return gen, ref


def t_min_nonzero(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[:2] = np.where(r.random(2) < 0.35, 0, r.integers(1, M, size=2))  # 0 means absent
        return m

    def ref(m, M):
        o = m.copy()
        present = [int(v) for v in m[:2] if v != 0]
        o[2] = min(present) if present else 0  # the smaller of the values present, else 0
        return o, out_mask(m, [2])

    return gen, ref


def t_cyclic_inc(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[1] = r.integers(1, M)  # the modulus b
        m[0] = m[1] - 1 if r.integers(3) == 0 else r.integers(0, m[1])  # a counter below b
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = (int(m[0]) + 1) % int(m[1])  # add 1, wrapping to 0 at b
        return o, out_mask(m, [0])

    return gen, ref


def t_lead_run(M):
    def gen(r, M):
        m = a_list(r, M, start=1, hi=4)  # values 1..3: later runs of the first value are common
        L = length(m, 1)
        n = r.integers(1, L + 1)
        m[1 : 1 + n] = m[1]  # the first run is n long
        if n < L:
            m[1 + n] = r.choice([v for v in (1, 2, 3) if v != m[1]])
        m[0] = r.integers(0, M)
        return m

    def ref(m, M):
        o = m.copy()
        xs, n = m[1 : 1 + length(m, 1)], 0
        while n < len(xs) and xs[n] == xs[0]:
            n += 1
        o[0] = n  # how many leading list elements equal the first
        return o, out_mask(m, [0])

    return gen, ref


def t_ll_reverse(M):
    def ref(m, M):
        o = m.copy()
        p, prev = int(m[0]), 0
        while p != 0:  # [next, value] nodes: every link turns round
            o[p] = prev
            p, prev = int(m[p]), p
        o[0] = prev  # the last node is the new head; values stay where they are
        return o, out_mask(m, range(M))

    def gen(r, M):
        short = r.integers(3) == 0  # a third of the lists have one or two nodes
        while True:
            m, addr = linked(r, M)
            if len(addr) <= 2 or not short:
                return m

    return gen, ref


def t_ll_find(M):
    def gen(r, M):
        m, addr = linked(r, M, value_first=True)  # [value, next] nodes
        if r.integers(2) == 0:  # half the lists have few values, so the key repeats
            m[addr] = r.integers(1, 4, size=len(addr))
        m[1] = m[0]  # the head's address moves to cell 1; cell 0 holds the key
        m[0] = r.choice(m[addr]) if r.integers(3) else r.integers(1, M)
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[1])
        while p != 0 and m[p] != m[0]:
            p = int(m[p + 1])
        o[1] = p  # the address of the first node holding the key, 0 if none does
        return o, out_mask(m, range(M))

    return gen, ref


TASKS = {
    "first_nonzero": (10, t_first_nonzero, 80),
    "bigint_inc": (8, t_bigint_inc, 64),
    "cycle_len": (10, t_cycle_len, 80),
    "sat_double": (8, t_sat_double, 64),
    "ll_swap_front": (12, t_ll_swap_front, 96),
    "ll_enumerate": (12, t_ll_enumerate, 96),
    "ptr_sum": (12, t_ptr_sum, 96),
    "min_nonzero": (10, t_min_nonzero, 80),
    "cyclic_inc": (10, t_cyclic_inc, 80),
    "lead_run": (12, t_lead_run, 128),
    "ll_reverse": (12, t_ll_reverse, 128),
    "ll_find": (12, t_ll_find, 128),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout7", __doc__, salt=7000)
