"""Write the eleventh held-out suite ``bridge/suites/heldout11.json``: twelve tasks written on
7 Dec 2026 (eighth session), after the tenth held-out suite had been run, by someone who had
not seen the search's code or how it fares on them. Each generator draws inputs so that
every behaviour the task has (zero, positive and negative values and the two either side of
``M / 2``, equal and distinct values in every position, pointers at cells 0 and 1 and at
each other, the smallest and the fullest stacks, tops that are 0, the first, a middle and
the last node of one-node and long linked lists, empty and full length-prefixed lists, lists
of all zeros and with zeros inside them, empty and full pairs of lists) turns up among the
16 train examples, and the train examples were checked to rule out the nearest simpler
wrong tasks; each task fits a program of fewer than ``M`` lines on ``R = 4`` registers that
halts within ``T`` (checked before the commit with hand-written programs on the discrete
interpreter; they are not shipped, so nothing is tuned against them). The tasks were fixed
and committed before anything was run on them; their first run is the honest figure. Same
format and helpers as :mod:`make_dev_suite`; salt 11000.

    python scripts/make_heldout11_suite.py [--out bridge/suites/heldout11.json]
"""

from __future__ import annotations

import make_dev_suite
from make_dev_suite import any_cells, ends_or_any, out_mask, some_short


def t_signum(M):
    def gen(r, M):
        m = any_cells(r, M)
        h = M // 2
        k = r.integers(6)  # zero, positive, negative, the two either side of M / 2, any
        m[0] = [0, r.integers(1, h), r.integers(h, M), r.choice([h - 1, h]), r.choice([1, M - 1]), r.integers(M)][k]
        return m

    def ref(m, M):
        o = m.copy()
        a = int(m[0])
        o[1] = 0 if a == 0 else 1 if a < M // 2 else M - 1  # the sign of a read as signed: 0, 1 or -1
        return o, out_mask(m, [1])

    return gen, ref


def t_range3(M):
    def gen(r, M):
        m = any_cells(r, M)
        m[:3] = r.choice(M, size=3, replace=False)  # distinct (mostly), the largest and smallest anywhere
        k = r.integers(6)
        if k == 0:  # two equal
            i, j = r.choice(3, size=2, replace=False)
            m[i] = m[j]
        elif k == 1:  # all equal
            m[:3] = m[0]
        return m

    def ref(m, M):
        o = m.copy()
        o[3] = max(m[:3]) - min(m[:3])  # the largest of cells 0..2 minus the smallest
        return o, out_mask(m, [3])

    return gen, ref


def t_ptr_copy(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(5)  # mostly any; else equal pointers, or one at cell 0 or 1
        if k == 1:
            m[1] = m[0]
        elif k == 2:
            m[r.integers(2)] = r.integers(2)
        return m

    def ref(m, M):
        o = m.copy()
        o[m[1]] = m[m[0]]  # the cell that cell 0 points at is copied to the cell that cell 1 points at
        return o, out_mask(m, range(M))

    return gen, ref


def t_stack_tuck(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0: two elements or more, room on top
        m[0] = ends_or_any(r, [3, M - 2], 3, M - 1)
        if r.integers(5) == 0:  # some equal top two
            m[m[0] - 2] = m[m[0] - 1]
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp - 2 : sp + 1] = m[sp - 1], m[sp - 2], m[sp - 1]  # (a b -- b a b): a copy of the top goes under the second
        o[0] = sp + 1
        return o, out_mask(m, [0, sp - 2, sp - 1, sp])

    return gen, ref


def t_stack_qdup(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0: one element or more, room on top
        m[0] = ends_or_any(r, [2, M - 2], 2, M - 1)
        if r.integers(3) == 0:  # a top that is 0
            m[m[0] - 1] = 0
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        if m[sp - 1] != 0:  # a nonzero top is duplicated; a 0 stays alone (Forth ?DUP)
            o[sp], o[0] = m[sp - 1], sp + 1
        return o, out_mask(m, [0, sp])

    return gen, ref


def t_stack_nip(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0: two elements or more
        m[0] = ends_or_any(r, [3, M - 1], 3, M)
        if r.integers(5) == 0:  # some equal top two
            m[m[0] - 2] = m[m[0] - 1]
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp - 2], o[0] = m[sp - 1], sp - 1  # (a b -- b): the element under the top is dropped
        return o, out_mask(m, [0, sp - 2])

    return gen, ref


def _list_and_node(r, M):
    """A linked list (:func:`some_short`) and, in cell 1, the address of one of its nodes:
    the first, the last or any, a third each."""
    m, addr = some_short(r, M)  # [next, value] nodes
    m[1] = int([addr[0], addr[-1], r.choice(addr)][r.integers(3)])
    return m


def t_ll_split(M):
    def ref(m, M):
        o = m.copy()
        k = int(m[1])
        o[k], o[1] = 0, m[k]  # the list is cut after node k; cell 1 gets the rest's head (0 if none)
        return o, out_mask(m, range(M))

    return _list_and_node, ref


def t_ll_pred(M):
    def ref(m, M):
        o = m.copy()
        p, k = 0, int(m[1])
        while m[p] != k:  # cell 0 is the head's "next" field, so the head's predecessor is 0
            p = int(m[p])
        o[1] = p  # the address of the node before node k, or 0 if k is the head
        return o, out_mask(m, [1])

    return _list_and_node, ref


def t_ll_fill(M):
    def gen(r, M):
        m, addr = some_short(r, M)  # [next, value] nodes; the fill value in cell 1
        k = r.integers(4)  # any value, 0, or one of the list's own values
        m[1] = [r.integers(0, M), r.integers(0, M), 0, m[r.choice(addr) + 1]][k]
        return m

    def ref(m, M):
        o = m.copy()
        p = int(m[0])
        while p != 0:
            o[p + 1] = m[1]  # every node's value becomes cell 1's value
            p = int(m[p])
        return o, out_mask(m, range(M))

    return gen, ref


def t_lp_rstrip(M):
    def gen(r, M):
        m = any_cells(r, M)  # n in cell 0, elements at cells 1..n (zeros among them), junk after
        n = ends_or_any(r, [0, 1, M - 2], 0, M - 1)
        m[0] = n
        m[1 : n + 1] = r.integers(1, M, size=n) * (r.random(n) < 0.7)  # zeros inside the list
        k = r.integers(4)  # no trailing zeros, all zeros, or some trailing zeros after a nonzero
        z = [0, n, r.integers(1, n) if n > 1 else n][min(k, 2)]
        if n > z:
            m[n - z] = r.integers(1, M)
        m[n + 1 - z : n + 1] = 0
        return m

    def ref(m, M):
        o = m.copy()
        n = int(m[0])
        while n > 0 and m[n] == 0:  # trailing zeros leave the list: n becomes the last nonzero's index
            n -= 1
        o[0] = n
        return o, out_mask(m, [0])

    return gen, ref


def t_lp_bits(M):
    def gen(r, M):
        m = any_cells(r, M)  # n in cell 0, bits at cells 1..n (least significant first), junk after
        n = ends_or_any(r, [0, 1, M - 2], 0, M - 1)
        m[0] = n
        k = r.integers(5)  # random bits (mostly), all ones, a single one
        bits = r.integers(0, 2, size=n)
        if k == 0:
            bits[:] = 1
        elif k == 1 and n:
            bits[:] = 0
            bits[r.integers(n)] = 1
        m[1 : n + 1] = bits
        return m

    def ref(m, M):
        o = m.copy()
        n = int(m[0])
        o[0] = sum(int(m[i]) << (i - 1) for i in range(1, n + 1)) % M  # the number the bits spell, mod M
        return o, out_mask(m, [0])

    return gen, ref


def t_zip_swap(M):
    def gen(r, M):
        m = any_cells(r, M)  # A: L nonzero cells up from cell 0 and a 0; B: L cells down from cell M - 1
        h = (M - 1) // 2
        L = ends_or_any(r, [0, 1, h], 0, h + 1)
        m[:L] = r.integers(1, M, size=L)
        m[L] = 0
        if r.integers(5) == 0 and L:  # some pairs that are already equal
            i = r.integers(L)
            m[M - 1 - i] = m[i]
        return m

    def ref(m, M):
        o = m.copy()
        L = 0
        while m[L] != 0:
            L += 1
        a, b = list(range(L)), [M - 1 - i for i in range(L)]
        o[a], o[b] = m[b], m[a]  # A[i] and B[i] (cell M - 1 - i) trade places, for every i < L
        return o, out_mask(m, a + b)

    return gen, ref


TASKS = {
    "signum": (8, t_signum, 64),
    "range3": (12, t_range3, 96),
    "ptr_copy": (8, t_ptr_copy, 64),
    "stack_tuck": (12, t_stack_tuck, 96),
    "stack_qdup": (8, t_stack_qdup, 64),
    "stack_nip": (8, t_stack_nip, 64),
    "ll_split": (10, t_ll_split, 80),
    "ll_pred": (12, t_ll_pred, 96),
    "ll_fill": (10, t_ll_fill, 80),
    "lp_rstrip": (12, t_lp_rstrip, 128),
    "lp_bits": (12, t_lp_bits, 128),
    "zip_swap": (12, t_zip_swap, 96),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout11", __doc__, salt=11000)
