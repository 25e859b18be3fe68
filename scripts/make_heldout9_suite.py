"""Write the ninth held-out suite ``bridge/suites/heldout9.json``: twelve tasks written on
6 Dec 2026 by someone who had not seen the search's code or how it fares on them, after the
eighth held-out suite had been run. Each generator draws inputs so that every behaviour the
task has (disjoint, touching and nested intervals, shifts past the top bit, zero and nonzero
cells, the first and last index, fixed points and cycles, one-node and long linked lists,
the smallest and the fullest stack, equal top elements, empty lists, sums that wrap, lists
with and without a gap) turns up among the 16 train examples, and the train examples were
checked to rule out the nearest simpler wrong tasks; each task fits a program of fewer than
``M`` lines on ``R = 4`` registers that halts within ``T`` (checked before the commit with
hand-written programs on the discrete interpreter; they are not shipped, so nothing is
tuned against them). The tasks were fixed and committed before anything was run on them;
their first run is the honest figure. Same format and helpers as :mod:`make_dev_suite`.

    python scripts/make_heldout9_suite.py [--out bridge/suites/heldout9.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, ends_or_any, length, linked, out_mask, some_short


def t_overlap(M):
    def gen(r, M):
        m = any_cells(r, M)
        v = np.sort(r.integers(0, M, size=4))
        k = r.integers(6)  # any two intervals, disjoint, touching, overlapping, nested, the same
        pairs = [sorted(r.integers(0, M, size=2)), sorted(r.integers(0, M, size=2))]
        if k:
            pairs = [
                [(v[0], v[1]), (v[2], v[3])],
                [(v[0], v[1]), (v[1], v[3])],
                [(v[0], v[2]), (v[1], v[3])],
                [(v[0], v[3]), (v[1], v[2])],
                [(v[0], v[2]), (v[0], v[2])],
            ][k - 1]
        first, second = pairs[:: 1 if r.integers(2) else -1]
        m[:4] = *first, *second  # [a, b) in cells 0, 1 and [c, d) in cells 2, 3
        return m

    def ref(m, M):
        o = m.copy()
        lo, hi = max(m[0], m[2]), min(m[1], m[3])
        o[4] = max(0, int(hi) - int(lo))  # length of [a, b) ∩ [c, d)
        return o, out_mask(m, [4])

    return gen, ref


def t_double_k(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[1] = r.integers(0, 4) if r.integers(3) else r.integers(0, M)  # mostly small k
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = int(m[0]) * 2 ** int(m[1]) % M  # cell 0 doubled cell 1 times
        return o, out_mask(m, [2])

    return gen, ref


def t_to_bool(M):
    def gen(r, M):
        m = any_cells(r, M)
        p = r.choice([0.0, 0.3, 0.6, 0.9])  # from no zeros to nearly all zeros
        m[r.random(M) < p] = 0
        if r.integers(3) == 0:  # some ones, which stay
            m[r.random(M) < 0.3] = 1
        return m

    def ref(m, M):
        o = (m != 0).astype(np.int64)  # every cell becomes 1 if it is nonzero, else 0
        return o, out_mask(m, range(M))

    return gen, ref


def t_delete_at(M):
    def gen(r, M):
        m = a_list(r, M, start=1)
        k = r.integers(4)
        if k == 0:  # some full lists
            m[1 : M - 1] = r.integers(1, M, size=M - 2)
        elif k == 1:  # and some one-element lists
            m[2:] = 0
        L = length(m, 1)
        m[0] = r.choice([1, L]) if r.integers(2) == 0 else r.integers(1, L + 1)  # the ends often
        return m

    def ref(m, M):
        o = m.copy()
        k, L = int(m[0]), length(m, 1)
        o[k : L + 1] = m[k + 1 : L + 2]  # element k (address k) goes; the rest and the 0 move down
        return o, out_mask(m, range(1, L + 1))

    return gen, ref


def t_follow_k(M):
    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)
        m[2:] = r.integers(2, M, size=M - 2)  # a function on cells 2..M-1
        m[0] = r.integers(2, M)
        m[1] = ends_or_any(r, [0, 1, M - 1], 0, M)
        if r.integers(4) == 0:  # a fixed point somewhere on the way
            m[m[m[0]]] = m[m[0]]
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        for _ in range(int(m[1])):
            p = int(m[p])
        o[0] = p  # cell 0 follows its pointer k times (k in cell 1)
        return o, out_mask(m, [0])

    return gen, ref


def t_ll_pop(M):
    def gen(r, M):
        n = r.integers(3)  # a third of the lists have one node, a third three or more
        while True:
            m, addr = linked(r, M)  # [next, value] nodes
            if [len(addr) == 1, len(addr) == 2, len(addr) >= 3][n]:
                return m

    def ref(m, M):
        o = m.copy()
        h = int(m[0])
        o[0], o[1] = m[h], m[h + 1]  # the head node leaves the list; its value goes to cell 1
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_backlinks(M):
    def gen(r, M):
        return some_short(r, M)[0]  # [next, prev] nodes, every prev stale (1..M-1)

    def ref(m, M):
        o = m.copy()
        prev, p = 0, int(m[0])
        while p != 0:
            o[p + 1] = prev  # each node's second cell points back at the node before it
            prev, p = p, int(m[p])
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_close(M):
    def gen(r, M):
        return some_short(r, M)[0]  # [next, value] nodes

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        while m[p] != 0:
            p = int(m[p])
        o[p] = m[0]  # the last node links back to the head: the list becomes a ring
        return o, out_mask(m, range(M))

    return gen, ref


def t_stack_add(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack in cells 1..sp-1, sp in cell 0: two to M - 2 elements
        m[0] = ends_or_any(r, [3, M - 1], 3, M)
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp - 2] = (m[sp - 2] + m[sp - 1]) % M  # the top two elements become their sum
        o[0] = sp - 1
        return o, out_mask(m, [0, sp - 2])

    return gen, ref


def t_stack_swap(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack in cells 1..sp-1, sp in cell 0: two to M - 2 elements
        m[0] = ends_or_any(r, [3, M - 1], 3, M)
        if r.integers(5) == 0:  # some equal top elements
            m[m[0] - 1] = m[m[0] - 2]
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp - 2], o[sp - 1] = m[sp - 1], m[sp - 2]  # the top two elements trade places
        return o, out_mask(m, [0, sp - 2, sp - 1])

    return gen, ref


def t_balance(M):
    def gen(r, M):
        m = a_list(r, M, start=1, hi=r.choice([4, M]))  # small values make sums that do not wrap
        k = r.integers(5)
        if k < 2:  # some lists are empty, some have one element
            m[1 + k :] = 0
        m[0] = r.integers(0, M)
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = (int(m[0]) - int(m[1 : 1 + length(m, 1)].sum())) % M  # cell 0 minus the list's sum
        return o, out_mask(m, [0])

    return gen, ref


def t_first_missing(M):
    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)  # a strictly increasing list of 1..M-1 at cells 1..
        k = r.integers(4)  # empty, starting past 1, or 1, 2, .., run and then values past a gap
        run = 0 if k < 2 else r.integers(1, M - 1)
        rest = r.choice(np.arange(run + 2, M), size=r.integers(k == 1, M - run - 1), replace=False) if k else []
        xs = np.concatenate([np.arange(1, run + 1), np.sort(rest)])[: M - 2].astype(np.int64)
        m[1 : 1 + len(xs)] = xs
        m[0] = r.integers(0, M)
        return m

    def ref(m, M):
        o = m.copy()
        xs = set(m[1 : 1 + length(m, 1)].tolist())
        o[0] = min(v for v in range(1, M) if v not in xs)  # the smallest positive value missing
        return o, out_mask(m, [0])

    return gen, ref


TASKS = {
    "overlap": (12, t_overlap, 96),
    "double_k": (8, t_double_k, 64),
    "to_bool": (8, t_to_bool, 64),
    "delete_at": (10, t_delete_at, 80),
    "follow_k": (10, t_follow_k, 80),
    "ll_pop": (10, t_ll_pop, 80),
    "ll_backlinks": (12, t_ll_backlinks, 96),
    "ll_close": (12, t_ll_close, 96),
    "stack_add": (10, t_stack_add, 80),
    "stack_swap": (8, t_stack_swap, 64),
    "balance": (12, t_balance, 96),
    "first_missing": (8, t_first_missing, 64),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout9", __doc__, salt=9000)
