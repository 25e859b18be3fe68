"""Program search: skeletons bottom-up by cost, pruned by OE on the train examples.

:func:`enumerate_programs` fills a :class:`SearchResult`: one :class:`ProgramClass` per
distinct behaviour (the masked output cells on every train example), represented by its
cheapest skeleton, with how close that behaviour is to the target and how many enumerated
skeletons shared it. Candidates of one construct and one cost split are run as one batch.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable

import numpy as np

from .enumerate import CONSTANTS, Bank, Level, product_chunks, signature_keys
from .heuristics import Heuristic, SizePrior
from .lang import PARAMS, PROGRAM_SIGNATURES, Term, const
from .semantics import DIVERGED, run_fold, run_loop, run_map, run_store


@dataclasses.dataclass
class ProgramClass:
    """One behaviour on the train examples (an OE class of skeletons)."""

    term: Term  # representative: the first (cheapest) skeleton with this behaviour
    cost: int
    behaviour: np.ndarray  # masked output cells, flattened over the train examples
    closeness: float  # 1 = correct on every train example; see `closeness`
    correct: bool
    members: int = 1  # enumerated skeletons with this behaviour
    order: int = 0  # discovery order (a deterministic tie-break)
    alternatives: list[Term] = dataclasses.field(default_factory=list)  # other members, if correct


@dataclasses.dataclass
class SearchStats:
    enumerated_expressions: int = 0
    expression_classes: int = 0
    enumerated_programs: int = 0
    oe_classes: int = 0
    max_cost: int = 0
    seconds: float = 0.0
    stopped: str = ""


@dataclasses.dataclass
class SearchResult:
    classes: list[ProgramClass]
    stats: SearchStats
    banks: dict[str, Bank]
    duplicates: list[tuple[Term, Term]]  # (pruned program, its class representative), capped

    @property
    def solutions(self) -> list[ProgramClass]:
        return [c for c in self.classes if c.correct]


def closeness(behaviour: np.ndarray, target: np.ndarray, M: int) -> np.ndarray:
    """Per candidate in ``[0, 1]``: half the fraction of exactly right cells, half one minus
    the mean circular distance to the target (``M // 2`` for a diverged cell)."""
    exact = (behaviour == target).mean(-1)
    d = np.abs(behaviour - target) % M
    d = np.minimum(d, M - d)
    d = np.where(behaviour == DIVERGED, M // 2, d)
    return 0.5 * exact + 0.5 * (1.0 - d.mean(-1) / (M // 2))


def _param_choices(kind: str, M: int, mask: np.ndarray) -> list[int]:
    """Cells a parameter may name: outputs go to compared cells; loops start, and counts
    are read, in the first three cells."""
    if kind == "out":
        return np.flatnonzero(mask.any(0)).tolist()
    return [s for s in (0, 1, 2) if s < M]


def enumerate_programs(
    examples,
    M: int,
    heuristic: Heuristic | None = None,
    max_cost: int = 12,
    max_programs: int = 2_000_000,
    time_limit: float | None = None,
    stop_when_solved: bool = False,
    keep_duplicates: int = 5000,
    max_alternatives: int = 100,
    progress: Callable[[int, SearchStats], None] | None = None,
) -> SearchResult:
    """Enumerate skeletons by increasing cost and keep one per behaviour.

    Stops after cost ``max_cost``, after ``max_programs`` enumerated programs, after
    ``time_limit`` seconds, or (``stop_when_solved``) once a cost level produced a
    skeleton correct on every train example — that level is always finished, so near misses
    of the same cost are in the result too.
    """
    t0 = time.perf_counter()
    heuristic = heuristic or SizePrior()
    costs = heuristic.costs(examples)
    inputs = np.asarray(examples.inputs, dtype=np.int64)
    mask = np.asarray(examples.mask, dtype=bool)
    target = np.asarray(examples.outputs)[mask]
    banks = {ctx: Bank(ctx, M, inputs if ctx == "mem" else None, costs) for ctx in ("mem", "x", "acc_x", "ab")}
    stats = SearchStats()
    seen: dict[bytes, ProgramClass] = {}
    duplicates: list[tuple[Term, Term]] = []
    cost_of = lambda op: costs.get(op, 1)
    const_terms = [const(k) for k in CONSTANTS]

    def record(outs: np.ndarray, build: Callable[[int], Term], cost: int) -> None:
        beh = outs[:, mask]  # (n, cells)
        stats.enumerated_programs += len(beh)
        keys = signature_keys(beh)
        uniq, first, counts = np.unique(keys, return_index=True, return_counts=True)
        new = []
        for k, r, n in zip(uniq.tolist(), first.tolist(), counts.tolist()):
            cls = seen.get(k)
            if cls is None:
                new.append((r, k, n))
            else:
                cls.members += n
        new.sort()
        if new:
            rows = np.array([r for r, _, _ in new])
            close = closeness(beh[rows], target, M)
            for (r, k, n), c in zip(new, close):
                seen[k] = ProgramClass(build(r), cost, beh[r], float(c), bool(c >= 1.0), n, len(seen))
        # every skeleton that fits all train examples is kept: OE on the examples cannot tell
        # the general one from look-alikes that only fit them
        fits = np.flatnonzero((beh == target).all(1))
        for r in fits.tolist():
            cls = seen[keys[r].tobytes()]
            t = build(r)
            if t != cls.term and len(cls.alternatives) < max_alternatives:
                cls.alternatives.append(t)
        if len(duplicates) < keep_duplicates and len(new) < len(beh):
            is_new = np.zeros(len(beh), dtype=bool)
            is_new[[r for r, _, _ in new]] = True
            for r in np.flatnonzero(~is_new)[: keep_duplicates - len(duplicates)]:
                duplicates.append((build(int(r)), seen[keys[r].tobytes()].term))

    def splits(total: int, parts: int):
        if parts == 0:
            if total == 0:
                yield ()
            return
        for first in range(1, total - parts + 2):
            for rest in splits(total - first, parts - 1):
                yield (first, *rest)

    stop = ""
    for level in range(1, max_cost + 1):
        stats.max_cost = level
        for op, kinds in PROGRAM_SIGNATURES.items():
            exprs = [k for k in kinds if k not in (*PARAMS, "const")]
            n_const = kinds.count("const")
            budget = level - cost_of(op) - n_const * cost_of("const")
            if budget < len(exprs):
                continue
            ints = [_param_choices(k, M, mask) for k in kinds if k in PARAMS]
            for split in splits(budget, len(exprs)):
                levels = [banks[ctx].level(c) for ctx, c in zip(exprs, split)]
                if not all(lv.terms for lv in levels):
                    continue
                for params in itertools.product(*ints):
                    for consts in itertools.product(const_terms, repeat=n_const):
                        _run_op(op, params, consts, levels, inputs, M, level, record)
                if stats.enumerated_programs >= max_programs:
                    stop = "max_programs"
                elif time_limit is not None and time.perf_counter() - t0 > time_limit:
                    stop = "time_limit"
                if stop:
                    break
            if stop:
                break
        if progress is not None:
            progress(level, stats)
        if stop:
            break
        if stop_when_solved and any(c.correct for c in seen.values()):
            stop = "solved"
            break
    stats.stopped = stop or "max_cost"
    stats.oe_classes = len(seen)
    stats.enumerated_expressions = sum(b.enumerated for b in banks.values())
    stats.expression_classes = sum(len(b) for b in banks.values())
    stats.seconds = time.perf_counter() - t0
    return SearchResult(list(seen.values()), stats, banks, duplicates)


CHUNK = 1 << 14


def _run_op(
    op: str, params: tuple, consts: tuple, levels: list[Level], inputs: np.ndarray, M: int, cost: int, record
) -> None:
    """Run every combination of ``levels`` bodies for one construct and parameter choice."""
    for idx, tabs in product_chunks(levels, CHUNK):
        n = len(idx[0])
        if op == "store":
            outs = run_store(params[0], tabs[0], inputs)
        elif op == "map":
            outs = run_map(params[0], tabs[0], inputs)
        elif op in ("fold", "foldcells"):
            init = np.full(n, consts[0].args[0] % M)
            outs = run_fold(params[0], init, tabs[0], params[1], inputs, cells=op == "foldcells")
        else:  # loop
            a0, b0 = (np.full(n, c.args[0] % M) for c in consts)
            outs = run_loop(params[0], a0, b0, tabs[0], tabs[1], params[1], inputs)

        def build(r: int, idx=idx) -> Term:
            bodies = [lv.terms[int(i[r])] for lv, i in zip(levels, idx)]
            if op in ("store", "map"):
                return Term(op, (params[0], bodies[0]))
            if op in ("fold", "foldcells"):
                return Term(op, (params[0], consts[0], bodies[0], params[1]))
            return Term(op, (params[0], consts[0], consts[1], bodies[0], bodies[1], params[1]))

        record(outs, build, cost)
