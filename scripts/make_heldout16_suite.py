"""Write the sixteenth held-out suite ``bridge/suites/heldout16.json``: twelve tasks written on
7 Dec 2026 (thirteenth session), after the fifteenth held-out suite had been written, by
someone who had not seen the search's code or how it fares on them. Each generator draws
inputs so that every behaviour the task has (pointers at cell 0, at cell 1, at themselves and
at the last cell, pointed-at values of 0 and 1, zero, equal and wrapping operands, products
that vanish mod ``M`` with both operands nonzero, no nonzero cell, the last one at cell 1 and
at the last cell, zeros inside, empty, all-zero and full stacks with none, one and every
element popped, the shallowest and the fullest stacks with the second element equal to the
top, empty, one-node, two-node and full linked lists with the value written already there and
ends of equal value, empty, one-element and full lists with the value found first, last, in
the middle, twice and not at all, values below, above and equal to sorted elements with
repeats, quotients of 0, 1 and ``a`` with exact and inexact divisions, one-term and
whole-range sums that wrap) turns up among the 16 train examples, and the train examples
were checked to rule out the nearest simpler wrong tasks; each task fits a program of fewer
than ``M`` lines on its ``R`` registers that halts within ``T`` (checked before the commit
with hand-written programs on the discrete interpreter; they are not shipped, so nothing is
tuned against them). Nine tasks have ``R = 4`` registers; three, ``truncate_at``,
``quotient`` and ``range_sum`` (a scan that stops on either of two values and then writes,
a loop that subtracts and counts, and a counted loop with an accumulator and a moving term),
have ``R = 5``. ``T`` is ``8 * M``, except 128 for ``upper_bound``, whose hand-written
program's slowest run (91 steps) came near ``8 * M``. The tasks were fixed and committed
before anything was run on them; their first run is the honest figure. Same format and
helpers as :mod:`make_dev_suite`; salt 16000.

    python scripts/make_heldout16_suite.py [--out bridge/suites/heldout16.json]
"""

from __future__ import annotations

import make_dev_suite
import numpy as np
from make_dev_suite import any_cells, edge, junk_linked, node_slots, out_mask


def t_deref2(M):
    def gen(r, M):
        m = any_cells(r, M)
        p = m[0] = [0, 1, M - 1, r.integers(2, M - 1)][r.integers(4)]  # at cell 0 itself, cell 1, the last cell, any
        if p:  # the cell p points at: 0, 1, p itself, the last cell, or any
            m[p] = [0, 1, p, M - 1, r.integers(M)][r.integers(5)]
        return m

    def ref(m, M):
        o = m.copy()
        o[1] = m[m[m[0]]]  # cell 0 points at a pointer; cell 1 gets the value that one points at
        return o, out_mask(m, range(M))

    return gen, ref


def t_both_set(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(8)  # both 0, either one 0, nonzero with a product 0 mod M, equal, or any nonzero
        if k == 0:
            m[:2] = 0
        elif k in (1, 2):
            m[:2] = r.integers(1, M)
            m[k - 1] = 0
        elif k == 3:
            m[:2] = [(2, 4), (4, 4), (4, 6), (6, 4), (4, 2)][r.integers(5)]
        elif k == 4:
            m[0] = m[1] = r.integers(1, M)
        else:
            m[:2] = r.integers(1, M, size=2)
        return m

    def ref(m, M):
        o = m.copy()
        o[2] = int(m[0] != 0 and m[1] != 0)  # 1 if cells 0 and 1 are both nonzero, else 0
        return o, out_mask(m, [2])

    return gen, ref


def t_fib_step(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(5)  # a 0, b 0, equal, a sum that wraps, or any
        if k < 2:
            m[k] = 0
        elif k == 2:
            m[1] = m[0]
        elif k == 3:
            m[0] = r.integers(1, M)
            m[1] = r.integers(M - m[0], M)
        return m

    def ref(m, M):
        o = m.copy()
        o[0], o[1] = m[1], (m[0] + m[1]) % M  # (a, b) becomes (b, a + b): one step of Fibonacci
        return o, out_mask(m, [0, 1])

    return gen, ref


def t_last_nonzero(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = edge(r, [0, 1, M - 1], 2, M - 1)  # the answer: none, cell 1, the last cell, or between
        m[k + 1 :] = 0
        if k:
            m[k] = r.integers(1, M)
            m[1:k][r.random(k - 1) < 0.3] = 0  # zeros inside
        if r.integers(4) == 0:
            m[0] = 0
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = max([i for i in range(1, M) if m[i]], default=0)  # the last nonzero cell after cell 0, or 0
        return o, out_mask(m, [0])

    return gen, ref


def t_stack_pop_zeros(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack at cells 1..sp-1, sp in cell 0, junk above it
        sp = m[0] = [1, 2, M - 1, r.integers(3, M - 1)][r.integers(4)]  # empty, one element, full, or between
        d = sp - 1
        m[1:sp][r.random(d) < 0.25] = 0  # zeros inside the stack
        z = min(d, [0, 1, d, r.integers(2, max(d, 3))][r.integers(4)])  # zeros on top: none, one, all, or several
        m[sp - z : sp] = 0
        if z < d:
            m[sp - z - 1] = r.integers(1, M)
        if sp < M and r.integers(3) == 0:  # a 0 just above the stack
            m[sp] = 0
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        while sp > 1 and m[sp - 1] == 0:  # every 0 on top of the stack is popped
            sp -= 1
        o[0] = sp
        return o, out_mask(m, range(M))

    return gen, ref


def t_stack_over(M):
    def gen(r, M):
        m = any_cells(r, M)  # a stack of two elements or more at cells 1..sp-1, sp in cell 0, room for one more
        sp = m[0] = edge(r, [3, 4, M - 2], 5, M - 2)
        k = r.integers(5)  # the top equal to the second, the cell above equal to the second, a 0 second, or any
        if k == 0:
            m[sp - 1] = m[sp - 2]
        elif k == 1:
            m[sp] = m[sp - 2]
        elif k == 2:
            m[sp - 2] = 0
        return m

    def ref(m, M):
        o = m.copy()
        sp = int(m[0])
        o[sp] = m[sp - 2]  # Forth's OVER (a b -- a b a): a copy of the second element is pushed
        o[0] = sp + 1
        return o, out_mask(m, range(M))

    return gen, ref


def t_ll_set_last(M):
    def gen(r, M):
        S = len(node_slots(M))
        m, addr, _ = junk_linked(r, M, edge(r, [0, 1, S], 2, S))
        if addr:  # the value v in cell 1: the last node's already, the head's, 0, or any
            k = r.integers(5)
            m[1] = [m[addr[-1] + 1], m[addr[0] + 1], 0, r.integers(M), r.integers(M)][k]
        return m

    def ref(m, M):
        o = m.copy()
        addr = make_dev_suite.chain(m)
        if addr:
            o[addr[-1] + 1] = m[1]  # the last node's value becomes cell 1's; an empty list stays as it is
        return o, out_mask(m, range(M))

    return gen, ref


def t_truncate_at(M):
    def gen(r, M):
        m = any_cells(r, M)  # v >= 1 in cell 0, a 0-terminated list at cells 1.., junk after
        L = edge(r, [0, 1, M - 2], 2, M - 2)
        xs = r.integers(1, M, size=L)
        k = r.integers(5) if L > 1 else r.integers(2) * 4  # v first, last, after the first, twice, or not in the list
        if L and k < 4:
            i = [0, L - 1, r.integers(1, max(L, 2)), r.integers(L)][k]
            for j in range(i):  # the first equal to v
                while xs[j] == xs[i]:
                    xs[j] = r.integers(1, M)
            if k == 3 and i < L - 1:
                xs[r.integers(i + 1, L)] = xs[i]
            m[0] = xs[i]
        else:
            absent = [v for v in range(1, M) if v not in xs]
            m[0] = r.choice(absent) if absent else r.integers(1, M)
            if L + 2 < M and r.integers(2):  # v in the junk after the terminator
                m[r.integers(L + 2, M)] = m[0]
        m[1 : 1 + L] = xs
        m[1 + L] = 0
        return m

    def ref(m, M):
        o = m.copy()
        L = make_dev_suite.length(m, 1)
        hits = [i for i in range(1, 1 + L) if m[i] == m[0]]
        if hits:
            o[hits[0]] = 0  # the list ends before its first element equal to cell 0's value
        return o, out_mask(m, range(M))

    return gen, ref


def t_upper_bound(M):
    def gen(r, M):
        m = any_cells(r, M)  # v >= 1 in cell 0, a sorted 0-terminated list at cells 1.., junk after
        L = edge(r, [0, 1, M - 2], 2, M - 2)
        hi = M if r.integers(2) else r.integers(2, M)  # a narrow range of values makes repeats
        xs = np.sort(r.integers(1, hi, size=L))
        m[1 : 1 + L] = xs
        m[1 + L] = 0
        k = r.integers(5)  # v below every element, at least every element, equal to one, M - 1, or any
        if k == 0 and L and xs[0] > 1:
            m[0] = r.integers(1, xs[0])
        elif k == 1 and L:
            m[0] = r.integers(xs[-1], M)
        elif k == 2 and L:
            m[0] = r.choice(xs)
        elif k == 3:
            m[0] = M - 1
        else:
            m[0] = r.integers(1, M)
        return m

    def ref(m, M):
        o = m.copy()
        L = make_dev_suite.length(m, 1)
        o[0] = sum(1 for x in m[1 : 1 + L] if x <= m[0])  # how many elements are at most v: C++'s upper_bound
        return o, out_mask(m, [0])

    return gen, ref


def t_quotient(M):
    def gen(r, M):
        m = any_cells(r, M)
        b = m[1] = edge(r, [1, 2, M - 1], 3, M - 1)
        k = r.integers(6)  # a below b, equal to b, 0, M - 1, an exact multiple of b, or any
        m[0] = [r.integers(b), b, 0, M - 1, b * r.integers((M - 1) // b + 1), r.integers(M)][k]
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = m[0] // m[1]  # a in cell 0 becomes the quotient a // b, b >= 1 in cell 1
        return o, out_mask(m, [0])

    return gen, ref


def t_range_sum(M):
    def gen(r, M):
        m = any_cells(r, M)
        k = r.integers(5)  # one term, from 0, up to M - 1, the whole range, or any lo <= hi
        if k == 0:
            m[1] = m[0]
        elif k == 1:
            m[0] = 0
            m[1] = r.integers(M)
        elif k == 2:
            m[0] = r.integers(M)
            m[1] = M - 1
        elif k == 3:
            m[:2] = [0, M - 1]
        else:
            m[:2] = np.sort(r.integers(M, size=2))
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = sum(range(m[0], m[1] + 1)) % M  # lo + (lo + 1) + ... + hi, mod M, lo <= hi in cells 0, 1
        return o, out_mask(m, [0])

    return gen, ref


def t_ll_swap_ends(M):
    def gen(r, M):
        S = len(node_slots(M))
        m, addr, _ = junk_linked(r, M, edge(r, [0, 1, 2, S], 3, S))
        if len(addr) > 1 and r.integers(5) == 0:  # the two ends hold the same value
            m[addr[-1] + 1] = m[addr[0] + 1]
        return m

    def ref(m, M):
        o = m.copy()
        addr = make_dev_suite.chain(m)
        if addr:  # the first and the last node trade values; the links stay
            o[addr[0] + 1], o[addr[-1] + 1] = m[addr[-1] + 1], m[addr[0] + 1]
        return o, out_mask(m, range(M))

    return gen, ref


TASKS = {
    "deref2": (8, t_deref2, 64),
    "both_set": (8, t_both_set, 64),
    "last_nonzero": (8, t_last_nonzero, 64),
    "stack_pop_zeros": (8, t_stack_pop_zeros, 64),
    "fib_step": (10, t_fib_step, 80),
    "stack_over": (10, t_stack_over, 80),
    "ll_set_last": (10, t_ll_set_last, 80),
    "truncate_at": (10, t_truncate_at, 80, 5),
    "upper_bound": (12, t_upper_bound, 128),
    "quotient": (12, t_quotient, 96, 5),
    "range_sum": (12, t_range_sum, 96, 5),
    "ll_swap_ends": (12, t_ll_swap_ends, 96),
}


if __name__ == "__main__":
    make_dev_suite.main(TASKS, "heldout16", __doc__, salt=16000)
