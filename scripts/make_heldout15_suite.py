"""Write the fifteenth held-out suite ``bridge/suites/heldout15.json``: twelve tasks written on
7 Dec 2026 (twelfth session), after the fourteenth held-out suite had been written, by someone
who had not seen the search's code or how it fares on them. Each generator draws inputs so
that every behaviour the task has (pointers at cell 0, at cell 1, at each other and at the
last cell, pointed-at values of 0 and sums that wrap, equal, zero and extreme operands with
either one the larger, medians in each of three places and ties, the shallowest and the
fullest stacks with picks of the top, the bottom and between, finds at depth 0, 1 and through
every cell among other trees, empty, one-element and full lists, pushed and inserted values
below, above and equal to the elements, elements of 0 in length-prefixed lists, empty,
one-node and full linked lists with junk in the appended node's link, values found at the
head, in the middle, at the end, twice and not at all) turns up among the 16 train examples,
and the train examples were checked to rule out the nearest simpler wrong tasks; each task
fits a program of fewer than ``M`` lines on its ``R`` registers that halts within ``T``
(checked before the commit with hand-written programs on the discrete interpreter; they are
not shipped, so nothing is tuned against them). Nine tasks have ``R = 4`` registers; three,
``stack_sum``, ``sorted_insert`` and ``ll_find`` (a loop that pops two elements and pushes
their sum, a walk that carries the larger of two values and ends with two writes, and a walk
that compares each node's value with a target and then writes to a cell it must count to),
have ``R = 5``. ``T`` is ``8 * M``, except 128 for ``stack_sum`` and ``sorted_insert``, whose
hand-written programs' slowest runs (95 and 86 steps) came near ``8 * M``. The tasks were
fixed and committed before anything was run on them; their first run is the honest figure.
Same format and helpers as :mod:`make_dev_suite`; salt 15000.

    python scripts/make_heldout15_suite.py [--out bridge/suites/heldout15.json]
"""

from __future__ import annotations

from itertools import pairwise

import make_dev_suite
import numpy as np
from make_dev_suite import any_cells, chain, edge, junk_linked, node_slots, out_mask, relink


def t_abs_diff(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(6)  # equal, the first 0, the second 0, 0 and M - 1 either way round, or any
        if k == 0:
            m[1] = m[0]
        elif k == 1:
            m[0] = 0
        elif k == 2:
            m[1] = 0
        elif k == 3:
            m[:2] = r.permutation([0, M - 1])
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = abs(int(m[0]) - int(m[1]))  # the distance between the values in cells 0 and 1, no wrap
        return o, out_mask(m, [2])

    return gen, ref


def t_stack_pick(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0, n on top of at least n + 1 elements
        sp = m[0] = edge(r, [3, M - 1], 3, M)
        d = sp - 3  # the deepest pick
        n = m[sp - 1] = [0, d, min(1, d), r.integers(d + 1)][r.integers(4)]
        if r.integers(5) == 0:  # the element picked equal to n
            m[sp - 2 - n] = n
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        n = int(m[sp - 1])
        o[sp - 1] = m[sp - 2 - n]  # Forth's PICK (x_n .. x_0 n -- x_n .. x_0 x_n): 0 PICK is DUP
        return o, out_mask(m, range(M))

    return gen, ref


def t_uf_find(M):
    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)  # a forest on cells 1..M-1: each holds its parent, a root itself
        nodes = [int(u) for u in r.permutation(np.arange(1, M))]
        d = edge(r, [0, 1, M - 2], 2, M - 2)  # the depth of the node asked about
        path = nodes[: d + 1]
        for a, b in pairwise(path):
            m[a] = b
        m[path[-1]] = path[-1]
        placed = list(path)
        for u in nodes[d + 1 :]:  # the other cells: roots, or hung under cells already placed
            m[u] = u if r.integers(3) == 0 else r.choice(placed)
            placed.append(u)
        m[0] = path[0]
        return m

    def ref(m, M):
        o = m.copy()
        x = int(m[0])
        while m[x] != x:  # union-find's find: follow parents from the node in cell 0 to its root
            x = int(m[x])
        o[0] = x
        return o, out_mask(m, [0])

    return gen, ref


def t_ptr_add(M):
    def gen(r, M):
        m = any_cells(r, M)
        p = m[0] = [0, 1, M - 1, r.integers(2, M)][r.integers(4)]  # at itself, at the other pointer, last, any
        q = m[1] = [0, 1, p, M - 1, r.integers(2, M)][r.integers(5)]  # likewise, or at the same cell as p
        if q >= 2 and r.integers(5) == 0:  # adding 0
            m[q] = 0
        return m

    def ref(m, M):
        o = m.copy()
        p, q = int(m[0]), int(m[1])
        o[p] = (m[p] + m[q]) % M  # *p += *q: both cells are read before the write
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_append(M):
    def gen(r, M):
        n = edge(r, [0, 1, len(node_slots(M)) - 1], 1, len(node_slots(M)))  # one slot is left for the new node
        m, addr, free = junk_linked(r, M, n)
        k = m[1] = r.choice(free)  # the new node, its link junk: 0, its own address, a node's, or any
        m[k] = [0, k, r.choice(addr) if addr else 0, r.integers(M)][r.integers(4)]
        return m

    def ref(m, M):
        o = m.copy()
        k = int(m[1])
        addr = chain(m)
        o[addr[-1] if addr else 0] = k  # the node whose address is in cell 1 goes on the end of the list
        o[k] = 0
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_reverse(M):
    def gen(r, M):
        return junk_linked(r, M, edge(r, [0, 1, 2, len(node_slots(M))], 1, len(node_slots(M)) + 1))[0]

    def ref(m, M):
        o = m.copy()
        relink(o, chain(m)[::-1])  # the links turn round: the last node is the head, the head links to 0
        return o, out_mask(m, range(M))

    return gen, ref


def t_push_front(M):
    def gen(r, M):
        m = any_cells(r, M)  # a value v >= 1 in cell 0, a 0-terminated list at cells 1.., junk after
        L = edge(r, [0, 1, M - 3], 2, M - 3)  # room for one more element and the terminator
        m[1 : 1 + L] = r.integers(1, M, size=L)
        m[1 + L] = 0
        m[0] = m[1] if L and r.integers(4) == 0 else r.integers(1, M)  # v equal to the first element
        return m

    def ref(m, M):
        o = m.copy()
        L = make_dev_suite.length(m, 1)
        o[1] = m[0]  # v goes in front of the list; the elements and the terminator move up a cell
        o[2 : 3 + L] = m[1 : 2 + L]
        return o, out_mask(m, range(1, M))

    return gen, ref


def t_lp_pop_front(M):
    def gen(r, M):
        m = any_cells(r, M)  # n >= 1 in cell 0, elements (0 included) at cells 1..n, junk after
        m[0] = edge(r, [1, 2, M - 1], 3, M - 1)
        return m

    def ref(m, M):
        o = m.copy()
        n = int(m[0])
        o[0] = n - 1  # the first element is dropped; the rest move down a cell
        o[1:n] = m[2 : n + 1]
        return o, out_mask(m, range(n))

    return gen, ref


def t_median3(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(6)  # all three equal, two equal, or three values with the middle one anywhere
        if k == 0:
            m[1] = m[2] = m[0]
        elif k == 1:
            i, j = r.permutation(3)[:2]
            m[j] = m[i]
        else:
            lo, mid, hi = np.sort(r.choice(M, size=3, replace=False))
            m[:3] = np.roll([mid, lo, hi] if r.integers(2) else [mid, hi, lo], r.integers(3))
        return m

    def ref(m, M):
        o = m.copy()
        o[3] = sorted(m[:3])[1]  # the middle one of cells 0, 1 and 2
        return o, out_mask(m, [3])

    return gen, ref


def t_stack_sum(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0, one element or more
        m[0] = edge(r, [2, 3, M - 1], 4, M - 1)
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[1] = m[1:sp].sum() % M  # the stack is replaced by one element, the sum of all of them
        o[0] = 2
        return o, out_mask(m, [0, 1])

    return gen, ref


def t_sorted_insert(M):
    def gen(r, M):
        m = any_cells(r, M)  # v >= 1 in cell 0, a sorted 0-terminated list at cells 1.., junk after
        L = edge(r, [0, 1, M - 3], 2, M - 3)
        xs = np.sort(r.integers(1, M, size=L))
        m[1 : 1 + L] = xs
        m[1 + L] = 0
        k = r.integers(5)  # v at most the first, at least the last, equal to an element, or any
        if k == 0 and L:
            m[0] = r.integers(1, xs[0] + 1)
        elif k == 1 and L:
            m[0] = r.integers(xs[-1], M)
        elif k == 2 and L:
            m[0] = r.choice(xs)
        else:
            m[0] = r.integers(1, M)
        return m

    def ref(m, M):
        o = m.copy()
        L = make_dev_suite.length(m, 1)
        o[1 : 2 + L] = sorted(m[: 1 + L])  # v goes into the list in order; the terminator moves up
        o[2 + L] = 0
        return o, out_mask(m, range(1, M))

    return gen, ref


def t_ll_find(M):
    def gen(r, M):
        n = r.integers(len(node_slots(M)) + 1)  # empty to full
        m, addr, _ = junk_linked(r, M, n)
        vals = [int(m[a + 1]) for a in addr]
        absent = [v for v in range(M) if v not in vals]
        k = r.integers(4)  # the head's value, the last node's, a middle one's, or one not in the list
        m[1] = vals[[0, n - 1, r.integers(1, n - 1) if n > 2 else 0][k]] if k < 3 and n else r.choice(absent)
        if n >= 2 and r.integers(2):  # a later node repeats a value: the one asked for (half the time) or another
            hit = next((i for i, v in enumerate(vals) if v == m[1]), n - 1)
            i = hit if hit < n - 1 and r.integers(2) else r.integers(n - 1)
            m[addr[r.integers(i + 1, n)] + 1] = vals[i]
        return m

    def ref(m, M):
        o = m.copy()
        hits = [a for a in chain(m) if m[a + 1] == m[1]]
        o[1] = hits[0] if hits else 0  # the first node holding cell 1's value, or 0 if none does
        return o, out_mask(m, [1])

    return gen, ref


TASKS = {
    "abs_diff": (8, t_abs_diff, 64),
    "stack_pick": (8, t_stack_pick, 64),
    "uf_find": (8, t_uf_find, 64),
    "ptr_add": (8, t_ptr_add, 64),
    "ll_append": (10, t_ll_append, 80),
    "ll_reverse": (10, t_ll_reverse, 80),
    "push_front": (10, t_push_front, 80),
    "lp_pop_front": (10, t_lp_pop_front, 80),
    "median3": (12, t_median3, 96),
    "stack_sum": (12, t_stack_sum, 128, 5),
    "sorted_insert": (12, t_sorted_insert, 128, 5),
    "ll_find": (12, t_ll_find, 96, 5),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout15", __doc__, salt=15000)
