"""Bottom-up enumeration by cost with observational equivalence (OE).

Expressions are enumerated per context in a :class:`Bank`, cheapest first: level ``c``
combines children from lower levels with every op whose own cost fits (cost = the sum of
per-op costs, all 1 by default, so cost = size). Every op is applied to *all* child
combinations of a level in one numpy call. A candidate whose signature — its value table
over the context's whole domain, or its values on the examples for the ``mem`` context —
equals an earlier one's is counted but not kept: only the first (cheapest) representative
of each behaviour is ever combined further. For lambda contexts the signature is the
function itself, so this pruning is exact, not just observational.

Programs are enumerated the same way from the banks (:func:`enumerate_programs`) and pruned
by OE on the train examples' masked output cells.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator

import numpy as np

from .lang import BINARY, COMMUTATIVE, CONTEXTS, UNARY, Term, app, cell, const, var
from .semantics import apply, leaf

CONSTANTS = (0, 1)
DEFAULT_COSTS: dict[str, int] = dict.fromkeys(
    ("const", "var", "cell", *UNARY, *BINARY, "ifz", "read", "store", "map", "fold", "foldcells", "loop"), 1
)
CHUNK = 1 << 16  # candidates evaluated per numpy call


def signature_keys(values: np.ndarray) -> np.ndarray:
    """One hashable key per row (its bytes)."""
    v = np.ascontiguousarray(values.astype(np.int16))
    return v.view(np.dtype((np.void, v.shape[1] * v.itemsize))).ravel()


@dataclasses.dataclass
class Level:
    terms: list[Term]
    values: np.ndarray  # (n, D)


def product_chunks(levels, chunk: int = CHUNK):
    """The cartesian product of ``levels`` in chunks: ``(index arrays, value arrays)``, one
    index and one stacked value array per level (first level slowest)."""
    sizes = [len(lv.terms) for lv in levels]
    total = int(np.prod(sizes))
    for s in range(0, total, chunk):
        idx = np.unravel_index(np.arange(s, min(total, s + chunk)), sizes)
        yield idx, [lv.values[i] for lv, i in zip(levels, idx)]


class Bank:
    """OE-pruned expressions of one context, grown level by level.

    ``duplicates`` keeps up to ``keep_duplicates`` pruned terms with their representative:
    the e-graph later checks which of them it can prove equal.
    """

    def __init__(
        self,
        ctx: str,
        M: int,
        inputs: np.ndarray | None = None,
        costs: dict[str, int] | None = None,
        constants: tuple[int, ...] = CONSTANTS,
        max_size: int = 200_000,
        keep_duplicates: int = 2000,
    ):
        self.ctx, self.M, self.inputs = ctx, M, inputs
        self.costs = {**DEFAULT_COSTS, **(costs or {})}
        self.constants, self.max_size, self.keep_duplicates = constants, max_size, keep_duplicates
        self.levels: dict[int, Level] = {}
        self.seen: dict[bytes, Term] = {}
        self.enumerated = 0
        self.duplicates: list[tuple[Term, Term]] = []
        self.full = False

    def __len__(self) -> int:
        return len(self.seen)

    def level(self, c: int) -> Level:
        """The representatives of cost exactly ``c`` (grown on demand)."""
        for k in range(1, c + 1):
            if k not in self.levels:
                self.levels[k] = self._grow(k)
        return self.levels[c]

    def _leaves(self) -> list[Term]:
        out = [const(k) for k in self.constants] + [var(n) for n in CONTEXTS[self.ctx]]
        if self.ctx == "mem":
            out += [cell(k) for k in range(self.M)]
        return out

    def _candidates(self, c: int) -> Iterator[tuple[str, tuple[Level, ...], np.ndarray]]:
        """``(op, child levels, values (n, D))`` batches of cost ``c``; rows enumerate the
        cartesian product of the child levels (first child slowest)."""
        cost = self.costs
        leaves = [t for t in self._leaves() if cost[t.op] == c]
        if leaves:
            vals = np.stack([leaf(t, self.ctx, self.M, self.inputs) for t in leaves])
            yield "leaf", (Level(leaves, vals),), vals
        ops1 = [*UNARY] + (["read"] if self.ctx == "mem" else [])
        for op in ops1:
            k = c - cost[op]
            if k >= 1 and (lv := self.level(k)).terms:
                yield op, (lv,), (apply(op, self.M, [lv.values], self.inputs), (np.arange(len(lv.terms)),))
        for op in BINARY:
            k = c - cost[op]
            for i in range(1, k):
                j = k - i
                if op in COMMUTATIVE and i > j:
                    continue
                A, B = self.level(i), self.level(j)
                if A.terms and B.terms:
                    yield from self._product(op, (A, B))
        k = c - cost["ifz"]
        for i, j in itertools.product(range(1, k), repeat=2):
            if k - i - j >= 1:
                levels = (self.level(i), self.level(j), self.level(k - i - j))
                if all(lv.terms for lv in levels):
                    yield from self._product("ifz", levels)

    def _product(self, op: str, levels: tuple[Level, ...]):
        for idx, args in product_chunks(levels):
            yield op, levels, (apply(op, self.M, args, self.inputs), idx)

    def _grow(self, c: int) -> Level:
        terms, values = [], []
        if self.full:
            return Level([], np.zeros((0, self._width()), dtype=np.int64))
        for op, levels, batch in self._candidates(c):
            vals, idx = batch if isinstance(batch, tuple) else (batch, (np.arange(len(batch)),))
            self.enumerated += len(vals)
            keys = signature_keys(vals)
            uniq, first = np.unique(keys, return_index=True)
            new = [r for k, r in zip(uniq.tolist(), first.tolist()) if k not in self.seen]
            new.sort()  # keep enumeration order (cheapest, then first generated)
            for r in new:
                t = self._build(op, levels, idx, r)
                self.seen[keys[r].tobytes()] = t
                terms.append(t)
            values.extend(vals[new])
            if len(self.duplicates) < self.keep_duplicates and len(vals) > len(new):
                is_new = np.zeros(len(vals), dtype=bool)
                is_new[new] = True
                for r in np.flatnonzero(~is_new)[: self.keep_duplicates - len(self.duplicates)]:
                    self.duplicates.append((self._build(op, levels, idx, int(r)), self.seen[keys[r].tobytes()]))
            if len(self.seen) >= self.max_size:
                self.full = True
                break
        vals = np.stack(values) if values else np.zeros((0, self._width()), dtype=np.int64)
        return Level(terms, vals)

    def _width(self) -> int:
        return self.inputs.shape[0] if self.ctx == "mem" else self.M ** len(CONTEXTS[self.ctx])

    @staticmethod
    def _build(op: str, levels: tuple[Level, ...], idx, r: int) -> Term:
        if op == "leaf":
            return levels[0].terms[r]
        return app(op, *(lv.terms[int(i[r])] for lv, i in zip(levels, idx)))
