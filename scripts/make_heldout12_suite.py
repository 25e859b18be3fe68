"""Write the twelfth held-out suite ``bridge/suites/heldout12.json``: twelve tasks written on
7 Dec 2026 (eighth session), after the eleventh held-out suite had been run, by someone who
had not seen the search's code or how it fares on them. Each generator draws inputs so that
every behaviour the task has (a control cell that is 0 and nonzero, pointers at cell 0, at
neighbours, at each other and in either order, equal and unequal values, the emptiest and
the fullest stacks, stacks that meet, identity, involutions and long cycles, chains that end
at cell 0, loop on themselves or stop at once, one-node and long linked lists with the
matching or zero values at the head, in the middle, at the end, nowhere and everywhere,
empty and full lists with runs and with values that come back later) turns up among the 16
train examples, and the train examples were checked to rule out the nearest simpler wrong
tasks; each task fits a program of fewer than ``M`` lines that halts within ``T`` (checked
before the commit with hand-written programs on the discrete interpreter; they are not
shipped, so nothing is tuned against them). Nine tasks have ``R = 4`` registers; three,
``ptr_rotate3``, ``uniq`` and ``ll_remove`` (three pointers, a compaction, a filter), have
``R = 6``, since users' machines vary. The tasks were fixed and committed before anything
was run on them; their first run is the honest figure. Same format and helpers as
:mod:`make_dev_suite`; salt 12000.

    python scripts/make_heldout12_suite.py [--out bridge/suites/heldout12.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import any_cells, ends_or_any, linked, out_mask, some_short


def t_cswap(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(6)  # the control cell 0 (a third), 1, M - 1 or any nonzero value
        m[0] = [0, 0, 1, M - 1, r.integers(1, M), r.integers(1, M)][k]
        if r.integers(5) == 0:  # some equal pairs
            m[2] = m[1]
        return m

    def ref(m, M):
        o = m.copy()
        if m[0] != 0:  # a controlled swap (Fredkin gate): cells 1 and 2 trade places unless cell 0 is 0
            o[1], o[2] = m[2], m[1]
        return o, out_mask(m, [1, 2])

    return gen, ref


def t_swap_at(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[0] = ends_or_any(r, [0, 1, M - 2], 0, M - 1)
        if r.integers(5) == 0:  # some equal neighbours
            m[m[0] + 1] = m[m[0]]
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        o[p], o[p + 1] = m[p + 1], m[p]  # the cell that cell 0 points at and the one after it trade places
        return o, out_mask(m, range(M))

    return gen, ref


def t_stack_depth(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0: empty or not, room on top
        m[0] = ends_or_any(r, [1, 2, M - 2], 1, M - 1)
        if r.integers(3) == 0 and m[0] > 1:  # zeros inside the stack
            m[r.integers(1, m[0])] = 0
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp], o[0] = sp - 1, sp + 1  # the stack's depth is pushed (Forth DEPTH)
        return o, out_mask(m, [0, sp])

    return gen, ref


def t_chain_clear(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(6)  # any; cell 0 holds 0; a self-loop; a chain back to cell 0; a long chain
        if k == 1:
            m[0] = 0
        elif k == 2:
            m[m[0]] = m[0]
        elif k >= 3:
            path = r.permutation(np.arange(1, M))[: r.integers(2, M)]
            m[0] = path[0]
            m[path[:-1]] = path[1:]
            m[path[-1]] = [0, r.choice(path), r.integers(M)][k - 3]
        return m

    def ref(m, M):
        o = m.copy()
        p = 0
        while True:  # every cell reachable from cell 0 by following pointers becomes 0
            q = int(o[p])
            o[p] = 0
            p = q
            if p == 0:
                break
        return o, out_mask(m, range(M))

    return gen, ref


def t_cmp_exchange(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[:2] = r.choice(np.arange(2, M), size=2, replace=False)  # pointers in either order
        if r.integers(8) == 0:  # the same cell twice
            m[1] = m[0]
        k = r.integers(5)  # out of order, in order, equal values
        a, b = sorted(r.integers(0, M, size=2))
        m[m[0]], m[m[1]] = [(b, a), (a, b), (a, a), (b, a), r.integers(0, M, size=2)][k]
        return m

    def ref(m, M):
        o = m.copy()
        p, q = int(m[0]), int(m[1])
        o[p], o[q] = min(m[p], m[q]), max(m[p], m[q])  # compare-exchange through two pointers
        return o, out_mask(m, range(M))

    return gen, ref


def t_perm_square(M):
    def gen(r, M):
        m = any_cells(r, M)  # a permutation of 0..h-1 in cells 0..h-1, junk after
        h = M // 2
        k = r.integers(6)  # any; the identity; a swap; a full cycle
        p = r.permutation(h)
        if k == 0:
            p = np.arange(h)
        elif k == 1:
            p = np.arange(h)
            i, j = r.choice(h, size=2, replace=False)
            p[i], p[j] = j, i
        elif k == 2:
            c = r.permutation(h)
            p[c] = np.roll(c, 1)
        m[:h] = p
        return m

    def ref(m, M):
        o = m.copy()
        h = M // 2
        o[h:] = m[m[:h]]  # cell h + i gets p(p(i)): the permutation composed with itself
        return o, out_mask(m, range(h, M))

    return gen, ref


def _values(r, n, M, hit, k):
    """Node values ``1..M-1`` with ``hit`` at none, the head, the last, one or every node (``k``)."""
    v = r.integers(1, M, size=n)
    v[v == hit] = 1 if hit != 1 else 2
    if k == 1:
        v[0] = hit
    elif k == 2:
        v[-1] = hit
    elif k == 3:
        v[r.random(n) < 0.4] = hit
        v[r.integers(n)] = hit
    elif k == 4:
        v[:] = hit
    return v


def t_ll_cut_zero(M):
    def gen(r, M):
        m, addr = some_short(r, M)  # [next, value] nodes; values may be 0; junk in cell 1
        m[1] = r.integers(M)
        m[addr + 1] = _values(r, len(addr), M, 0, r.integers(5))
        return m

    def ref(m, M):
        o = m.copy()
        p = 0
        while m[p] != 0:  # the list ends before its first node with value 0
            if m[m[p] + 1] == 0:
                o[p] = 0
                break
            p = int(m[p])
        return o, out_mask(m, range(M))

    return gen, ref


def t_stack_move(M):
    def gen(r, M):
        m = any_cells(r, M)  # A: cells 2..a-1, a in cell 0, not empty; B: cells b+1..M-1, b in cell 1
        a = ends_or_any(r, [3, M - 1], 3, M)
        k = r.integers(4)  # B empty, A and B meeting, any room between
        b = [M - 1, a - 1, r.integers(a - 1, M), r.integers(a - 1, M)][k]
        m[0], m[1] = a, b
        return m

    def ref(m, M):
        o = m.copy()
        a, b = int(m[0]), int(m[1])
        o[b] = m[a - 1]  # A's top element moves onto B, which grows down from cell M - 1
        o[0], o[1] = a - 1, b - 1
        return o, out_mask(m, [0, 1, b])

    return gen, ref


def t_stack_2dup(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0: two elements or more, room for two
        m[0] = ends_or_any(r, [3, M - 3], 3, M - 2)
        if r.integers(5) == 0:  # some equal top two
            m[m[0] - 2] = m[m[0] - 1]
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp], o[sp + 1] = m[sp - 2], m[sp - 1]  # (a b -- a b a b): Forth 2DUP
        o[0] = sp + 2
        return o, out_mask(m, [0, sp, sp + 1])

    return gen, ref


def t_ptr_rotate3(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[:3] = r.choice(np.arange(3, M), size=3, replace=False)  # three distinct pointers past cell 2
        k = r.integers(5)  # neighbouring addresses, some equal values
        if k == 0:
            s = r.integers(3, M - 2)
            m[:3] = r.permutation([s, s + 1, s + 2])
        elif k == 1:
            m[m[1]] = m[m[0]]
        return m

    def ref(m, M):
        o = m.copy()
        p, q, s = (int(x) for x in m[:3])
        o[p], o[q], o[s] = m[q], m[s], m[p]  # the three cells rotate: p gets q's value, q gets s's, s gets p's
        return o, out_mask(m, range(M))

    return gen, ref


def t_uniq(M):
    def gen(r, M):
        m = any_cells(r, M)  # a 0-terminated list at cells 0.. (values 1..M-1) with runs, junk after
        L = [0, 1, M - 1, *r.integers(2, M, size=3)][r.integers(6)]  # empty, one, full or any length
        hi = r.choice([3, M])  # few values (runs and values that come back) or any
        xs = []
        while len(xs) < L:
            xs += [int(r.integers(1, hi))] * int(r.choice([1, 1, 2, 3]))
        m[:L] = xs[:L]
        m[L] = 0
        return m

    def ref(m, M):
        o = m.copy()
        xs = []
        for x in m[: make_dev_suite.length(m)]:
            if not xs or xs[-1] != x:  # each run of equal neighbours becomes one element (Unix uniq)
                xs.append(int(x))
        o[: len(xs) + 1] = [*xs, 0]
        return o, out_mask(m, range(len(xs) + 1))

    return gen, ref


def t_ll_remove(M):
    def gen(r, M):
        k = r.integers(6)  # absent (twice as often: a random key or 0), at the head, the last, some, all
        m, addr = some_short(r, M)  # [next, value] nodes; the value to remove in cell 1
        key = int(r.integers(1, M)) if k != 5 else 0
        while k in (2, 4) and len(addr) == 1:  # a last node that is not the head; all of several
            m, addr = linked(r, M)
        m[addr + 1] = _values(r, len(addr), M, key, k if k < 5 else 0)
        m[1] = key
        return m

    def ref(m, M):
        o = m.copy()
        kept, p = [], int(m[0])
        while p != 0:
            if m[p + 1] != m[1]:  # every node whose value is cell 1's is unlinked
                kept.append(p)
            p = int(m[p])
        for a, b in zip([0, *kept], [*kept, 0]):
            o[a] = b
        return o, out_mask(m, range(M))

    return gen, ref


TASKS = {
    "cswap": (8, t_cswap, 64),
    "swap_at": (8, t_swap_at, 64),
    "stack_depth": (8, t_stack_depth, 64),
    "chain_clear": (8, t_chain_clear, 64),
    "cmp_exchange": (10, t_cmp_exchange, 80),
    "perm_square": (10, t_perm_square, 80),
    "ll_cut_zero": (10, t_ll_cut_zero, 80),
    "stack_move": (10, t_stack_move, 80),
    "stack_2dup": (12, t_stack_2dup, 96),
    "ptr_rotate3": (12, t_ptr_rotate3, 96, 6),
    "uniq": (12, t_uniq, 128, 6),
    "ll_remove": (12, t_ll_remove, 128, 6),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout12", __doc__, salt=12000)
