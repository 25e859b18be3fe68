"""Expression banks: bottom-up enumeration by cost with observational equivalence (OE).

A :class:`Bank` holds the expressions of one *context*: up to two variables, and, if it is
given the examples' memories, ``cell k`` leaves and ``read``. An expression's *signature*
is its value table over the context's whole domain — every value of its variables (``M``
or ``M²`` points), times every example for a memory context. Level ``c`` combines
children from lower levels with every op whose own cost fits (cost = the sum of per-op
costs, all 1 by default, so cost = size; constants above 1 cost one more). Every op is
applied to *all* child combinations of a level in one numpy call, and a candidate whose
signature equals an earlier one's is counted but not kept: only the first (cheapest)
representative of each behaviour is ever combined further. For a context without memory
the signature is the function itself, so the pruning is exact, not just observational.

Signatures are compared by a 64-bit hash and, on a hash hit, by their full rows: OE here
never merges two different behaviours.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Iterator, Sequence

import numpy as np

from .lang import BINARY, COMMUTATIVE, UNARY, Term, app, cell, const, var
from .semantics import apply

CHUNK = 1 << 15  # candidates evaluated per numpy call
DTYPE = np.int16  # values are < M <= 256: sums and differences fit


def leaf_cost(t: Term, costs: dict[str, int]) -> int:
    """A leaf's cost: constants other than 0 and 1 cost one more than ``const``."""
    c = costs.get(t.op, 1)
    return c + 1 if t.op == "const" and t.args[0] > 1 else c


@functools.lru_cache(maxsize=8)
def _mix(width: int) -> np.ndarray:
    """Odd random multipliers for :func:`row_hash` (fixed seed: hashes are reproducible)."""
    return np.random.default_rng(0x5EED).integers(1, 2**63, size=width, dtype=np.uint64) | np.uint64(1)


def _finish(h: np.ndarray) -> np.ndarray:
    """Mix a linear form's bits (xorshift-multiply), in place."""
    with np.errstate(over="ignore"):
        h ^= h >> np.uint64(31)
        h *= np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(29)
    return h


def _linear(v: np.ndarray) -> np.ndarray:
    """``sum_j v[:, j] * mix[j]`` mod 2^64, as one int64 matrix product (wraps like uint64)."""
    m = _mix(max(64, 1 << (v.shape[1] - 1).bit_length()))[: v.shape[1]].view(np.int64)
    return (v.astype(np.int64, copy=False) @ m).view(np.uint64)


def row_hash(values: np.ndarray) -> np.ndarray:
    """A 64-bit hash per row: a random linear form mod 2^64, then mixed.

    Two different rows of small integers collide with probability about 2^-64; callers
    that must be exact (:class:`SignatureSet`) confirm hits on the rows themselves.
    """
    v = np.ascontiguousarray(values)
    return _finish(_linear(v.reshape(len(v), math.prod(v.shape[1:]))))


def masked_row_hash(parts: Sequence[np.ndarray], keep: Sequence[np.ndarray], fill: int = -1) -> np.ndarray:
    """``row_hash`` of the rows ``concatenate([where(keep_i, part_i, fill)], axis=1)``
    (``part_i`` ``(N, W_i)``, ``keep_i`` ``(W_i,)``), without building them: the linear
    form's multipliers are zeroed where a column is not kept and the fill's share added
    once (the same value, bit for bit)."""
    widths = [p.shape[1] for p in parts]
    total = sum(widths)
    m = _mix(max(64, 1 << (total - 1).bit_length()))[:total].view(np.int64)
    h = np.zeros(len(parts[0]), dtype=np.int64)
    start, shift = 0, np.int64(0)
    with np.errstate(over="ignore"):
        for p, k in zip(parts, keep):
            seg = m[start : start + p.shape[1]]
            h += p.astype(np.int64, copy=False) @ np.where(k, seg, 0)
            shift += np.int64(fill) * seg[~k].sum(dtype=np.int64)
            start += p.shape[1]
        h += shift
    return _finish(h.view(np.uint64))


_FREE = np.iinfo(np.int64).max


class SignatureSet:
    """Distinct value rows with exact membership: a 64-bit hash, confirmed on the row.

    :meth:`add` takes a batch of rows and returns the indices of the rows that are new
    (first occurrence within the batch and not seen before), in batch order; a row's
    *slot* is its rank in insertion order. Rows of values in ``[0, 256)`` (``small``) are
    packed a byte a value (else two) into 64-bit words: the hash is a linear form of the
    words and a hit is confirmed on them. The index is an open-addressing hash table
    (linear probing, at most half full) probed for a whole batch at once: every round
    settles each pending row as found, inserted, or moved one place on. (A sorted hash
    array with binary search, the earlier index, cost ``log n`` cache misses a row.)
    """

    def __init__(self, width: int, small: bool = True):
        self.width, self.small = width, small
        self.words = max(1, -(-width * (1 if small else 2) // 8))
        self._packed = np.zeros((self.words, 0), dtype=np.uint64)  # word j of slot s: [j, s]
        self._hashes = np.zeros(0, dtype=np.uint64)  # per slot
        self._keys = np.zeros(16, dtype=np.uint64)  # the table: a place's hash and slot (-1: free)
        self._slot = np.full(16, -1, dtype=np.int64)
        self._claim = np.full(16, _FREE, dtype=np.int64)  # scratch: who takes a free place
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def pack(self, rows: np.ndarray) -> np.ndarray:
        """Rows ``(n, width)`` as ``(words, n)`` uint64 (exact: equal rows, equal words)."""
        rows = np.asarray(rows).reshape(len(rows), self.width)
        if self.small and len(rows) and (rows.min() < 0 or rows.max() > 255):
            raise ValueError("SignatureSet(small=True) holds values in [0, 256) only")
        size = 1 if self.small else 2  # bytes a value takes
        raw = rows.astype(np.uint8 if self.small else np.int16).view(np.uint8).reshape(len(rows), size * self.width)
        if raw.shape[1] != 8 * self.words:
            pad = np.zeros((len(rows), 8 * self.words), dtype=np.uint8)
            pad[:, : raw.shape[1]] = raw
            raw = pad
        return np.ascontiguousarray(np.ascontiguousarray(raw).view(np.uint64).T)

    def _hash(self, words: np.ndarray) -> np.ndarray:
        return _finish(_linear(words.T.view(np.int64)))

    def _reserve(self, n: int) -> None:
        """Row storage for ``n`` slots, and a table at most half full with ``n`` rows (a
        bigger table: every stored row placed again)."""
        if n > self._packed.shape[1]:
            cap = max(2 * self._packed.shape[1], n, 1024)
            packed = np.zeros((self.words, cap), dtype=np.uint64)
            packed[:, : self._n] = self._packed[:, : self._n]
            self._packed = packed
            self._hashes = np.resize(self._hashes, cap)
        if 2 * n <= len(self._keys):
            return
        cap = len(self._keys)
        while 2 * n > cap:
            cap *= 2
        self._keys = np.zeros(cap, dtype=np.uint64)
        self._slot = np.full(cap, -1, dtype=np.int64)
        self._claim = np.full(cap, _FREE, dtype=np.int64)
        h = self._hashes[: self._n]
        pos = (h & np.uint64(cap - 1)).astype(np.int64)
        todo = np.arange(self._n)
        while todo.size:  # distinct rows: each takes the first free place on its path
            p = pos[todo]
            free = self._slot[p] < 0
            np.minimum.at(self._claim, p[free], todo[free])
            won = free & (self._claim[p] == todo)
            self._claim[p[free]] = _FREE
            self._slot[p[won]] = todo[won]
            self._keys[p[won]] = h[todo[won]]
            pos[todo[~free]] = (pos[todo[~free]] + 1) & (cap - 1)
            todo = todo[~won]

    def _probe(self, h: np.ndarray, base: int, insert: bool):
        """Rows whose words are stored at slots ``base + i``: per row, the slot of an equal
        row in the table, else -1; inserting, a row that reaches a free place first (in
        batch order) takes it under slot ``base + i``: returns also those rows, and their
        places (for :meth:`add` to renumber)."""
        cap, P = len(self._keys), self._packed
        found = np.full(len(h), -1, dtype=np.int64)
        placed, places = [], []
        todo = np.arange(len(h))
        pos = (h & np.uint64(cap - 1)).astype(np.int64)
        while todo.size:
            p = pos[todo]
            slot = self._slot[p]
            empty = slot < 0
            same = ~empty & (self._keys[p] == h[todo])
            i = np.flatnonzero(same)
            if i.size:  # confirm on the words
                s, q = slot[i], base + todo[i]
                eq = P[0, s] == P[0, q]
                for j in range(1, self.words):
                    eq &= P[j, s] == P[j, q]
                same[i] = eq
                found[todo[same]] = slot[same]
            stay = np.zeros(len(todo), dtype=bool)
            e = np.flatnonzero(empty) if insert else ()
            if len(e):
                pe, qe = p[e], todo[e]
                np.minimum.at(self._claim, pe, qe)
                won = self._claim[pe] == qe
                self._claim[pe] = _FREE
                self._slot[pe[won]] = base + qe[won]
                self._keys[pe[won]] = h[qe[won]]
                placed.append(qe[won])
                places.append(pe[won])
                stay[e[~won]] = True  # the others look at the same place again
                empty[e[~won]] = False
            done = same | empty
            move = ~done & ~stay
            pos[todo[move]] = (pos[todo[move]] + 1) & (cap - 1)
            todo = todo[~done]
        if not insert:
            return found
        none = np.zeros(0, dtype=np.int64)
        return (np.concatenate(placed) if placed else none), (np.concatenate(places) if places else none)

    def find(self, rows: np.ndarray) -> np.ndarray:
        """Per row: its slot among the stored rows (insertion order), or -1."""
        rows = np.asarray(rows).reshape(len(rows), self.width)
        fits = ((rows >= 0) & (rows < 256)).all(1) if self.small else np.ones(len(rows), dtype=bool)
        words = self.pack(np.where(fits[:, None], rows, 0))
        n = self._n
        self._reserve(n + len(rows))  # the query's words sit past the stored rows
        self._packed[:, n : n + len(rows)] = words
        return np.where(fits, self._probe(self._hash(words), n, insert=False), -1)

    def add(self, rows: np.ndarray) -> np.ndarray:
        words = self.pack(rows)
        h = self._hash(words)
        n = self._n
        self._reserve(n + len(h))
        self._packed[:, n : n + len(h)] = words  # the batch, in place, while it is probed
        placed, places = self._probe(h, n, insert=True)
        order = np.argsort(placed)
        first, k = placed[order], len(placed)
        if k:
            self._packed[:, n : n + k] = words[:, first]
            self._hashes[n : n + k] = h[first]
            self._slot[places[order]] = n + np.arange(k)  # slots in batch order
            self._n += k
        return first


class Terms(Sequence):
    """A level's terms, built only when asked for: each batch of representatives is kept
    as its op, its child levels and the children's indices (most are never looked at)."""

    def __init__(self, batches: list[tuple[str, tuple, tuple]] | None = None, leaves: list[Term] | None = None):
        self._batches = batches or []  # (op, child levels, index arrays of the kept rows)
        self._starts = np.cumsum([0] + [len(b[2][0]) for b in self._batches])
        self._leaves = leaves
        self._built: dict[int, Term] = {}

    def __len__(self) -> int:
        return len(self._leaves) if self._leaves is not None else int(self._starts[-1])

    def __getitem__(self, r):
        if isinstance(r, slice):
            return [self[i] for i in range(*r.indices(len(self)))]
        r = int(r)
        if self._leaves is not None:
            return self._leaves[r]
        if r not in self._built:
            k = int(np.searchsorted(self._starts, r, side="right")) - 1
            op, levels, idx = self._batches[k]
            j = r - int(self._starts[k])
            if op == "leaf":
                self._built[r] = levels[0].terms[int(idx[0][j])]
            else:
                self._built[r] = app(op, *(lv.terms[int(i[j])] for lv, i in zip(levels, idx)))
        return self._built[r]


class Chain(Sequence):
    """Several sequences as one, indexed without copying them."""

    def __init__(self, parts: Sequence[Sequence]):
        self._parts = list(parts)
        self._starts = np.cumsum([0] + [len(p) for p in self._parts])

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __getitem__(self, r):
        if isinstance(r, slice):
            return [self[i] for i in range(*r.indices(len(self)))]
        k = int(np.searchsorted(self._starts, int(r), side="right")) - 1
        return self._parts[k][int(r) - int(self._starts[k])]


@dataclasses.dataclass
class Level:
    """The representatives of one cost: terms and their value tables ``(n, D)``."""

    terms: Sequence[Term]
    values: np.ndarray


def product_chunks(levels: list[Level] | tuple[Level, ...], chunk: int = CHUNK):
    """The cartesian product of ``levels`` in chunks: ``(index arrays, value arrays)``, one
    index and one stacked value array per level (first level slowest)."""
    sizes = [len(lv.terms) for lv in levels]
    total = int(np.prod(sizes))
    for s in range(0, total, chunk):
        idx = np.unravel_index(np.arange(s, min(total, s + chunk)), sizes)
        yield idx, [lv.values[i] for lv, i in zip(levels, idx)]


class Bank:
    """OE-pruned expressions of one context, grown level by level on demand.

    **Arguments:**

    - ``names``: the context's variables (0, 1 or 2), e.g. ``("u", "w")``.
    - ``M``: the value range.
    - ``memory``: ``(B, M)`` input memories: adds ``cell k`` leaves and ``read``, and an
      example axis to the domain. ``None``: a pure context.
    - ``costs``: per-op costs (the heuristic's); unlisted ops cost 1.
    - ``max_size``: stop growing after this many representatives.
    """

    def __init__(
        self,
        names: tuple[str, ...],
        M: int,
        memory: np.ndarray | None = None,
        costs: dict[str, int] | None = None,
        max_size: int = 1_000_000,
    ):
        self.names, self.M, self.memory = tuple(names), M, memory
        self.costs = dict(costs or {})
        self.max_size = max_size
        points = M ** len(self.names)
        self.B = 0 if memory is None else memory.shape[0]
        self.width = points * max(1, self.B)
        p = np.arange(self.width) % points
        self.env = {n: (p // M ** (len(self.names) - 1 - i)) % M for i, n in enumerate(self.names)}
        self.example = np.arange(self.width) // points  # example of each domain point
        self.levels: dict[int, Level] = {}
        self.seen = SignatureSet(self.width, small=M <= 256)
        self.enumerated = 0
        self.full = False

    def __len__(self) -> int:
        return len(self.seen)

    def level(self, c: int) -> Level:
        """The representatives of cost exactly ``c`` (grown on demand)."""
        for k in range(1, c + 1):
            if k not in self.levels:
                self.levels[k] = self._grow(k)
        return self.levels[c]

    def upto(self, c: int) -> Iterator[tuple[int, Level]]:
        """``(cost, level)`` for every non-empty level up to ``c``, cheapest first."""
        for k in range(1, c + 1):
            lv = self.level(k)
            if lv.terms:
                yield k, lv

    def values(self, t: Term) -> np.ndarray:
        """The value table of any expression of this context (recursive; for checks)."""
        if t.op in ("const", "var", "cell"):
            return self._leaf_values(t)
        return apply(t.op, self.M, [self.values(c) for c in t.children()], self._read_memory())

    def _read_memory(self) -> np.ndarray | None:
        """``read`` over the domain: address ``a`` at point ``p`` reads ``memory[example(p), a]``."""
        if self.memory is None:
            return None
        return _DomainMemory(self.memory, self.example)

    def _leaf_values(self, t: Term) -> np.ndarray:
        if t.op == "const":
            return np.full(self.width, t.args[0] % self.M, dtype=DTYPE)
        if t.op == "var":
            return self.env[t.args[0]].astype(DTYPE)
        return self.memory[self.example, t.args[0]].astype(DTYPE)

    def _leaves(self) -> list[Term]:
        """Constants, variables and, with memory, cells. A memory context has a cell for
        every address already, so it takes only the constants 0, 1, 2 and ``M - 1`` (the
        others are a few ops away); a pure context takes all ``M``."""
        consts = range(self.M) if self.memory is None else sorted({k % self.M for k in (0, 1, 2, self.M - 1)})
        out = [const(k) for k in consts] + [var(n) for n in self.names]
        if self.memory is not None:
            out += [cell(k) for k in range(self.M)]
        return out

    def _op_cost(self, op: str) -> int:
        return self.costs.get(op, 1)

    def _candidates(self, c: int) -> Iterator[tuple[str, tuple[Level, ...], tuple, np.ndarray]]:
        """``(op, child levels, index arrays, values (n, D))`` batches of cost ``c``."""
        leaves = [t for t in self._leaves() if leaf_cost(t, self.costs) == c]
        if leaves:
            lv = Level(leaves, np.stack([self._leaf_values(t) for t in leaves]))
            yield "leaf", (lv,), (np.arange(len(leaves)),), lv.values
        unary = [*UNARY] + (["read"] if self.memory is not None else [])
        mem = self._read_memory()
        for op in unary:
            k = c - self._op_cost(op)
            if k >= 1 and (lv := self.level(k)).terms:
                yield op, (lv,), (np.arange(len(lv.terms)),), apply(op, self.M, [lv.values], mem)
        for op in BINARY:
            k = c - self._op_cost(op)
            for i in range(1, k):
                if op in COMMUTATIVE and i > k - i:
                    continue
                levels = (self.level(i), self.level(k - i))
                if all(lv.terms for lv in levels):
                    for idx, args in product_chunks(levels):
                        yield op, levels, idx, apply(op, self.M, args)
        k = c - self._op_cost("ifz")
        for i, j in itertools.product(range(1, k), repeat=2):
            if k - i - j >= 1:
                levels = (self.level(i), self.level(j), self.level(k - i - j))
                if all(lv.terms for lv in levels):
                    for idx, args in product_chunks(levels):
                        yield "ifz", levels, idx, apply("ifz", self.M, args)

    def _grow(self, c: int) -> Level:
        batches, values = [], []
        if not self.full:
            for op, levels, idx, vals in self._candidates(c):
                self.enumerated += len(vals)
                new = self.seen.add(vals.astype(DTYPE))
                if new.size:
                    batches.append((op, levels, tuple(np.asarray(i)[new] for i in idx)))
                    values.append(vals[new].astype(DTYPE))
                if len(self.seen) >= self.max_size:
                    self.full = True
                    break
        vals = np.concatenate(values) if values else np.zeros((0, self.width), dtype=DTYPE)
        return Level(Terms(batches), vals)


class _DomainMemory:
    """Makes :func:`synth.semantics.apply`'s ``read`` index memory by domain point:
    ``m[rows, addr]`` with ``addr`` ``(n, D)`` reads ``memory[example(p), addr[:, p]]``."""

    def __init__(self, memory: np.ndarray, example: np.ndarray):
        self.flat = np.asarray(memory, dtype=DTYPE).reshape(-1)
        self.base = example * memory.shape[1]

    def __getitem__(self, key):
        _, addr = key
        return self.flat[self.base + addr]
