"""Write the tenth held-out suite ``bridge/suites/heldout10.json``: twelve tasks written on
6 Dec 2026 by someone who had not seen the search's code or how it fares on them, after the
ninth held-out suite had been run. Each generator draws inputs so that every behaviour the
task has (both signs and the values either side of ``M / 2``, zero and nonzero cells,
pointers at themselves and values that wrap, the shortest and the fullest length-prefixed
lists and stacks, picks from the top and the bottom, equal elements, one-node and long
linked lists, identity and cyclic permutations, empty lists) turns up among the 16 train
examples, and the train examples were checked to rule out the nearest simpler wrong tasks;
each task fits a program of fewer than ``M`` lines on ``R = 4`` registers that halts within
``T`` (checked before the commit with hand-written programs on the discrete interpreter;
they are not shipped, so nothing is tuned against them). The tasks were fixed and committed
before anything was run on them; their first run is the honest figure. Same format and
helpers as :mod:`make_dev_suite`.

    python scripts/make_heldout10_suite.py [--out bridge/suites/heldout10.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import a_list, any_cells, ends_or_any, length, linked, out_mask, some_short


def _signed(v, M):
    """``v`` read as a signed number: values ``M / 2`` and up are negative."""
    return int(v) - M if v >= M // 2 else int(v)


def t_signed_max(M):
    def gen(r, M):
        m = any_cells(r, M)
        h = M // 2
        k = r.integers(5)  # both nonnegative, both negative, one of each, equal, the two ends
        m[:2] = [
            r.integers(0, h, size=2),
            r.integers(h, M, size=2),
            [r.integers(0, h), r.integers(h, M)],
            [r.integers(0, M)] * 2,
            [h - 1, h],
        ][k]
        if r.integers(2):
            m[:2] = m[1::-1]
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = max(m[0], m[1], key=lambda v: _signed(v, M))  # the larger of a, b read as signed
        return o, out_mask(m, [2])

    return gen, ref


def t_xor_nonzero(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[:2] = r.integers(1, M, size=2)
        if r.integers(4) == 0:  # some equal nonzero pairs
            m[1] = m[0]
        m[:2] *= r.random(2) < 0.5  # each of a, b is 0 half the time
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = int((m[0] != 0) != (m[1] != 0))  # 1 if exactly one of a, b is nonzero, else 0
        return o, out_mask(m, [2])

    return gen, ref


def t_ptr_inc(M):
    def gen(r, M):
        m = any_cells(r, M)
        if r.integers(4) == 0:  # some pointers at cell 0 itself
            m[0] = 0
        if r.integers(3) == 0:  # some pointed-at cells that wrap
            m[m[0]] = M - 1
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        o[p] = (m[p] + 1) % M  # the cell that cell 0 points at goes up by 1, mod M
        return o, out_mask(m, range(M))

    return gen, ref


def t_lp_last(M):
    def gen(r, M):
        m = any_cells(r, M)  # n elements (any values, zeros too) at cells 1..n, junk after
        m[0] = ends_or_any(r, [1, M - 1], 1, M)
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = m[m[0]]  # the last element of the length-prefixed list (n in cell 0) replaces n
        return o, out_mask(m, [0])

    return gen, ref


def t_stack_pick(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 2..sp-1, sp in cell 0, k in cell 1, room on top
        sp = ends_or_any(r, [3, M - 2], 3, M - 1)
        k = r.integers(4)  # the top, the one below it, the bottom, anywhere
        m[0], m[1] = sp, [0, min(1, sp - 3), sp - 3, r.integers(0, sp - 2)][k]
        return m

    def ref(m, M):
        o = m.copy()
        sp, k = int(m[0]), int(m[1])
        o[sp] = m[sp - 1 - k]  # a copy of the element k below the top is pushed (Forth PICK)
        o[0] = sp + 1
        return o, out_mask(m, [0, sp])

    return gen, ref


def t_stack_rot(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0: three to M - 2 elements
        m[0] = ends_or_any(r, [4, M - 1], 4, M)
        if r.integers(5) == 0:  # some equal neighbours: b = c or a = b
            m[m[0] - r.choice([1, 3])] = m[m[0] - 2]
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp - 3 : sp] = m[sp - 2], m[sp - 1], m[sp - 3]  # (a b c -- b c a): the third goes on top
        return o, out_mask(m, [0, sp - 3, sp - 2, sp - 1])

    return gen, ref


def t_ll_insert_second(M):
    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)  # [next, value] nodes; one free slot holds a junk node
        slots = 2 + 2 * r.permutation((M - 2) // 2)
        n = ends_or_any(r, [1, len(slots) - 1], 1, len(slots))
        addr, free = slots[:n], slots[n]
        m[addr] = np.append(addr[1:], 0)
        m[addr + 1] = r.integers(1, M, size=n)
        m[free], m[free + 1] = r.integers(0, M), r.integers(1, M)
        m[0], m[1] = addr[0], free
        return m

    def ref(m, M):
        o = m.copy()
        h, n = int(m[0]), int(m[1])
        o[n], o[h] = m[h], n  # the node whose address is in cell 1 is linked in after the head
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_prefix_sum(M):
    def gen(r, M):
        m, addr = some_short(r, M)  # [next, value] nodes
        if r.integers(2):  # small values, whose sums do not wrap
            m[addr + 1] = r.integers(1, 3, size=len(addr))
        return m

    def ref(m, M):
        o = m.copy()
        acc, p = 0, int(m[0])
        while p != 0:
            acc = (acc + int(m[p + 1])) % M
            o[p + 1] = acc  # each value becomes the sum of the values up to its node, mod M
            p = int(m[p])
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_swap_values(M):
    def gen(r, M):
        n = r.integers(3)  # two nodes, three, or all the slots
        while True:
            m, addr = linked(r, M)  # [next, value] nodes
            if [len(addr) == 2, len(addr) == 3, len(addr) == (M - 2) // 2][n]:
                break
        if r.integers(5) == 0:  # some equal values
            m[m[m[0]] + 1] = m[m[0] + 1]
        return m

    def ref(m, M):
        o = m.copy()
        h = int(m[0])
        s = int(m[h])
        o[h + 1], o[s + 1] = m[s + 1], m[h + 1]  # the first two nodes' values trade places
        return o, out_mask(m, range(M))

    return gen, ref


def t_lp_to_z(M):
    def gen(r, M):
        m = any_cells(r, M)  # n nonzero elements at cells 1..n, junk (mostly nonzero) after
        n = r.choice([0, 1, M - 2]) if r.integers(2) == 0 else r.integers(0, M - 1)
        m[0] = n
        m[1 : n + 1] = r.integers(1, M, size=n)
        return m

    def ref(m, M):
        o = m.copy()
        n = int(m[0])
        o[:n] = m[1 : n + 1]  # the elements move down one cell and a 0 follows them
        o[n] = 0
        return o, out_mask(m, range(n + 1))

    return gen, ref


def t_invert_perm(M):
    def gen(r, M):
        h = M // 2
        m = any_cells(r, M)  # a permutation of 0..h-1 at cells 0..h-1, junk after
        k = r.integers(6)  # mostly any, else the identity, a rotation, a swap of two
        p = r.permutation(h)
        if k == 3:
            p = np.arange(h)
        elif k == 4:
            p = np.roll(np.arange(h), r.integers(1, h))
        elif k == 5:
            p = np.arange(h)
            i, j = r.choice(h, size=2, replace=False)
            p[[i, j]] = p[[j, i]]
        m[:h] = p
        return m

    def ref(m, M):
        o = m.copy()
        h = M // 2
        o[h + m[:h]] = np.arange(h)  # cells h.. get the inverse permutation: inv[p[i]] = i
        return o, out_mask(m, range(h, M))

    return gen, ref


def t_map_abs(M):
    def gen(r, M):
        m = a_list(r, M)  # a 0-terminated list at cells 0..
        k = r.integers(6)
        if k == 0:  # some empty lists
            m[:] = 0
        elif k == 1:  # and some holding the middle and the ends of the range
            L = length(m)
            m[:L] = r.choice([1, M // 2, M - 1], size=L)
        return m

    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = np.minimum(m[:L], M - m[:L])  # each element, read as signed, becomes its absolute value
        return o, out_mask(m, range(L))

    return gen, ref


TASKS = {
    "signed_max": (8, t_signed_max, 64),
    "xor_nonzero": (10, t_xor_nonzero, 80),
    "ptr_inc": (8, t_ptr_inc, 64),
    "lp_last": (8, t_lp_last, 64),
    "stack_pick": (10, t_stack_pick, 80),
    "stack_rot": (12, t_stack_rot, 96),
    "ll_insert_second": (10, t_ll_insert_second, 80),
    "ll_prefix_sum": (12, t_ll_prefix_sum, 96),
    "ll_swap_values": (10, t_ll_swap_values, 80),
    "lp_to_z": (12, t_lp_to_z, 160),
    "invert_perm": (12, t_invert_perm, 96),
    "map_abs": (10, t_map_abs, 120),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout10", __doc__, salt=10000)
