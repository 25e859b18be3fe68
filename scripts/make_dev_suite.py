"""Write the development suite ``bridge/suites/dev.json``: list and memory tasks of our own
design, each defined by an input generator and a reference function, with every example
written out (so the suite is solved from examples alone).

The tasks cover every kind of program the skeleton language states: straight-line code
with several result cells and computed addresses, maps and folds, scans, writes through
a second cursor, computed reads inside loops, two-cursor loops, counted loops, nested
loops and pointer-following loops — at ``M = 8`` and at ``M >= 12``. They are for
measuring reach; the search was not tuned on them one by one.

    python scripts/make_dev_suite.py [--out bridge/suites/dev.json] [--n-train 16] [--n-test 128]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

Gen = Callable[[np.random.Generator, int], np.ndarray]  # one input memory
Ref = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]  # input -> (output, mask)


def any_cells(rng, M):
    """A memory of ``M`` cells, each any value ``0..M-1`` (no structure)."""
    return rng.integers(0, M, size=M)


def cells(*values, M):
    m = np.zeros(M, dtype=np.int64)
    m[: len(values)] = values
    return m


def a_list(rng, M, start=0, max_len=None, lo=1, hi=None):
    """A 0-terminated list of values lo..hi-1 at ``start``; the rest of memory is 0."""
    m = np.zeros(M, dtype=np.int64)
    L = rng.integers(1, (max_len or M - start - 1) + 1)
    m[start : start + L] = rng.integers(lo, hi or M, size=L)
    return m


def headed_list(rng, M, lo=0, hi=None):
    """A 0-terminated list at cell 1 (:func:`a_list`, values ``1..hi-1``) and a value
    ``lo..hi-1`` in cell 0 (``hi`` defaults to ``M``)."""
    m = a_list(rng, M, start=1, hi=hi)
    m[0] = rng.integers(lo, hi or M)
    return m


def length(m, start=0):
    L = 0
    while start + L < len(m) and m[start + L] != 0:
        L += 1
    return L


def linked(rng, M, value_first=False):
    """A linked list of [next, value] nodes (or [value, next]) scattered over cells 2..,
    head pointer in cell 0, the last node's next is 0."""
    m = np.zeros(M, dtype=np.int64)
    slots = (M - 2) // 2
    n = rng.integers(1, slots + 1)
    addr = 2 + 2 * rng.permutation(slots)[:n]
    nxt, val = (1, 0) if value_first else (0, 1)
    m[addr + nxt] = np.append(addr[1:], 0)
    m[addr + val] = rng.integers(1, M, size=n)
    m[0] = addr[0]
    return m, addr


def some_short(rng, M):
    """:func:`linked`, a third of the lists with one or two nodes (drawn until one fits)."""
    short = rng.integers(3) == 0
    while True:
        m, addr = linked(rng, M)
        if (len(addr) <= 2) == short:
            return m, addr


def ends_or_any(rng, ends, lo, hi):
    """One of ``ends`` (the boundary cases: the emptiest and fullest stack, the first and
    last node) a third of the time, else any of ``lo .. hi - 1``."""
    return rng.choice(ends) if rng.integers(3) == 0 else rng.integers(lo, hi)


def edge(rng, ends, lo, hi):
    """One of ``ends`` half the time (each as often as the others), else any of ``lo .. hi - 1``:
    :func:`ends_or_any` with the boundary cases drawn more often, for tasks with three or four
    of them."""
    k = rng.integers(2 * len(ends))
    return ends[k] if k < len(ends) else rng.integers(lo, hi)


def chain(m):
    """The node addresses of the linked list whose head is in cell 0, in order."""
    addr, p = [], int(m[0])
    while p != 0:
        addr.append(p)
        p = int(m[p])
    return addr


def relink(o, order):
    """Make ``o`` hold the linked list of nodes ``order`` (addresses, in list order): the
    head in cell 0 (0 if empty), each node's next the one after it, the last's 0."""
    o[0] = order[0] if order else 0
    for a, b in zip(order, [*order[1:], 0]):
        o[a] = b


def node_slots(M):
    """The addresses of the [next, value] node slots: 2, 4, ... below ``M``."""
    return 2 + 2 * np.arange((M - 2) // 2)


def junk_linked(r, M, n):
    """A linked list of ``n`` [next, value] nodes at distinct :func:`node_slots` (values
    ``1..M-1``), its head in cell 0 (0 if empty), the last node's next 0; every other cell
    holds junk. Returns the memory, the node addresses in list order and the unused slots."""
    m = any_cells(r, M)
    slots = r.permutation(node_slots(M))
    addr, free = slots[:n], slots[n:]
    m[addr] = np.append(addr[1:], 0)
    m[addr + 1] = r.integers(1, M, size=n)
    m[0] = addr[0] if n else 0
    return m, [int(a) for a in addr], [int(a) for a in free]


def out_mask(m, idx):
    mask = np.zeros(len(m), dtype=bool)
    mask[list(idx)] = True
    return mask


# ------------------------------------------------------------------------------ tasks


def t_swap01(M):
    return (lambda r, M: r.integers(0, M, size=M)), (lambda m, M: (cells(m[1], m[0], *m[2:], M=M), out_mask(m, [0, 1])))


def t_minmax(M):
    def ref(m, M):
        o = m.copy()
        o[2], o[3] = min(m[0], m[1]), max(m[0], m[1])
        return o, out_mask(m, [2, 3])

    return (lambda r, M: cells(*r.integers(0, M, size=2), M=M)), ref


def t_rotate3(M):
    def ref(m, M):
        o = m.copy()
        o[0], o[1], o[2] = m[1], m[2], m[0]
        return o, out_mask(m, [0, 1, 2])

    return (lambda r, M: r.integers(0, M, size=M)), ref


def t_sum_diff(M):
    def ref(m, M):
        o = m.copy()
        o[2], o[3] = (m[0] + m[1]) % M, (m[0] - m[1]) % M
        return o, out_mask(m, [2, 3])

    return (lambda r, M: cells(*r.integers(0, M, size=2), M=M)), ref


def t_indirect_read(M):
    def gen(r, M):
        m = r.integers(0, M, size=M)
        m[1] = r.integers(2, M)
        return m

    def ref(m, M):
        o = m.copy()
        o[0] = m[m[1]]
        return o, out_mask(m, [0])

    return gen, ref


def t_indirect_write(M):
    def gen(r, M):
        m = r.integers(0, M, size=M)
        m[0] = r.integers(2, M)
        return m

    def ref(m, M):
        o = m.copy()
        o[m[0]] = m[1]
        return o, out_mask(m, range(2, M))

    return gen, ref


def t_swap_ptr(M):
    def gen(r, M):
        m = r.integers(0, M, size=M)
        m[0], m[1] = r.integers(2, M, size=2)
        return m

    def ref(m, M):
        o = m.copy()
        o[m[0]], o[m[1]] = m[m[1]], m[m[0]]
        return o, out_mask(m, range(2, M))

    return gen, ref


def t_map(f):
    def make(M):
        def ref(m, M):
            o = m.copy()
            L = length(m)
            o[:L] = [f(int(x), M) for x in m[:L]]
            return o, out_mask(m, range(L))

        return (lambda r, M: a_list(r, M)), ref

    return make


def t_map_add_cell(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        o[1 : 1 + L] = (m[1 : 1 + L] + m[0]) % M
        return o, out_mask(m, range(1, 1 + L))

    return headed_list, ref


def t_fold(f, init, start=1, out=0):
    def make(M):
        def ref(m, M):
            o = m.copy()
            acc = init
            for x in m[start : start + length(m, start)]:
                acc = f(acc, int(x), M)
            o[out] = acc % M
            return o, out_mask(m, [out])

        return (lambda r, M: a_list(r, M, start=start)), ref

    return make


def t_prefix_sum(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[:L] = np.cumsum(m[:L]) % M
        return o, out_mask(m, range(L))

    return (lambda r, M: a_list(r, M)), ref


def t_copy(dest, mirror=False):
    def make(M):
        def ref(m, M):
            o = m.copy()
            L = length(m)
            idx = [dest - k if mirror else dest + k for k in range(L)]
            o[idx] = m[:L]
            return o, out_mask(m, idx)

        return (lambda r, M: a_list(r, M, max_len=(M - dest if not mirror else dest - 0) // 2)), ref

    return make


def t_fill(M):
    def gen(r, M):
        return cells(r.integers(0, M - 2), r.integers(0, M), M=M)

    def ref(m, M):
        o = m.copy()
        o[2 : 2 + m[0]] = m[1]
        return o, out_mask(m, range(2, M))

    return gen, ref


def t_iota(M):
    def ref(m, M):
        o = m.copy()
        o[1 : 1 + m[0]] = np.arange(1, 1 + m[0])
        return o, out_mask(m, range(1, M))

    return (lambda r, M: cells(r.integers(0, M - 1), M=M)), ref


def t_lookup(table_at):
    def make(M):
        def gen(r, M):
            m = a_list(r, M, max_len=table_at - 1, lo=table_at, hi=M)
            m[table_at:] = r.integers(0, M, size=M - table_at)
            return m

        def ref(m, M):
            o = m.copy()
            L = length(m)
            o[:L] = m[m[:L]]
            return o, out_mask(m, range(L))

        return gen, ref

    return make


def t_zip_add(M):
    n = (M - 2) // 3  # A at 0.., B at n+1.., C at 2n+2..

    def gen(r, M):
        m = np.zeros(M, dtype=np.int64)
        L = r.integers(1, n + 1)
        m[:L] = r.integers(1, M, size=L)
        m[n + 1 : n + 1 + L] = r.integers(1, M, size=L)
        return m

    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[2 * n + 2 : 2 * n + 2 + L] = (m[:L] + m[n + 1 : n + 1 + L]) % M
        return o, out_mask(m, range(2 * n + 2, 2 * n + 2 + L))

    return gen, ref


def t_shift_left(M):
    def ref(m, M):
        o = m.copy()
        L = length(m)
        o[: L - 1] = m[1:L]
        return o, out_mask(m, range(L - 1)) if L > 1 else out_mask(m, [])

    return (lambda r, M: a_list(r, M)), ref


def t_adjacent_diff(M):
    def ref(m, M):
        o = m.copy()
        L = length(m, 1)
        xs = m[1 : 1 + L]
        o[1 : 1 + L] = (xs - np.concatenate([[0], xs[:-1]])) % M
        return o, out_mask(m, range(1, 1 + L))

    return (lambda r, M: a_list(r, M, start=1)), ref


def t_sort(max_len, descending=False):
    def make(M):
        def ref(m, M):
            o = m.copy()
            L = length(m)
            o[:L] = sorted(m[:L], reverse=descending)
            return o, out_mask(m, range(L))

        return (lambda r, M: a_list(r, M, max_len=max_len)), ref

    return make


def t_counted(f):
    def make(M):
        def ref(m, M):
            o = m.copy()
            o[2] = f(int(m[0]), int(m[1]), M) % M
            return o, out_mask(m, [2])

        return (lambda r, M: cells(*r.integers(0, M, size=2), M=M)), ref

    return make


def t_linked(reduce, init, value_first=False):
    def make(M):
        def gen(r, M):
            return linked(r, M, value_first)[0]

        def ref(m, M):
            o = m.copy()
            acc, p = init, int(m[0])
            nxt, val = (1, 0) if value_first else (0, 1)
            while p != 0:
                acc = reduce(acc, int(m[p + val]), M)
                p = int(m[p + nxt])
            o[1] = acc % M
            return o, out_mask(m, [1])

        return gen, ref

    return make


TASKS: dict[str, tuple[int, Callable, int]] = {  # name -> (M, task, T)
    "swap01": (8, t_swap01, 64),
    "minmax": (8, t_minmax, 64),
    "rotate3": (8, t_rotate3, 64),
    "sum_diff": (8, t_sum_diff, 64),
    "indirect_read": (12, t_indirect_read, 96),
    "indirect_write": (12, t_indirect_write, 96),
    "swap_ptr": (12, t_swap_ptr, 96),
    "map_double": (8, t_map(lambda x, M: 2 * x % M), 64),
    "map_clip": (12, t_map(lambda x, M: min(x, 5)), 96),
    "map_add_cell": (12, t_map_add_cell, 128),
    "list_max": (8, t_fold(lambda a, x, M: max(a, x), 0), 64),
    "list_len": (12, t_fold(lambda a, x, M: a + 1, 0), 96),
    "list_last": (12, t_fold(lambda a, x, M: x, 0), 96),
    "list_min": (12, t_fold(lambda a, x, M: min(a, x), 11), 96),
    "prefix_sum": (8, t_prefix_sum, 64),
    "copy_list": (12, t_copy(6), 128),
    "reverse_copy": (12, t_copy(11, mirror=True), 128),
    "fill": (12, t_fill, 128),
    "iota": (12, t_iota, 128),
    "lookup": (16, t_lookup(8), 160),
    "zip_add": (12, t_zip_add, 160),
    "shift_left": (8, t_shift_left, 64),
    "adjacent_diff": (12, t_adjacent_diff, 128),
    "sort4": (16, t_sort(4), 400),
    "sort_desc": (16, t_sort(5, descending=True), 400),
    "multiply": (16, t_counted(lambda a, b, M: a * b), 160),
    "triangle": (12, t_counted(lambda a, b, M: a * (a + 1) // 2), 128),
    "ll_length": (16, t_linked(lambda a, v, M: a + 1, 0), 160),
    "ll_sum": (16, t_linked(lambda a, v, M: a + v, 0), 160),
    "ll_last": (16, t_linked(lambda a, v, M: v, 0), 160),
    "ll_max_vn": (14, t_linked(lambda a, v, M: max(a, v), 0, value_first=True), 160),
}


def examples(gen: Gen, ref: Ref, M: int, n: int, rng: np.random.Generator) -> list[dict]:
    rows = []
    for _ in range(n):
        m = gen(rng, M)
        o, mask = ref(m, M)
        if not mask.any():  # an example that compares nothing says nothing
            mask[0], o[0] = True, m[0]
        rows.append({"input": m.tolist(), "output": o.tolist(), "mask": np.flatnonzero(mask).tolist()})
    return rows


def build(tasks: dict, name: str, n_train: int, n_test: int, seed: int, salt: int = 0) -> dict:
    """The suite ``name`` of ``tasks`` (name -> (M, make, T) or (M, make, T, R); R defaults
    to 4), examples seeded per task."""
    out = []
    for k, (task, (M, make, T, *rest)) in enumerate(tasks.items()):
        R = rest[0] if rest else 4
        gen, ref = make(M)
        rng_train, rng_test = (np.random.default_rng(s) for s in np.random.SeedSequence([seed, salt + k]).spawn(2))
        out.append(
            {
                "name": task,
                "machine": {"M": M, "R": R, "T": T, "ops": "full"},
                "train": examples(gen, ref, M, n_train, rng_train),
                "test": examples(gen, ref, M, n_test, rng_test),
            }
        )
    return {"suite": name, "tasks": out}


def main(tasks: dict = TASKS, name: str = "dev", doc: str = __doc__, salt: int = 0) -> None:
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=f"bridge/suites/{name}.json")
    ap.add_argument("--n-train", type=int, default=16)
    ap.add_argument("--n-test", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    suite = build(tasks, name, a.n_train, a.n_test, a.seed, salt)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(suite, separators=(",", ":")) + "\n")
    print(f"wrote {len(suite['tasks'])} tasks to {a.out}")


if __name__ == "__main__":
    main()
