"""Program search: enumerate a skeleton's structure bottom-up, solve for the rest.

A skeleton has two kinds of parts. Its *structure* — which loops walk which cursors,
which variables they carry and how those change — decides what the program visits; it is
enumerated by cost, and structures that visit the same values on the train examples are
one class (OE on trajectories). Its *writes* — which cells get which values — are mostly
decided by the examples: a write must put the target's value into its cell. So the value
expressions of writes are not enumerated but *solved for*: looked up, cheapest first,
among the expressions whose values at the points the structure visits are the values the
examples need (a bitset index per expression table makes that one AND per point); a loop
body's value, failing that, as a choice ``ifz(w, e1, e2)`` between two, its test ``w``
found the same way (as a counter's test is). The shapes composed this way:

- **straight-line**: ``mem[a1], .., mem[ak] ← e1, .., ek`` on the input (computed
  addresses, several result cells): a cheapest cover of the changed cells by writes;
- **single loop**: a ``for`` list walk, a ``repeat`` count or a ``while`` loop (pointer
  chasing, cell ranges), carrying 0–2 variables or a counter of the iterations where a
  solved-for test holds, writing at an address that is a function of its cursor (at the
  cursor, at an offset, mirrored), then writing results computed
  from the loop's final variables and the cells at its final cursor, at fixed cells, at
  the final cursor (``mem[i] ← a`` after a list walk; a walk with an empty body is kept
  when a write after it uses its cursor) or at a carried variable's final value;
- **nested loops**: a walk inside a walk, updating the two cursors' cells together (the
  compare-and-exchange of sorting).

Every program assembled is run by :func:`synth.semantics.execute` on the train examples
before it counts as correct, so the assumptions that make solving cheap (a loop's control
does not depend on its own writes; each cell is written once) can only cost solutions,
never admit wrong ones.

A write value that the examples determine, but that no enumerated expression produces, is
a *hole*: with ``holes=True`` the structure is kept with ``hole k (operands)`` in its
place, for tuning to fill — provided the needed values are a function of the operands;
otherwise the structure contradicts the examples and is dropped. With holes on, a loop's
carried update can also be left open (a *fold* ``a ← ?(a, operand)`` whose final value
is the result): the step is not enumerated, so the structure is one level above its
control, below every complete fold. A hole's size (the machine lines tuning gets to fill
it) is part of the search: each hole is proposed at every size from 1 to
``SynthConfig.hole_lines``, a hole of ``n`` lines costing ``n`` (an open fold with a
two-line step is found one level after the one-line one; a solved value's hole is kept at
each size, the larger costing more), so smaller holes are proposed first.

This module is the driver (:class:`Search`, :func:`enumerate_programs`) and what it takes
and returns. The expression banks are :mod:`synth.enumerate`; the value tables and the
solving for writes, :mod:`synth.solve`; the loop controls, carried variables and batched
loop runners, :mod:`synth.loops`.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar

import numpy as np

from .enumerate import Bank, Chain, SignatureSet, leaf_cost, row_hash
from .heuristics import Heuristic, SizePrior
from .lang import (
    LOOPS,
    Term,
    app,
    assign,
    cell,
    const,
    cost,
    for_list,
    hole,
    holes,
    if_nonzero,
    par,
    read,
    reads,
    resize,
    seq,
    substitute,
    var,
    while_loop,
    write,
)
from .loops import (
    COUNT,
    DO,
    FOR,
    Carry,
    Control,
    at_cursor,
    carry_counts,
    carry_one,
    carry_pair,
    carry_sourced,
    cursor_starts,
    flat_tables,
    loop_controls,
    orbit_table,
    pair_orbits,
    run_nested,
    unseen,
    updated,
)
from .semantics import DIVERGED, execute, final_state
from .solve import COVER_PATTERNS, Choice, Table, choice, covers, functional, keeps, pair_choice, solve

# ----------------------------------------------------------------------------- the task


@dataclasses.dataclass(frozen=True)
class SynthConfig:
    """What synthesis may spend and what it keeps.

    **Arguments:**

    - ``max_cost``: the costliest structure enumerated.
    - ``max_programs``: candidates enumerated at most (expressions, structures, programs).
    - ``time_limit``: seconds (None: no limit).
    - ``stop_when_solved``: stop at the end of the first cost level with a correct skeleton
      (``extra_levels`` later: more levels give more solutions to choose from).
    - ``holes``: also keep structures whose write values are left open (for tuning).
    - ``hole_lines``: the largest hole kept, in machine lines: each hole is kept at every
      size from 1 to ``hole_lines`` (a size costs its lines).
    - ``solve_cost``: the costliest expression a write's value is solved with.
    - ``deep_cost``: the costliest function of one operand a loop body's value is solved
      with when none within ``solve_cost`` fits and the operand takes values enough to rule
      out chance (at most ``solve_cost``: none; a cap on values caps both). The floor
      needs many distinct values: at ``M = 8``, 7 of the 8; below that, none qualifies.
    - ``release_held``: programs met before their level (held for it) are kept when the
      search stops short of that level; off, only those within ``max_cost`` (an honest
      cap on structure, for ablations).
    - ``egraph``: merge and extract with egglog (off: every skeleton is its own class).
    """

    max_cost: int = 16
    max_programs: int = 50_000_000
    time_limit: float | None = 60.0
    stop_when_solved: bool = True
    extra_levels: int = 0
    holes: bool = False
    hole_lines: int = 2
    solve_cost: int = 4
    deep_cost: int = 6
    release_held: bool = True
    egraph: bool = True


@dataclasses.dataclass(frozen=True)
class Spec:
    """The train examples as arrays, and what a program must change."""

    inputs: np.ndarray  # (B, M)
    outputs: np.ndarray  # (B, M)
    mask: np.ndarray  # (B, M) bool
    M: int

    @staticmethod
    def of(examples, M: int) -> Spec:
        return Spec(
            np.asarray(examples.inputs, dtype=np.int64),
            np.asarray(examples.outputs, dtype=np.int64),
            np.asarray(examples.mask, dtype=bool),
            M,
        )

    @property
    def changed(self) -> np.ndarray:
        """``(B, M)``: compared cells whose target differs from the input."""
        return self.mask & (self.inputs != self.outputs)

    def correct(self, out: np.ndarray) -> np.ndarray:
        """Per example: every compared cell of ``out`` matches."""
        return ((out == self.outputs) | ~self.mask).all(-1)


@dataclasses.dataclass
class Candidate:
    """A skeleton the search proposes: complete and correct on the train examples, or a
    structure with holes whose fixed parts agree with them."""

    term: Term
    cost: int
    family: str
    correct: bool
    order: int = 0  # discovery order (a deterministic tie-break)


@dataclasses.dataclass
class SearchStats:
    """What the search did: counts of everything it evaluated, and why it stopped."""

    enumerated_expressions: int = 0
    expression_classes: int = 0
    structures: int = 0  # loop structures (control + carried variables) run on the examples
    structure_classes: int = 0  # distinct behaviours among them (OE)
    completions: int = 0  # (expression, need) comparisons made while solving for writes
    programs: int = 0  # assembled programs checked by execute
    max_cost: int = 0
    seconds: float = 0.0
    stopped: str = ""

    @property
    def enumerated(self) -> int:
        """Candidates enumerated: expressions, loop structures, assembled programs (the
        expressions compared while solving for writes are counted in ``completions``)."""
        return self.enumerated_expressions + self.structures + self.programs


# a test solved for (a counter's, an exit's, a two-way value's) is kept only where the
# examples make a match this many times less likely by chance than the tests tried
CHANCE = 1000

# the ways a sum or difference of two values is met in the middle: the op, and whether the
# side looked from comes first (e + f, e − f, f − e; :func:`_other_side`)
MEET_WAYS = (("add", True), ("sub", True), ("sub", False))


@dataclasses.dataclass
class SearchResult:
    candidates: list[Candidate]
    stats: SearchStats

    @property
    def solutions(self) -> list[Candidate]:
        return [c for c in self.candidates if c.correct]

    @property
    def structures(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.correct]


def useful(t: Term) -> bool:
    """Every variable a program sets is needed: read, directly or through other variables,
    by a write or by a loop's control or a guard. (Dead sets only inflate the search.)"""
    needs: dict[str, set[str]] = {}
    roots: set[str] = set()
    for n in t.walk():
        if n.op == "set":
            needs.setdefault(n.args[0], set()).update(reads(n.args[1]))
        elif n.op == "write":
            roots |= reads(n.args[0]) | reads(n.args[1])
        elif n.op in LOOPS or n.op == "if":
            for a in n.args:
                if isinstance(a, Term) and not a.is_stmt:
                    roots |= reads(a)
    live, todo = set(), list(roots)
    while todo:
        v = todo.pop()
        if v not in live:
            live.add(v)
            todo.extend(needs.get(v, ()))
    return set(needs) <= live


# -------------------------------------------------------------------------- the search


class Search:
    """One run of the enumerator over a task's train examples (see the module docstring)."""

    CARRY_COST: ClassVar[dict[str, int]] = {"u": 6, "um": 3, "uw": 6}  # costliest carried update per context
    # how much costlier a test (counters, two-way values) may be than a solved value: only
    # its zero pattern counts, and a function of one value has few (count_big's x > 3 is
    # `x - min(3, x)`, cost 6: 3,017 rows, 105 patterns at M = 12)
    # (two-way values test at every failing address, so theirs stay one past)
    TEST_REACH: ClassVar[dict[str, int]] = {"test_u": 1, "test_uw": 1, "count_u": 3}
    STRAIGHT_COST: ClassVar[int] = 8  # the straight-line table's expressions, at most (reached at level 10)
    ARM_COST: ClassVar[int] = 3  # a straight-line two-way value's branches, at most
    MEET_COST: ClassVar[int] = 5  # the cheaper side of a straight-line sum or difference, at most
    # loops whose carried result a later loop may read (:meth:`aggregates`): the cheapest
    # this many distinct results
    AGGREGATES: ClassVar[int] = 4096
    AGGREGATE_COST: ClassVar[int] = 8
    WITNESS_COST: ClassVar[int] = 7  # the configuration a witness watches, at most
    ACCUMULATOR_COST: ClassVar[int] = 7  # one of two accumulators met after a loop, at most
    AHEAD: ClassVar[int] = 4  # straight-line writes found this far past the level are held
    GUARD_COST: ClassVar[int] = 4  # a guarded block's test, at most
    GUARDED_COST: ClassVar[int] = 5  # a guarded write's address and value, each at most
    GUARDS: ClassVar[int] = 8  # guards tried at a level (distinct zero patterns, the widest margins)
    FILTER_START_COST: ClassVar[int] = 3  # where a filter packs its values: a constant or a cell, at most
    FILTER_VALUE_COST: ClassVar[int] = 3  # the value a filter keeps, at most (the element, a neighbour)

    def __init__(
        self,
        spec: Spec,
        heuristic: Heuristic,
        cfg: SynthConfig,
        progress: Callable | None = None,
        accept: Callable[[Term], bool] | None = None,
    ):
        self.spec, self.M, self.cfg, self.progress, self.accept = spec, spec.M, cfg, progress, accept
        self.solve_cost, self.deep_cost, self.holes = cfg.solve_cost, cfg.deep_cost, cfg.holes
        if cfg.hole_lines < 1:
            raise ValueError(f"hole_lines must be at least 1, got {cfg.hole_lines}")
        self.sizes = range(1, cfg.hole_lines + 1)  # a hole's sizes, in lines
        self.deadline = None if cfg.time_limit is None else time.perf_counter() + cfg.time_limit
        self.costs = heuristic.costs(spec)
        self.stats = SearchStats()
        self.found: dict[str, Candidate] = {}
        self.accepted: dict[str, bool] = {}  # correct skeletons -> accept(term)
        self.F = spec.M + 1
        X, M = spec.inputs, spec.M
        self.mem = Bank((), M, X, self.costs)  # expressions over the input, per example
        self.u = Bank(("u",), M, None, self.costs)  # functions of one value
        self.uw = Bank(("u", "w"), M, None, self.costs)  # functions of two values
        self.um = Bank(("u",), M, X, self.costs)  # functions of one value that read memory
        self.stop = ""
        self._tables: dict = {}  # solving tables by name, carried-update levels by (name, cost)
        self._none = Table([], np.zeros(0, dtype=np.int64), np.zeros((0, 1), dtype=np.int64), M)
        # (kind, id(table), ...) -> (the tables, what is computed from them): keyed by id, so
        # each entry holds its tables, which pins them (an id is unique only while alive)
        self._orbits: dict = {}
        self._straight_state: dict | None = None  # straight_line's table, kept across levels
        self._cursor_cache: dict[str, tuple[list, list]] = {}  # cursor name -> its read terms
        self._let_cache: dict[int, tuple] = {}  # id(let values) -> (values, Carry)
        self._aggregates: dict[int, tuple | None] = {}  # hash of a loop's result -> (loop, cost, result)
        self._aggregates_sorted: list | None = None  # aggregates(), by cost
        self._folds: set[tuple[int, bytes]] = set()  # (step lines, sequences it was shown)
        self._controls: list[Control] | None = None
        self._control_keys: set[bytes] = set()  # the runs of the controls kept (Control.run_key)
        self._exit_runs: dict[bytes, Control] = {}  # run (Control.run_key) -> the exit added with it
        self._term_costs: dict[Term, int] = {}  # term_cost's
        self._wrong: set[str] = set()  # complete programs record() ran and found wrong
        self.current = 0  # the level being searched
        self._held: dict[str, tuple[int, Term, str]] = {}  # programs found ahead: text -> (level, term, family)
        self._cells = [(cell(k), self.c("cell")) for k in range(M)]  # fixed cells as operands, with their cost

    # ------------------------------------------------------------------ bookkeeping

    def c(self, op: str) -> int:
        return self.costs.get(op, 1)

    def term_cost(self, t: Term) -> int:
        """``cost(t)``, kept per term: operand terms come back for every control."""
        if t not in self._term_costs:
            self._term_costs[t] = cost(t, self.costs)
        return self._term_costs[t]

    def budget_spent(self) -> bool:
        banks = (self.mem, self.u, self.uw, self.um)
        self.stats.enumerated_expressions = sum(b.enumerated for b in banks)
        if self.stats.enumerated >= self.cfg.max_programs:
            self.stop = "max_programs"
        elif self.deadline is not None and time.perf_counter() > self.deadline:
            self.stop = "time_limit"
        return bool(self.stop)

    def record(self, term: Term, family: str, level: int = 0) -> None:
        """Keep a complete program correct on the train examples (checked by running it), or
        a structure with holes; drop programs with dead variables. A program found wrong
        is not run again (it still counts as checked). One found ahead of its ``level``
        is held until the search reaches that level or stops short of it (:meth:`_release`):
        cheap to find early, it must not end the search before cheaper programs."""
        text = str(term)
        if level > self.current:
            self._held.setdefault(text, (level, term, family))
            return
        if text in self._wrong:  # checked before (a scatter's f that ignores its operand comes back)
            self.stats.programs += 1
            return
        if text in self.found or not useful(term):
            return
        correct = not any(n.op == "hole" for n in term.walk())
        if correct:
            self.stats.programs += 1
            if not self.spec.correct(execute(term, self.spec.inputs, self.M)).all():
                self._wrong.add(text)
                return
        self.found[text] = Candidate(term, cost(term, self.costs), family, correct, len(self.found))

    @property
    def solved(self) -> bool:
        """A correct skeleton was found (that ``accept`` takes, if given)."""
        if any(self.accepted.values()):
            return True
        for key, c in self.found.items():
            if c.correct and key not in self.accepted:
                self.accepted[key] = self.accept is None or self.accept(c.term)
                if self.accepted[key]:
                    return True
        return False

    def _release(self, level: float) -> None:
        """Record the held programs of ``level`` and below."""
        for text, (k, term, family) in list(self._held.items()):
            if k <= level:
                del self._held[text]
                self.record(term, family)

    def table(self, name: str) -> Table:
        """Solving tables (built once): functions of one value (``u``) or two (``uw``),
        and functions of one value that read memory (``um``, over example x value); the
        tests of two-way values and counters, ``test_u``, ``test_uw`` and ``count_u``, go
        ``TEST_REACH`` further (only whether a test is zero matters, so many of its rows
        are one: see :meth:`_nonzero`)."""
        if name not in self._tables:
            k = self.solve_cost
            if name == "um":
                tab = Table.of(self.um, k - 1, lambda t: keeps("um", t))
            elif name == "u_used":
                tab = Table.of(self.u, k, lambda t: keeps("u", t))
            elif name in self.TEST_REACH:  # tests over one value or two, past the solving tables
                bank = name.split("_")[1]
                tab = Table.of(getattr(self, bank), k + self.TEST_REACH[name], lambda t: keeps(bank, t))
            elif name == "u_deep":  # one value's functions past ``u``, to ``deep_cost``
                full = Table.of(self.u, max(k, self.deep_cost))
                sel = full.costs > k
                tab = Table([t for t, s in zip(full.terms, sel) if s], full.costs[sel], full.values[sel], self.M)
            else:
                tab = Table.of(getattr(self, name), k)
            self._tables[name] = tab
        return self._tables[name]

    def level(self, name: str, k: int) -> Table:
        """The expressions of exactly cost ``k`` of a carried update's context: ``u``
        (functions of ``a`` that use it), ``um`` (the same, reading memory; over example x
        value), ``uw`` (functions of ``a`` and an operand)."""
        key = (name, k)
        if key in self._tables:
            return self._tables[key]
        if k > self.CARRY_COST.get(name, 0):
            return self._none
        if key not in self._tables:
            bank = {"u": self.u, "um": self.um, "uw": self.uw}[name]
            lv = bank.level(k) if k >= 1 else None
            terms = lv.terms if lv is not None else []
            keep = [i for i, t in enumerate(terms) if keeps(name, t)]
            values = lv.values[keep].astype(np.int64) if lv is not None else np.zeros((0, bank.width), dtype=np.int64)
            self._tables[key] = Table([terms[i] for i in keep], np.full(len(keep), k), values, self.M)
        return self._tables[key]

    # ------------------------------------------------------------ straight-line code

    def straight_line(self, level: int, max_writes: int = 3) -> None:
        """``mem[a1..ak] ← e1..ek`` on the input: the cheapest covers of the changed cells
        by writes that each cost at most ``level`` (address, value and the write; a
        two-way value, :meth:`_straight_ifz`, less its test; or, past the table's depth, a
        sum or difference of two, :meth:`_straight_meet`). With holes, a constant cell
        whose target no expression within the level gives, but some function of one input
        cell could, is written ``?(mem[k])``. Covers whose writes the table already makes
        but cost up to :attr:`AHEAD` more are held for their level (:meth:`record`)."""
        X, Y, K = self.spec.inputs, self.spec.outputs, self.spec.mask
        D = self.spec.changed
        B = D.shape[0]
        if not D.any():
            self.record(seq(), "straight-line")
            return
        st = self._straight(min(level - 2, self.STRAIGHT_COST))
        table, n = st["table"], len(st["table"])
        w_c = self.c("write")
        reach = level + self.AHEAD  # writes the table makes past the level are held
        writes, twos = [], []  # (cost, address, value, covered (B, M)); two-way values go last
        due: dict[int, int] = {}  # id(write) -> the level it is found at (a two-way value's less its test)
        for c in map(int, np.flatnonzero(D.any(0))):
            g = int(st["cell"][c])
            self.stats.completions += n
            a = const(c)
            base = w_c + leaf_cost(a, self.costs)  # the write at cell c, less its value
            covered = np.zeros_like(D)
            covered[:, c] = True
            if g >= 0 and base + table.costs[g] <= level:
                writes.append((base + table.costs[g], a, table.terms[g], covered))
            elif self.holes and base + self.c("hole") <= level:
                rows = K[:, c]
                k = next((k for k in (c, *range(self.M)) if functional(X[rows, k][None], Y[rows, c])[0]), None)
                for size in self.sizes if k is not None else ():  # a function of one input cell: open
                    cst = base + size * self.c("hole")
                    if cst <= level:
                        writes.append((cst, a, hole(0, cell(k), lines=size), covered))
            two = self._straight_ifz(c, st)  # a choice of two values, its test solved for
            if two is not None and base + two[1] <= reach:
                twos.append((base + cost(two[0], self.costs), a, two[0], covered))
                due[id(twos[-1])] = base + two[1]
            if g < 0 and (met := self._straight_meet(c, st)) is not None and base + met[1] <= reach:
                writes.append((base + met[1], a, met[0], covered))
            r = int(st["read_cell"][c]) if g < 0 and "read_cell" in st else -1
            if r >= 0 and (cst := base + self.c("read") + int(table.costs[r])) <= reach:
                writes.append((cst, a, read(table.terms[r]), covered))
        writes += twos
        idx, g = st["addr"], st["value"]
        if idx.size:
            self.stats.completions += len(idx) * n
            ok = np.flatnonzero((g >= 0) & (g < n))
            val, rd = g[ok], np.zeros(len(ok), dtype=bool)  # a table row, and whether it is read
            if "read" in st:  # where no table value gives the targets, a read one past its depth
                more = np.flatnonzero(~((g >= 0) & (g < n)) & (st["read"] >= 0))
                ok, val = np.concatenate([ok, more]), np.concatenate([val, st["read"][more]])
                rd = np.concatenate([rd, np.ones(len(more), dtype=bool)])
            cst = w_c + table.costs[idx[ok]] + table.costs[val] + rd * self.c("read")
            adr = table.values[idx[ok]].astype(np.int64)  # (W, B)
            hit = D[np.arange(B)[None], adr]  # the changed cells each addresses
            keep = (cst <= reach) & hit.any(1)
            ok, val, rd, cst, adr, hit = ok[keep], val[keep], rd[keep], cst[keep], adr[keep], hit[keep]
            # covers keeps the cheapest write per pattern of changed cells covered, then the
            # cheapest patterns, and the cheapest write that covers every changed cell alone
            # (cheaper partial covers must not crowd out a whole program): only those are built
            chosen = _cheapest_patterns(hit, adr, cst, COVER_PATTERNS + len(writes))
            whole = np.flatnonzero(hit.sum(1) == D.sum())
            if whole.size and not np.isin(whole, chosen).any():
                chosen = np.append(chosen, whole[np.argmin(cst[whole])])
            for q in chosen:
                e = table.terms[val[q]]
                covered = np.zeros_like(D)
                covered[np.arange(B), adr[q]] = True
                writes.append((int(cst[q]), table.terms[idx[ok[q]]], read(e) if rd[q] else e, covered))
        term = lambda chosen: par(*sorted((write(a, e) for _, a, e, _ in chosen), key=str))
        now = [w for w in writes if due.get(id(w), w[0]) <= level]
        for chosen in covers(now, D, max_writes, 2 * level):
            self.record(term(chosen), "straight-line")
        if len(now) < len(writes):  # covers with writes past the level, held for the level they fit
            for chosen in covers(writes, D, max_writes, 2 * reach):
                k = max(max(due.get(id(w), w[0]) for w in chosen), -(-sum(w[0] for w in chosen) // 2))
                if k > level:
                    self.record(term(chosen), "straight-line", k)

    def guarded(self, level: int, max_writes: int = 3) -> None:
        """``if c ≠ 0 { mem[a1..ak] ← e1..ek }``: straight-line writes under a guard, for
        tasks where some examples change nothing. The test is solved for: an expression
        of the input that is 0 on no example that changes (the block must not run there),
        the cheapest per zero pattern (:meth:`_guards`); the writes are
        covers of the changed cells on the examples where it is not 0
        (:meth:`_guarded_writes`: addresses and values of cost at most
        :attr:`GUARDED_COST`), each costing at most the level less the guard's ``if``, as
        are the tests. A test could match by chance: a guarded block is kept only where
        the examples the writes alone get wrong (where the test must be 0) and those that
        change (where it must not be) make ``M^Z · (M / (M − 1))^N ≥ 1000 ×`` the zero
        patterns of the tests no costlier than it, as for a two-way value."""
        D = self.spec.changed
        idle = ~D.any(1)
        budget = level - self.c("if")
        if idle.sum() < 2 or idle.all() or budget < 3:
            return
        depth = min(level - 2, self.GUARDED_COST)
        st = self._straight(min(level - 2, self.STRAIGHT_COST))
        M, X = self.M, self.spec.inputs
        for test, on, tried in self._guards(st, idle):
            if self.term_cost(test) <= budget:
                writes = [w for w in self._guarded_writes(st, on, depth) if w[0] <= budget]
                for chosen in covers(writes, D, max_writes, 2 * budget):
                    body = par(*sorted((write(a, e) for _, a, e, _ in chosen), key=str))
                    self.stats.programs += 1
                    need = int((~self.spec.correct(execute(body, X, M))).sum())  # where the guard must be 0
                    if _chance_margin(need, int((~idle).sum()), M, tried) >= 0:
                        self.record(if_nonzero(test, body), "guarded")

    def _guards(self, st: dict, idle: np.ndarray) -> list[tuple[Term, np.ndarray, int]]:
        """Tests for :meth:`guarded` from the straight-line table (kept per table depth):
        ``(test, on, tried)``, ``on`` the examples where the test is not 0, ``tried`` the
        zero patterns of the tests that cost no more (the tests it was picked from). Only
        tests that could pass the chance floor if their writes alone were wrong wherever
        they are 0, ordered by that margin: a test that idles more examples, or costs
        less, is less likely a chance match; at most :attr:`GUARDS`."""
        memo = st.setdefault("guards", {})
        if st["k"] not in memo:
            M, tab = self.M, st["table"]
            cheap = np.flatnonzero(tab.costs <= self.GUARD_COST)
            zero = tab.values[cheap] == 0
            _, rep = np.unique(zero, axis=0, return_index=True)  # the cheapest test per pattern
            pattern_costs = np.sort(tab.costs[cheap[rep]])
            rep = rep[~(zero[rep] & ~idle).any(1)]
            tried = np.searchsorted(pattern_costs, tab.costs[cheap[rep]], "right")
            margin = _chance_margin(zero[rep].sum(1), int((~idle).sum()), M, tried)
            keep = np.flatnonzero(margin >= 0)
            keep = keep[np.lexsort((rep[keep], -margin[keep]))][: self.GUARDS]
            memo[st["k"]] = [(tab.terms[cheap[rep[i]]], ~zero[rep[i]], int(tried[i])) for i in keep]
        return memo[st["k"]]

    def _guarded_writes(self, st: dict, on: np.ndarray, depth: int) -> list[tuple]:
        """Straight-line writes correct on the examples ``on`` (the rest are not run),
        address and value of cost at most ``depth`` (kept per ``on`` and depth):
        ``(cost, address, value, covered)`` as in :meth:`straight_line`, at constant cells
        (the cheapest value per cell) and at computed addresses (each value looked up by
        its values on ``on``; the cheapest write per pattern of covered cells, the
        :data:`COVER_PATTERNS` cheapest patterns)."""
        memo = st.setdefault("guarded", {})
        key = (on.tobytes(), depth)
        if key in memo:
            return memo[key]
        Y, D = self.spec.outputs, self.spec.changed
        K = self.spec.mask & on[:, None]
        B = len(Y)
        tab, w_c = st["table"], self.c("write")
        n = int(np.searchsorted(tab.costs, depth, side="right"))  # the table is by cost
        vals, costs = tab.values[:n].astype(np.int64), tab.costs[:n]
        writes = []
        for c in map(int, np.flatnonzero(D.any(0))):
            rows = K[:, c]
            hit = np.flatnonzero((vals[:, rows] == Y[rows, c]).all(1))
            if hit.size:
                covered = np.zeros_like(D)
                covered[on, c] = True
                a = const(c)
                writes.append((w_c + leaf_cost(a, self.costs) + int(costs[hit[0]]), a, tab.terms[hit[0]], covered))
        v_on = vals[:, on]
        adr = np.flatnonzero((v_on != v_on[:, :1]).any(1) & (K[np.arange(B)[None], vals] | ~on).all(1))
        self.stats.completions += n * (int(D.any(0).sum()) + len(adr))
        if adr.size:
            keys, first = np.unique(row_hash(v_on), return_index=True)
            need = Y[np.flatnonzero(on)[None], v_on[adr]]
            need_keys = row_hash(need)
            at = np.minimum(np.searchsorted(keys, need_keys), len(keys) - 1)
            g = first[at]
            hit = D[np.arange(B)[None], vals[adr]] & on  # the changed cells each address covers
            ok = np.flatnonzero((keys[at] == need_keys) & (v_on[g] == need).all(1) & hit.any(1))
            adr, g, hit = adr[ok], g[ok], hit[ok]
            cst = w_c + costs[adr] + costs[g]
            for q in _cheapest_patterns(hit, vals[adr], cst, COVER_PATTERNS):
                covered = np.zeros_like(D)
                covered[np.arange(B)[on], vals[adr[q]][on]] = True
                writes.append((int(cst[q]), tab.terms[adr[q]], tab.terms[g[q]], covered))
        memo[key] = writes
        return writes

    def _straight_ifz(self, c: int, st: dict) -> tuple[Term, int] | None:
        """A value ``ifz(w, e1, e2)`` for a straight-line write at cell ``c`` (:meth:`_ifz`):
        branches from 0, 1, ``M - 1`` and the ``mem`` bank's expressions of cost at most
        :attr:`ARM_COST`, the test a function of one or two input cells, on the examples
        that compare the cell, past the chance floor (few examples: a test could match by
        chance); and what it costs at a level (the write less its test: a
        solved-for test costs nothing to find, as a counter's). Found once per cell, when
        the bank has its branches (None before, or if there is none)."""
        if st["k"] < self.ARM_COST:
            return None
        memo = st.setdefault("ifz", {})
        if c not in memo:
            X, Y, K = self.spec.inputs, self.spec.outputs, self.spec.mask
            rows = K[:, c]
            tab = st["table"]
            cheap = np.flatnonzero(tab.costs <= self.ARM_COST)
            # one arm per distinct value array, the first: the bank holds 0, 1 and M - 1 too
            consts = self._constants(int(rows.sum()))
            terms = [*(t for t, _ in consts), *(tab.terms[i] for i in cheap)]
            values = np.concatenate([np.stack([v for _, v in consts]), tab.values[cheap][:, rows].astype(np.int64)])
            _, first = np.unique(values, axis=0, return_index=True)
            arms = [(terms[i], values[i]) for i in np.sort(first)]
            cells = [(cell(k), X[rows, k]) for k in range(self.M)]
            t = self._ifz(Y[rows, c], arms, cells, [], chance=True)
            memo[c] = None if t is None else (t, self.c("ifz") + sum(cost(e, self.costs) for e in t.args[1:]))
        return memo[c]

    def _straight_meet(self, c: int, st: dict) -> tuple[Term, int] | None:
        """A value ``e1 + e2`` or ``e1 − e2`` of two table expressions for a straight-line
        write at cell ``c``, for values past the table's depth, met in the middle: for each
        expression ``v`` of cost at most :attr:`MEET_COST` the other side's values follow
        from the target (``y − v``, ``v − y``, ``y + v``) and are looked up in the bank's
        signature set (a slot below the table's length is the table's row: the bank adds
        rows cheapest first). The cheapest pair, with its cost (the two sides' and the
        operator's, as a bank value is costed); found once per cell, when the table is at
        its depth (:attr:`STRAIGHT_COST`), for a cell compared on every example (the lookup
        is exact) and past the chance floor (``M^examples ≥ 1000 × pairs tried``); else
        None. ``max(a, b) + max(c, min(a, b))`` (cost 9) is the sum of the two largest."""
        if st["k"] < self.STRAIGHT_COST:
            return None
        memo = st.setdefault("meet", {})
        if c not in memo:
            memo[c] = None
            Y, K, M = self.spec.outputs, self.spec.mask, self.M
            tab, y = st["table"], Y[:, c]
            cheap = np.flatnonzero(tab.costs <= self.MEET_COST)
            pairs = 3 * len(cheap) * len(tab)  # each cheap side, each way, against every row
            if not K[:, c].all() or float(M) ** len(y) < CHANCE * pairs:
                return None
            v = tab.values[cheap].astype(np.int64)
            self.stats.completions += pairs
            found = []  # (term, cost), in the order tried
            for (op, cheap_first), need in zip(MEET_WAYS, _other_side(y, v, M)):
                g = self.mem.seen.find(need)
                ok = np.flatnonzero((g >= 0) & (g < len(tab)))
                if ok.size:
                    both = tab.costs[cheap[ok]] + tab.costs[g[ok]]
                    q = ok[np.argmin(both)]
                    e, f = tab.terms[cheap[q]], tab.terms[g[q]]
                    found.append((app(op, e, f) if cheap_first else app(op, f, e), int(both.min()) + self.c(op)))
            if found:
                memo[c] = min(found, key=lambda x: x[1])  # the first of the cheapest
        return memo[c]

    def _straight(self, k: int) -> dict:
        """What :meth:`straight_line` needs from the ``mem`` bank's expressions of cost at
        most ``k``, kept across levels and extended by the new levels only: the table
        (values as stored, int16), per changed cell the cheapest expression with the
        target's value on every compared example (-1: none), the computed addresses
        (non-constant, every cell compared) and per address the cheapest expression whose
        value is the target at that address (its row in the table, an exact lookup in the
        bank's signature set; -1: none yet)."""
        spec = self.spec
        Y, K = spec.outputs, spec.mask
        B = Y.shape[0]
        st = self._straight_state
        if st is None:
            empty = Table([], np.zeros(0, dtype=np.int64), np.zeros((0, B), dtype=np.int16), self.M)
            st = self._straight_state = {
                "k": 0, "levels": [], "table": empty, "cell": np.full(self.M, -1), "bank": -1,
                "addr": np.zeros(0, dtype=np.int64), "need": np.zeros((0, B), dtype=np.int64),
                "value": np.zeros(0, dtype=np.int64),
            }  # fmt: skip
        if k > st["k"]:
            start = len(st["table"])
            st["levels"] += [(c, lv) for c, lv in self.mem.upto(k) if c > st["k"]]
            st["k"] = k
            levels = st["levels"]
            terms = Chain([lv.terms for _, lv in levels])
            costs = np.array([c for c, lv in levels for _ in range(len(lv.terms))], dtype=np.int64)
            values = np.concatenate([lv.values for _, lv in levels]) if levels else st["table"].values
            st["table"] = Table(terms, costs, values, self.M)
            new = values[start:]
            for c in np.flatnonzero(spec.changed.any(0)):
                if st["cell"][c] < 0:
                    rows = K[:, c]
                    hit = (new[:, rows] == Y[rows, c]).all(1)
                    if hit.any():
                        st["cell"][c] = start + int(hit.argmax())
            computed = (new != new[:, :1]).any(1) & K[np.arange(B)[None], new].all(1)
            idx = start + np.flatnonzero(computed)
            st["addr"] = np.concatenate([st["addr"], idx])
            st["need"] = np.concatenate([st["need"], Y[np.arange(B)[None], values[idx]]])
            st["value"] = np.concatenate([st["value"], np.full(len(idx), -1)])
        if st["bank"] != len(self.mem) and st["addr"].size:  # the bank grew: look up what was missing
            miss = np.flatnonzero(st["value"] < 0)
            st["value"][miss] = self.mem.seen.find(st["need"][miss])
            st["bank"] = len(self.mem)
        if k >= self.STRAIGHT_COST and "read_cell" not in st:
            self._straight_reads(st)
        return st

    def _straight_reads(self, st: dict) -> None:
        """Values one past the table's depth: ``mem[e]`` for a table expression ``e``, where
        no table expression gives the target. Every ``e``'s read is looked up at once (the
        cheapest ``e`` per distinct row of values read) for each changed cell compared on
        every example (``st["read_cell"]``) and each computed address (``st["read"]``): the
        table's row of ``e``, or -1. A read of a pointer's pointer, ``mem[(dec(dec(mem[0]))
        − mem[dec(mem[0])])]`` (Forth's PICK), costs 8 where the table stops at 8 with
        ``e``'s 7."""
        spec, tab = self.spec, st["table"]
        B = len(spec.inputs)
        reads = SignatureSet(B)
        X = spec.inputs.astype(np.uint8)
        rows = reads.add(X[np.arange(B)[None], tab.values])  # the table is by cost: the cheapest first
        self.stats.completions += len(tab)
        find = lambda need: np.where((slot := reads.find(need)) >= 0, rows[np.maximum(slot, 0)], -1)
        st["read"] = find(st["need"]) if st["addr"].size else np.zeros(0, dtype=np.int64)
        Y, K = spec.outputs, spec.mask
        full = np.flatnonzero(spec.changed.any(0) & K.all(0) & (st["cell"] < 0))
        st["read_cell"] = np.full(self.M, -1)
        if full.size:
            st["read_cell"][full] = find(Y[:, full].T)

    # ------------------------------------------------------------------------- loops

    def controls(self) -> list[Control]:
        """The loop controls (:func:`synth.loops.loop_controls` from
        :func:`~synth.loops.cursor_starts`), each with its operands and write addresses
        (built once)."""
        if self._controls is not None:
            return self._controls
        starts = cursor_starts(self.mem, self.M, self.costs)
        found, runs = loop_controls(starts, self.spec.inputs, self.M, self.F, self.costs)
        self.stats.structures += runs
        self.stats.structure_classes += len(found)
        self._controls = []
        for c in found:  # deriving takes long at large M: it stops at the search's budget
            if self.budget_spent():
                break
            self._controls.append(self.derive(c))
        self._control_keys = {c.run_key() for c in self._controls}
        return self._controls

    def add_exits(self, level: int) -> None:
        """Add the exits (:meth:`exits`) of the controls whose exits may first cost
        ``level`` (a test and an ``ifz`` cost at least 2), each after the controls of its
        cost; an exit that runs as a control already kept is not added. Of exits with one
        run, the cheapest: one added at an earlier level is replaced by a cheaper one (it
        costs more than ``level``, so no loop was built on it yet)."""
        controls = self.controls()
        for ctl in [c for c in controls if c.exit is None and c.cost == level - 2]:
            if self.budget_spent():
                return
            for e in self.exits(ctl):
                key = e.run_key()
                old = self._exit_runs.get(key)
                if (key in self._control_keys and old is None) or (old is not None and old.cost <= e.cost):
                    continue
                if old is not None:
                    del controls[next(i for i, c in enumerate(controls) if c is old)]
                self._control_keys.add(key)
                self._exit_runs[key] = e
                controls.insert(bisect.bisect_right(controls, e.cost, key=lambda c: c.cost), self.derive(e))

    def exits(self, ctl: Control) -> list[Control]:
        """``ctl`` stopping also before the first iteration where a test ``w`` of its
        operands is nonzero (or zero): how far two lists agree, the first element above a
        value. Like a counter's, the test is solved for (:meth:`_tests`), and kept when the
        run it leaves says what a changed cell's targets say on every example that compares
        it (:func:`_stops_of`): its iteration count is the targets less a constant, or the
        targets are the cell at the cursor where it stops, or that cursor (a search that
        returns where it found something, along a linked list); or it stops where the
        change is (:func:`_stops_at_change`: a write after it at the cursor). It must stop some example
        mid-run (a test that holds on a whole run is an ``if`` around the loop), and not
        after the same count on every example. The cheapest test of each run; the exit
        costs the test and an ``ifz`` on top of the control. ``do`` loops get none.

        Only exits that cost at most ``max_cost`` (no loop is built on a costlier one).
        Rows whose test alone costs more are matched only in the ways a cheap row meets
        (:func:`_ways`): what they add there keeps the same exits first, as when every way
        is matched; elsewhere they add only exits that cost too much."""
        if ctl.kind in (DO, COUNT) or ctl.exit is not None:
            return []
        X, M, B = self.spec.inputs, self.M, len(ctl.n)
        D, K, Y = self.spec.changed, self.spec.mask, self.spec.outputs
        cells = np.flatnonzero(D.any(0))
        prim, far = ctl.at_points(ctl.sources), ctl.at_points(ctl.offsets)
        cursor = np.concatenate([ctl.v, ctl.end[:, None]], 1)  # the cursor after t iterations, (B, F + 1)
        cursor[np.arange(B), ctl.n] = ctl.end
        # what a cell's targets may be where an exit stops: the cell there, or the cursor
        at = (X[np.arange(B)[:, None], cursor % M], cursor % M)  # each (B, F + 1)
        target, mask, changed = Y[:, cells], K[:, cells], D[:, cells]
        # exits costlier than the search goes are never used: a test costs at least its
        # table row, if no operand costs less than the variable it replaces
        budget = self.cfg.max_cost - ctl.cost - self.c("ifz")
        bound = all(self.term_cost(t) >= self.c("var") for t, _ in [*prim, *far])
        jobs = []
        for tab, rows, envs, nz in self._tests(prim, far):
            G, J, P = nz.shape
            runs = _Runs(nz.reshape(G * J, P), ctl.n)
            keep = np.repeat(tab.costs[rows] <= budget, J) if bound else np.ones(G * J, dtype=bool)
            jobs.append((tab, rows, envs, J, runs, keep))
        ways: set | None = None  # all of them, unless some rows cost too much
        if not all(keep.all() for *_, keep in jobs):
            ways = set()
            live = _chance(changed, M, min(len(runs.nz) for *_, runs, _ in jobs), 1 + len(at)) & mask.any(0)
            if live.any():  # where the cheap rows stop, every job and both ways at once
                cheap = [(runs, np.flatnonzero(keep)) for *_, runs, keep in jobs if keep.any()]
                stops = [runs.stop(r, zero) for runs, r in cheap for zero in (False, True)]
                ways = _ways(np.concatenate(stops), target, mask, at, M, live) if stops else ways
        found: dict[bytes, Control] = {}
        for tab, rows, envs, J, runs, _ in jobs:
            for q, zero in _stops_of(runs, target, mask, changed, at, M, ways) + _stops_at_change(runs, D, at[1], M):
                n = runs.stop([q], zero)[0]
                if not ((n > 0) & (n < ctl.n)).any() or (n == n[0]).all():
                    continue
                g, j = divmod(q, J)
                w = substitute(tab.terms[rows[g]], envs[j])
                c = ctl.cost + cost(w, self.costs) + self.c("ifz")
                end = cursor[np.arange(B), n]
                e = Control(ctl.kind, ctl.init, ctl.cond, ctl.step, c, ctl.v, n, end, exit=(w, zero))
                key = e.run_key()
                if key not in found or c < found[key].cost:
                    found[key] = e
        return [e for e in found.values() if e.cost <= self.cfg.max_cost]

    def derive(self, ctl: Control) -> Control:
        """Fill in a control's operands (one per distinct value array: the element, the
        cursor, the cells next to it) and write addresses (``h(cursor)`` for a cheap ``h``
        whose cells are compared, distinct along each run, and cover a changed cell)."""
        X, M = self.spec.inputs, self.M
        rows = np.arange(X.shape[0])[:, None]
        v, name, valid = ctl.v, ctl.name, ctl.valid
        cands = [(var(name), self.c("var"), v, None)]
        if ctl.kind == FOR:
            cands.insert(0, (var("x"), self.c("var"), X[rows, v], v))
        else:  # the element: costs as a variable, as it is one in a for loop
            cands.append((read(var(name)), self.c("var"), X[rows, v], v))
        near, far = self._cursor_terms(name)
        for op, t in near:  # the cells next to it (a node's fields): cost as one op more
            at = at_cursor(op, v, X, M)
            cands.append((t, self.c("var") + self.c(op), X[rows, at], at))
        # cells further away (a second list at an offset, a list walked from its other end),
        # then fixed cells (a value the task passes in): all at once, (K, B, F)
        c = np.arange(M)[:, None, None]
        shifted = np.concatenate([v[None] + c[2 : M - 1], c - v[None]]) % M
        fixed = np.broadcast_to(c, (M, *v.shape))
        cells = np.concatenate([shifted, fixed])
        vals = X[rows[None], cells]
        terms = [*far, *self._cells]
        # of operands with the same values at the valid iterations, the cheapest (the first
        # at a tie); an offset with a source's values is left out
        flat, seen = valid.reshape(-1), set()
        keys = np.stack([x[2] for x in cands]).reshape(len(cands), -1)[:, flat]
        kept = _cheapest_distinct([x[1] for x in cands], keys, seen)
        ctl.sources.extend(cands[i] for i in kept)
        kept = _cheapest_distinct([c for _, c in terms], vals.reshape(len(vals), -1)[:, flat], seen)
        ctl.offsets.extend((*terms[i], vals[i], cells[i]) for i in kept)
        u = self.table("u_used")
        if len(u):  # every address function at once, over the cells the cursor visits
            visited = np.zeros((len(v), M), dtype=bool)
            visited[np.broadcast_to(rows, v.shape)[valid], v[valid]] = True
            if (visited.sum(1) == ctl.n).all():  # a cursor that revisits a cell repeats every address
                compared, changed, clash = self._address_tables()
                ok = ~(visited[:, None, :] & ~compared).any((0, 2)) & (visited[:, None, :] & changed).any((0, 2))
                pairs = (visited[:, :, None] & visited[:, None, :]).reshape(len(v), -1).astype(np.float32)
                ok &= ~(pairs @ clash > 0).any(0)  # two visited cells, one address
                for g in np.flatnonzero(ok):
                    ctl.addresses.append((substitute(u.terms[g], {"u": var(name)}), u.values[g][v]))
        return ctl

    def _address_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For the address functions ``h`` (the ``u_used`` table): whether ``h(x)`` is a
        compared cell, and a changed one, on each example ``(B, G, M)``, and which pairs of
        different cells ``h`` maps to one address ``(M², G)`` (built once)."""
        if not hasattr(self, "_addr"):
            u, M = self.table("u_used"), self.M
            K, D = self.spec.mask, self.spec.changed
            same = (u.values[:, :, None] == u.values[:, None, :]) & ~np.eye(M, dtype=bool)
            self._addr = K[:, u.values], D[:, u.values], same.reshape(len(u), -1).T.astype(np.float32)
        return self._addr

    def _cursor_terms(self, name: str) -> tuple[list, list]:
        """A cursor's neighbour reads ``[(op, mem[op(v)])]`` and further reads ``[(mem[v +
        c], cost)]`` for ``c = 2 .. M - 2`` (a second list at an offset), then mirrored reads
        ``mem[c − v]`` for ``c = 0 .. M - 1`` (a list walked from the other end; built once
        per cursor name)."""
        cache = self._cursor_cache
        if name not in cache:
            near = [(op, read(app(op, var(name)))) for op in ("inc", "dec")]
            far = [read(app("add", var(name), const(c))) for c in range(2, self.M - 1)]
            far += [read(app("sub", const(c), var(name))) for c in range(self.M)]
            cache[name] = near, [(t, cost(t, self.costs)) for t in far]
        return cache[name]

    def inits(self) -> list[tuple[Term, int, np.ndarray]]:
        """Initial values of carried variables: the constants 0, 1 and ``M - 1`` (the
        extremes of the value range), then every cell (two more), one per distinct value
        on the examples."""
        if not hasattr(self, "_inits"):
            out, seen = [], set()
            terms = [*(t for _, lv in self.mem.upto(1) for t in lv.terms), const(self.M - 1)]
            for t in terms:
                vals = self.mem.values(t).astype(np.int64)
                if vals.tobytes() not in seen:
                    seen.add(vals.tobytes())
                    out.append((t, leaf_cost(t, self.costs) + 2 * (t.op == "cell"), vals))
            self._inits = sorted(out, key=lambda x: x[1])
        return self._inits

    def carries(self, ctl: Control, budget: int) -> Carry | None:
        """The carried-variable configurations costing exactly ``budget``, run as one batch:
        none; ``a ← f(a)`` (``f`` may read memory) or ``a ← f(a, operand)`` and counters
        (these first: ``Carry.alone``); lets and earlier loops' results; or ``(a, b) ←
        (fa(a, b), fb(a, b))`` from 0s and 1s."""
        if budget == 0:
            return Carry(1, {}, [(0, lambda i: ((), ()))])
        M, F = self.M, self.F
        B = len(ctl.n)
        set_c, var_c = self.c("set"), self.c("var")
        groups = []
        by_cost: dict[int, list] = {}
        for a0, a0c, a_vals in self.inits():
            by_cost.setdefault(a0c, []).append((a0, a_vals))
        for a0c, inits in by_cost.items():
            k = budget - 2 * set_c - a0c  # what the update's expression may cost
            for name, per_example in (("u", False), ("um", True)):
                tab = self.level(name, k)
                if len(tab):
                    groups.append(self._one(ctl, inits, tab, per_example))
            jobs = [(src, svals, self.level("uw", k - sc + var_c)) for src, sc, svals, _ in ctl.sources]
            groups += self._sourced(ctl, inits, [j for j in jobs if len(j[2])])
        counters = self.counters(ctl, budget)
        if counters is not None:
            groups.append(counters)
        alone = sum(g.N for g in groups)  # the configurations so far update ``a`` alone
        for e, c, vals in self.lets():  # a ← e before the loop, never updated
            if budget == set_c + c:
                groups.append(self._let(ctl, ("a", e), vals))
        for loop, c, vals in self.aggregates():  # a loop before this one leaves a
            if budget == c:
                groups.append(self._let(ctl, (None, loop), vals))
        consts = [(t, c) for t, c, _ in self.inits() if t.op == "const" and t.args[0] < 2]
        for (a0, a0c), (b0, b0c) in itertools.product(consts, repeat=2):
            k = budget - 4 * set_c - a0c - b0c
            for ka in range(1, k):
                ta, tb = self.level("uw", ka), self.level("uw", k - ka)
                if len(ta) and len(tb):
                    groups.append(self._pair(ctl, (a0, a0.args[0] % M), (b0, b0.args[0] % M), ta, tb))
        if not groups:
            return None
        names = {name for g in groups for name in g.traj}
        traj = {}
        for name in sorted(names):
            parts = [g.traj.get(name, np.zeros((g.N, B, F + 1), dtype=np.int64)) for g in groups]
            traj[name] = np.concatenate(parts)
        offsets = np.cumsum([0] + [g.N for g in groups])
        return Carry(int(offsets[-1]), traj, [(int(o), g.groups[0][1]) for o, g in zip(offsets, groups)], alone)

    def lets(self) -> list[tuple[Term, int, np.ndarray]]:
        """Values computed once before a loop: the expressions over the input of cost 2
        (``inc(mem[k])``, ``mem[mem[k]]``, ...), one per distinct value on the examples."""
        if not hasattr(self, "_lets"):
            out, seen = [], {v.tobytes() for _, _, v in self.inits()}
            lv = self.mem.level(2)
            for t, vals in zip(lv.terms, lv.values):
                vals = vals.astype(np.int64)
                if vals.tobytes() not in seen and t.op != "const":
                    seen.add(vals.tobytes())
                    out.append((t, 2, vals))
            self._lets = out
        return self._lets

    def aggregates(self) -> list[tuple[Term, int, np.ndarray]]:
        """Loops that leave a value in ``a`` for a loop after them (``a ← 0; for i, x in
        list@0 { a ← max(a, x) }`` before ``for i, x in list@0 { mem[i] ← (a - x) }``):
        the cheapest :attr:`AGGREGATES` distinct results (kept by :meth:`_keep_aggregates`
        as the search meets them), each with its cost, the loop's."""
        if self._aggregates_sorted is None:
            kept = sorted((x for x in self._aggregates.values() if x is not None), key=lambda x: x[1])
            self._aggregates_sorted = kept[: self.AGGREGATES]
        return self._aggregates_sorted

    def _keep_aggregates(self, ctl: Control, carry: Carry, idx: np.ndarray, level: int) -> None:
        """Keep the results in ``a`` of configurations ``idx`` (their loops cost ``level``)
        that accumulate (``a``'s update reads ``a``) and differ between examples and from
        every initial value and let, the first (cheapest) of each. Loops costlier than
        :attr:`AGGREGATE_COST` are not kept: with a loop after them they would cost more
        than the search reaches in a minute."""
        if "a" not in carry.traj or level > self.AGGREGATE_COST:
            return
        if not self._aggregates:  # a value a set before the loop makes is no loop's result
            for _, _, vals in [*self.inits(), *self.lets()]:
                self._aggregates[int(row_hash(vals[None])[0])] = None
        vals = dict(carry.finals(ctl, idx))["a"].astype(np.int64)  # (N, B)
        keys = row_hash(vals)
        varies = (vals != vals[:, :1]).any(1)
        for n in np.flatnonzero(varies):
            key = int(keys[n])
            if key in self._aggregates:
                continue
            inits, sets = carry.describe(int(idx[n]))
            update = next((s.args[1] for s in sets if s.args[0] == "a"), None)
            if update is not None and "a" in reads(update):
                self._aggregates[key] = (seq(*inits, ctl.term(par(*sets))), level, vals[n])
                self._aggregates_sorted = None

    def _let(self, ctl: Control, init: tuple[str | None, Term], vals: np.ndarray) -> Carry:
        """``a`` set before the loop (``init``: ``(name, value)`` or ``(None, statement)``)
        and never updated."""
        cache = self._let_cache
        if id(vals) not in cache:  # the same for every control: the value never changes
            traj = np.broadcast_to(vals[None, :, None], (1, len(vals), self.F + 1)).copy()
            cache[id(vals)] = (vals, Carry(1, {"a": traj}, [(0, lambda i: ((init,), ()))]))
        return cache[id(vals)][1]

    def _one(self, ctl, inits: list[tuple[Term, np.ndarray]], tab: Table, per_example: bool) -> Carry:
        """:func:`synth.loops.carry_one`, with each table's orbits computed once."""
        key = ("one", id(tab))
        if key not in self._orbits:  # an orbit per table row (per (row, example) if it reads memory)
            values = tab.values.reshape(len(tab) * len(ctl.n), self.M) if per_example else tab.values
            self._orbits[key] = tab, orbit_table(values, self.F)
        return carry_one(ctl, inits, tab, self._orbits[key][1], self.F, per_example)

    def _sourced(self, ctl, inits: list[tuple[Term, np.ndarray]], jobs: list) -> list[Carry]:
        """:func:`synth.loops.carry_sourced`, with each list of tables laid out flat once."""
        if not jobs:
            return []
        tabs = [tab for _, _, tab in jobs]
        key = ("flat", *(id(tab) for tab in tabs))
        if key not in self._orbits:
            self._orbits[key] = tabs, flat_tables(tabs, self.M)
        return carry_sourced(ctl, inits, jobs, self._orbits[key][1], self.M, self.F)

    def _pair(self, ctl, a_init, b_init, fa: Table, fb: Table) -> Carry:
        """:func:`synth.loops.carry_pair`, with each pair of tables' orbits computed once."""
        key = ("pair", a_init[1], b_init[1], id(fa), id(fb))
        if key not in self._orbits:  # every example starts alike: one orbit per pair of rows
            ga, gb = np.repeat(np.arange(len(fa)), len(fb)), np.tile(np.arange(len(fb)), len(fa))
            orbit = pair_orbits(fa.values[ga], fb.values[gb], a_init[1], b_init[1], self.M, self.F)
            self._orbits[key] = (fa, fb), (ga, gb, *orbit)
        return carry_pair(ctl, a_init, b_init, fa, fb, self._orbits[key][1], self.F)

    def counters(self, ctl: Control, budget: int) -> Carry | None:
        """Counters, at the budget of ``a ← 0; a ← ifz(·, a, inc(a))``: ``a ← 0; loop {
        a ← ifz(w, a, inc(a)) }`` counts the iterations where a test ``w`` of one or two of
        the loop's operands is nonzero (``ifz(w, inc(a), a)``: zero). Like a write's value,
        the test is solved for, not enumerated: every row of the test tables is tried on
        every operand and pair at once (:meth:`_tests`), and kept when a changed cell's
        targets are its count plus a constant on every example that compares the cell
        (:func:`_counts_of`); the cheapest test of each count pattern."""
        if budget != 2 * self.c("set") + self.c("const") + self.c("ifz") + self.c("inc") + self.c("var"):
            return None
        if "counters" not in ctl.memo:
            ctl.memo["counters"] = self._counters(ctl)
        tests, held = ctl.memo["counters"]
        return carry_counts(tests, held, self.M) if tests else None

    def _counters(self, ctl: Control) -> tuple[list[tuple[Term, bool]], np.ndarray]:
        M, F, B = self.M, self.F, len(ctl.n)
        D, K, Y = self.spec.changed, self.spec.mask, self.spec.outputs
        valid = ctl.valid
        onehot = np.zeros((len(ctl.example), B), dtype=np.float32)
        onehot[np.arange(len(ctl.example)), ctl.example] = 1
        cells = np.flatnonzero(D.any(0))
        target, mask = Y[:, cells], K[:, cells]  # (B, C)
        prim, far = ctl.at_points(ctl.sources), ctl.at_points(ctl.offsets)
        found: dict[bytes, tuple] = {}  # count pattern -> (test, cost, pattern)
        for tab, rows, envs, nz in self._tests(prim, far, one="count_u"):
            count = (nz.astype(np.float32) @ onehot).astype(np.int64)  # (G, J, B)
            G, J, _ = count.shape
            for zero, n in ((False, count), (True, ctl.n - count)):
                for g, j in (divmod(q, J) for q in _counts_of(n.reshape(G * J, -1), target, mask, M)):
                    pattern = nz[g, j] != zero
                    if pattern.all() or not pattern.any():
                        continue  # counting every iteration (a ← inc(a)) or none (a constant)
                    key = pattern.tobytes()
                    if key in found and found[key][1] <= tab.costs[rows[g]]:
                        continue  # rows are by cost: a cheaper one of this pattern is kept
                    w = substitute(tab.terms[rows[g]], envs[j])
                    c = cost(w, self.costs)
                    if key not in found or c < found[key][1]:
                        found[key] = ((w, zero), c, pattern)
        kept = sorted(found.values(), key=lambda f: f[1])
        held = np.zeros((len(kept), B, F), dtype=bool)
        if kept:
            held[:, valid] = np.stack([pattern for _, _, pattern in kept])
        return [t for t, _, _ in kept], held

    def _tests(
        self, prim: list, far: list, one: str = "test_u", cross: bool = False
    ) -> Iterator[tuple[Table, np.ndarray, list[dict], np.ndarray]]:
        """Every test on every operand and operand pair (``prim`` x ``prim`` and ``prim``
        x ``far``, ``(term, values (P,))`` each): per test table, its rows (one per
        nonzero pattern, :meth:`_nonzero`), the operands each column binds, and where each
        row is nonzero at the points, ``(G, J, P)``. ``one``: the one-value test table.
        ``cross``: only the tests that read an operand of ``far`` (of it alone, and
        ``prim`` x ``far``)."""
        if not prim and not far:
            return
        ones = far if cross else [*prim, *far]
        pairs = [*([] if cross else itertools.combinations(prim, 2)), *itertools.product(prim, far)]
        jobs = [
            (one, [{"u": t} for t, _ in ones], np.stack([v for _, v in ones]) if ones else None),
            ("test_uw", [{"u": a[0], "w": b[0]} for a, b in pairs], _pair_points(prim, far, self.M, cross)),
        ]
        for name, envs, pts in jobs:
            tab, rows, nz = self._nonzero(name)
            if envs and len(rows):  # take lays the (G, J, P) rows out one after another
                yield tab, rows, envs, np.take(nz, pts.reshape(-1), axis=1).reshape(len(rows), *pts.shape)

    def conditional(self, ctl: Control, h: tuple) -> Term | None:
        """A body value ``ifz(w, e1, e2)`` for the write at ``h``, for when no expression
        of the operands writes the needed values (:meth:`_ifz`, the branches from 0, 1,
        ``M - 1`` and the operands, the test over the operands); found once per address."""
        key = ("conditional", _site(h))
        if key not in ctl.memo:
            _, need = self._address(ctl, h)
            first, far = self.operands(ctl, [], h)
            prim, far = [(t, v) for t, v, _ in first], [(t, v) for t, v, _ in far]
            ctl.memo[key] = self._ifz(need, [*self._constants(len(need)), *prim, *far], prim, far)
        return ctl.memo[key]

    def _constants(self, P: int) -> list[tuple[Term, np.ndarray]]:
        """The constants a two-way value's branch may be, 0, 1 and ``M - 1``, at ``P`` points
        (each once: at ``M = 2``, ``M - 1`` is 1)."""
        return [(const(k), np.full(P, k, dtype=np.int64)) for k in dict.fromkeys((0, 1, self.M - 1))]

    def _ifz(
        self, need: np.ndarray, arms: list, prim: list, far: list, branches: int = 32, chance: bool = False
    ) -> Term | None:
        """The cheapest value ``ifz(w, e1, e2)`` with the values ``need`` ``(P,)``: branches
        ``e1``, ``e2`` from ``arms`` (``(term, values (P,))``), between them right at every
        point, and a test ``w`` as a counter's (:meth:`_tests`, over ``prim`` and ``far``)
        that is zero where only ``e1`` is right and nonzero where only ``e2`` is; of the
        ``branches`` cheapest pairs. None if there is none.

        ``chance``: only branch pairs whose points could single out one test of those
        tried: a test is zero at a point about once in ``M``, so the points where it must be
        zero (``Z``) and nonzero (``N``) must make ``M^Z · (M / (M − 1))^N ≥ 1000 ×`` the
        tests tried (few points: a straight-line write has one per example)."""
        P = len(need)
        right = np.stack([v == need for _, v in arms])  # (E, P)
        arm_cost = np.array([self.term_cost(t) for t, _ in arms])
        partial = right.any(1) & ~right.all(1)
        a, b = np.nonzero((right[:, None] | right[None]).all(2) & partial[:, None] & partial[None])
        if not a.size:
            return None
        order = np.argsort(arm_cost[a] + arm_cost[b], kind="stable")[:branches]
        a, b = a[order], b[order]
        # per branch pair (Q, P): w must be nonzero where only e2 is right, 0 where only e1 is
        nonzero, zero = right[b] & ~right[a], right[a] & ~right[b]
        jobs = list(self._tests(prim, far))
        if chance:
            M, tried = self.M, sum(nz.shape[0] * nz.shape[1] for *_, nz in jobs) * len(a)
            keep = _chance_margin(zero.sum(1), nonzero.sum(1), M, max(tried, 1)) >= 0
            a, b, nonzero, zero = a[keep], b[keep], nonzero[keep], zero[keep]
        care, want = _words(nonzero | zero), _words(nonzero)
        tables, parts = [], []  # per test table: (table, envs); its matches and their cost bounds
        for n, (tab, rows, envs, nz) in enumerate(jobs):
            G, J, _ = nz.shape
            f = _words(nz.reshape(G * J, P))[:, None]  # (G * J, 1, W)
            gj, q = np.nonzero(_agree(f, want, care))  # (G * J, Q)
            g, j = np.divmod(gj, J)
            tables.append((tab, envs))
            # operands cost their leaves or more: a row's cost plus its arms' bounds the value's
            parts.append((np.full(len(q), n), rows[g], j, q, tab.costs[rows[g]] + arm_cost[a[q]] + arm_cost[b[q]]))
        if not parts:
            return None
        which, row, j, q, bound = (np.concatenate(x) for x in zip(*parts))
        # the cheapest, ties to the first found, tried in order of the bound until it passes
        best: tuple[int, int, Term] | None = None
        for k in np.argsort(bound, kind="stable"):
            if best is not None and (bound[k], k) > best[:2]:
                break  # sorted by bound, then order: no cheaper, nor as cheap and earlier
            tab, envs = tables[which[k]]
            t = app("ifz", substitute(tab.terms[row[k]], envs[j[k]]), arms[a[q[k]]][0], arms[b[q[k]]][0])
            c = cost(t, self.costs)
            if best is None or (c, k) < best[:2]:
                best = (c, int(k), t)
        return best[2] if best else None

    def _nonzero(self, name: str) -> tuple[Table, np.ndarray, np.ndarray]:
        """A test table's rows as tests: the cheapest row of each distinct nonzero pattern
        over the table's domain, leaving out patterns that are constant (a test that
        never or always holds) and, over two values, rows that do not read both (those are
        the one-value table's); the table, those rows, and where they are nonzero."""
        key = ("nonzero", name)
        if key not in self._tables:
            tab = self.table(name)
            nz = tab.values != 0
            _, first = np.unique(nz, axis=0, return_index=True)
            rows = np.sort(first)
            both = name != "test_uw" or np.array([reads(tab.terms[r]) >= {"u", "w"} for r in rows], dtype=bool)
            rows = rows[both & nz[rows].any(1) & ~nz[rows].all(1)]
            self._tables[key] = tab, rows, nz[rows]
        return self._tables[key]

    def loops(self, level: int) -> None:
        """Every single-loop skeleton whose structure costs ``level``, completed by solving
        for its writes; carried trajectories seen at a lower cost are not solved again."""
        self.add_exits(level)
        for ctl in self.controls():
            if ctl.cost > level:
                break
            if self.holes:
                self.open_folds(ctl, level - ctl.cost)
            self.scatters(ctl, level - ctl.cost)
            self.filters(ctl, level - ctl.cost)
            carry = self.carries(ctl, level - ctl.cost)
            if carry is None:
                continue
            self.stats.structures += carry.N
            idx = unseen(carry.hashes(ctl).tolist(), ctl.seen)
            self.stats.structure_classes += len(idx)
            if idx.size:
                self._keep_aggregates(ctl, carry, idx, level)
                self.complete(ctl, carry, idx)
                self.accumulators(ctl, carry, idx, level - ctl.cost)
                self.witnesses(ctl, carry, idx, level - ctl.cost)
            if self.budget_spent():
                return

    def accumulators(self, ctl: Control, carry: Carry, idx: np.ndarray, budget: int) -> None:
        """Two accumulators in one loop, combined after it, for a task that changes one
        cell: ``a, b ← f(a, ·), g(b, ·)``, then ``mem[k] ← a + b`` or ``a − b`` (a list's
        ``max − min``), the body writing nothing. Each accumulator is a configuration of
        one carried variable; the configurations of ``idx`` (costing ``budget``, at most
        :attr:`ACCUMULATOR_COST`) are kept per control, the first of each final value
        that differs between examples (a constant side adds nothing a single's final value
        lacks), and met in the middle against those kept so far (this budget's included): the
        other's final values follow from the target (``y − v``, ``v − y``, ``y + v``) and
        are looked up by value. Past the chance floor (``M^examples ≥ 1000 × pairs``); the
        four cheapest pairs are recorded, held until the search reaches their level (the
        control's cost and both configurations') or stops short of it."""
        D, K, Y, M = self.spec.changed, self.spec.mask, self.spec.outputs, self.M
        cells = np.flatnonzero(D.any(0))
        if len(cells) != 1 or budget > self.ACCUMULATOR_COST or "a" not in carry.traj:
            return
        c = int(cells[0])
        rows = K[:, c]
        sel = idx[idx < carry.alone]
        if not sel.size:
            return
        # the final values kept (bytes -> slot; most batches are a few rows: a dict beats
        # a SignatureSet's per-call cost) and (first slot, budget, groups, configurations)
        seen, chunks = ctl.memo.setdefault("accumulators", ({}, []))
        vals = dict(carry.finals(ctl, sel))["a"][:, rows]
        varies = (vals != vals[:, :1]).any(1)  # a constant side is a single's final value plus a constant
        sel, vals = sel[varies], vals[varies]
        if not sel.size:
            return
        before, keys = len(seen), [r.tobytes() for r in vals.astype(np.int16)]
        new = []  # the rows with final values not kept before, kept at slots before, before + 1, ...
        for k, key in enumerate(keys):
            if key not in seen:
                seen[key] = len(seen)
                new.append(k)
        new = np.array(new, dtype=np.int64)
        if not new.size:
            return
        chunks.append((before, budget, carry.groups, sel[new]))
        pairs = 3 * len(new) * len(seen)
        if float(M) ** int(rows.sum()) < CHANCE * pairs:
            return
        self.stats.completions += pairs
        v, y = vals[new], Y[rows, c]
        need = _other_side(y, v, M).reshape(-1, len(y)).astype(np.int16)
        slot = np.array([seen.get(r.tobytes(), -1) for r in need]).reshape(len(MEET_WAYS), len(new))
        way, n = np.nonzero((slot >= 0) & (slot != before + np.arange(len(new))))  # not itself
        other = slot[way, n]
        chunk = np.searchsorted([ch[0] for ch in chunks], other, side="right") - 1
        cost = budget + np.array([ch[1] for ch in chunks])[chunk]
        for q in np.argsort(cost, kind="stable")[:4]:
            (op, first), (at, _, groups, configs) = MEET_WAYS[way[q]], chunks[chunk[q]]
            a = Carry(0, {}, carry.groups).describe(int(sel[new[n[q]]]))
            b = Carry(0, {}, groups).describe(int(configs[other[q] - at]))
            b = [[_renamed(x, "a", "b") for x in part] for part in b]
            x, z = (var("a"), var("b")) if first else (var("b"), var("a"))
            term = seq(*a[0], *b[0], ctl.term(par(*a[1], *b[1])), write(const(c), app(op, x, z)))
            self.record(term, "accumulators", ctl.cost + int(cost[q]))

    def witnesses(self, ctl: Control, carry: Carry, idx: np.ndarray, budget: int) -> None:
        """A second variable that keeps an operand of the iteration where the first last
        changed: ``b ← 0; loop { a, b ← f, ifz(f − a, b, o) }`` (the cursor where a running
        maximum last rose: a list's argmax). For the one-variable configurations of ``idx``
        (costing ``budget``, at most :attr:`WITNESS_COST`), one per pattern of changes
        that is some but not every iteration, with each operand that costs as a variable
        (the element, the cursor). Only writes after the loop are solved for, so of the
        witnesses whose ``b`` ends the same, the first, and only where ``b``'s final values
        differ between examples and determine some changed cell's targets. ``b`` costs
        what a counter adds to ``a`` (``2·set + const + ifz + var``: its test follows from
        ``f``) and its operand; the programs are held for that level."""
        if budget > self.WITNESS_COST or "a" not in carry.traj or (self.spec.changed.sum(1) > 2).any():
            return  # (writes after the loop cover at most two cells)
        sel = idx[idx < carry.alone]
        a = carry.traj["a"][sel]
        changed = (a[..., 1:] != a[..., :-1]) & ctl.valid  # (n, B, F)
        keep = changed.any((1, 2)) & (changed != ctl.valid).any((1, 2))
        seen = ctl.memo.setdefault("witness changes", set())
        keep = np.flatnonzero(keep)
        if not keep.size:
            return
        keep = keep[unseen(row_hash(changed[keep].reshape(len(keep), -1)).tolist(), seen)]
        ops = [(t, c, v) for t, c, v, _ in ctl.sources if c == self.c("var")]
        if not keep.size or not ops:
            return
        sel, a, changed = sel[keep], a[keep], changed[keep]
        n, B, F = changed.shape
        last = np.maximum.accumulate(np.where(changed, np.arange(F), -1), axis=2)  # (n, B, F)
        rows, zero = np.arange(B)[None, :, None], np.zeros((n, B, 1), dtype=a.dtype)
        b = [
            np.concatenate([zero, np.where(last >= 0, v[rows, np.maximum(last, 0)], 0).astype(a.dtype)], 2)
            for _, _, v in ops
        ]
        # of witnesses whose b ends the same, the first: only writes after the loop read b
        # (one that also needs a's final values from a later configuration is not tried)
        b = np.concatenate(b)
        finals = Carry(len(b), {"b": b}, []).finals(ctl, np.arange(len(b)))[0][1]
        live = (finals != finals[:, :1]).any(1)
        K, Y = self.spec.mask, self.spec.outputs
        fits = [functional(finals[:, K[:, c]], Y[K[:, c], c][None]) for c in np.flatnonzero(self.spec.changed.any(0))]
        live = np.flatnonzero(live & np.any(fits, axis=0))  # some changed cell's targets follow from b
        live = live[unseen(row_hash(finals[live]).tolist(), ctl.memo.setdefault("witness finals", set()))]
        if not live.size:
            return

        def make(i: int) -> tuple:
            k, r = divmod(int(live[i]), n)
            inits, sets = carry.describe(int(sel[r]))
            f = next(s.args[1] for s in sets if s.args[0] == "a")
            update = app("ifz", app("sub", f, var("a")), var("b"), ops[k][0])
            return (*((s.args[0], s.args[1]) for s in inits), ("b", const(0))), (("a", f), ("b", update))

        w = Carry(len(live), {"a": np.concatenate([a] * len(ops))[live], "b": b[live]}, [(0, make)])
        self.stats.structures += w.N
        extra = 2 * self.c("set") + self.c("const") + self.c("ifz") + self.c("var")
        for k, (_, c, _) in enumerate(ops):
            part = np.flatnonzero(live // n == k)
            if part.size:
                self.complete(ctl, w, part, level=ctl.cost + budget + extra + c, bodies=False)

    def scatters(self, ctl: Control, budget: int) -> None:
        """``loop { mem[h] ← f(mem[h], o) }``, the address ``h`` an operand read from the
        data (the element: a histogram's ``mem[x] ← inc(mem[x])``), at the budget of
        ``mem[x] ← x``. A cell may be written many times, so the targets are not each
        write's value: every ``f`` of the solving table is run at once, on every example,
        for each address and operand ``o``, and the loops that leave the targets are kept.
        The cursor itself is not an address here (a write at it is a body write). The
        address may be an operand plus a constant ``k`` (a table at cell ``k`` indexed by
        the data: an inverse permutation's ``mem[(6 + mem[dec(c)])] ← dec(c)``), at the
        budget of ``mem[k + x] ← x``."""
        base = self.c("read") + 2 * self.c("var")
        if budget == base:
            offsets = [0]
        else:
            offsets = [k for k in range(1, self.M) if budget == base + self.c("add") + leaf_cost(const(k), self.costs)]
        if not offsets:
            return
        X, Y, K, M = self.spec.inputs, self.spec.outputs, self.spec.mask, self.M
        tab = self.table("uw")
        G, B = len(tab), len(ctl.n)
        hit = self.spec.changed.any(0)
        bs = np.broadcast_to(np.arange(B)[:, None], ctl.v.shape)[ctl.valid]
        at = lambda t, k: t if k == 0 else app("add", const(k), t)
        addresses = [(at(ht, k), (hv + k) % M, read_at) for ht, _, hv, read_at in ctl.sources for k in offsets]
        for ht, hv, read_at in addresses:
            cells = hv[ctl.valid]
            if read_at is None or not hit[cells].any() or not K[bs, cells].all():
                continue  # read from the data (not the cursor), reaching a changed cell and only compared ones
            times = np.bincount(bs * M + cells, minlength=B * M)
            if (self.spec.changed & (times.reshape(B, M) == 0)).any():
                continue  # a changed cell it never writes
            # a cell written once must get its target from its input: most f fail there
            once = (times[bs * M + cells] == 1) & K[bs, cells]
            start, want = X[bs[once], cells[once]] * M, Y[bs[once], cells[once]]
            for ot, _, ov, _ in ctl.sources:
                live = np.flatnonzero((tab.values[:, start + ov[ctl.valid][once]] == want).all(1))
                self.stats.structures += G
                if live.size:
                    self._scatter(ctl, tab, live, (ht, hv), (ot, ov))

    def _scatter(self, ctl: Control, tab: Table, live: np.ndarray, h: tuple, o: tuple) -> None:
        """Run ``mem[h] ← f(mem[h], o)`` for the rows ``live`` of ``tab`` on every example;
        record the loops that leave the targets."""
        X, Y, K, M = self.spec.inputs, self.spec.outputs, self.spec.mask, self.M
        (ht, hv), (ot, ov) = h, o
        mem = np.broadcast_to(X, (len(live), len(ctl.n), M)).copy()
        for t in range(int(ctl.n.max())):
            b = np.flatnonzero(ctl.valid[:, t])
            cell = hv[b, t]
            mem[:, b, cell] = tab.values[live[:, None], mem[:, b, cell] * M + ov[b, t]]
        for g in live[((mem == Y) | ~K).all((1, 2))]:
            f = substitute(tab.terms[g], {"u": read(ht), "w": ot})
            self.record(ctl.term(write(ht, f)), "loop")

    def filters(self, ctl: Control, budget: int) -> None:
        """A loop that packs the values ``v`` of the iterations where a test ``w`` is not 0
        from cell ``s`` (a filter, a compaction), then writes after the loop, in two forms:
        ``a ← s; loop { if w ≠ 0 { mem[a], a ← v, inc(a) } }``, and ``a ← s; loop { mem[a]
        ← v; if w ≠ 0 { a ← inc(a) } }`` (every value written, ``a`` moving past the kept
        ones: the last iteration's write stays, a list's terminator in a ``do`` loop).
        Solved :attr:`AHEAD` levels before the budget of the first with one-leaf parts;
        each program is held for its own level.

        The keep pattern is solved from the targets, not enumerated: walking each
        example's iterations with ``a`` from ``s``, an iteration keeps its value where it
        is the target at ``a`` and drops it where it is not; at a cell not compared, the
        example's later iterations are left open (in the second form, the last iteration
        is open too). Per start (a constant or a cell) and value (one of the loop's
        sources: the element, the cursor, the cells beside it), one pattern; kept where
        some values are kept and some dropped and at most two changed cells per example
        are left for the writes after the loop; one per distinct pattern, of the cheapest
        start and value. The test is solved for over the loop's operands and the last
        value kept, ``mem[dec(a)]`` (:meth:`_keep_tests`); the loop is then run and the
        writes after it solved (:meth:`_finish_filter`)."""
        a = var("a")
        forms = (
            lambda w, v: if_nonzero(w, par(write(a, v), assign("a", app("inc", a)))),
            lambda w, v: seq(write(a, v), if_nonzero(w, assign("a", app("inc", a)))),
        )
        if budget != self.term_cost(seq(assign("a", const(0)), forms[0](var("w"), var("x")))) - self.AHEAD:
            return
        if not self.spec.changed.any():
            return
        Y, K, M = self.spec.outputs, self.spec.mask, self.M
        starts = [(t, c, v) for t, c, v in self.inits() if c <= self.FILTER_START_COST]
        values = [(t, c, v) for t, c, v, _ in ctl.sources if c <= self.FILTER_VALUE_COST]
        if not starts or not values:
            return
        B, F = ctl.v.shape
        rows = np.arange(B)
        S, V = len(starts), len(values)
        costs = np.add.outer([c for _, c, _ in starts], [c for _, c, _ in values]).reshape(-1)
        s0 = np.repeat(np.stack([v for *_, v in starts]), V, 0) % M  # (C, B), C = S * V
        x = np.tile(np.stack([v for *_, v in values]), (S, 1, 1))  # (C, B, F)
        p = s0
        keep = np.zeros(x.shape, dtype=bool)
        care = np.zeros(x.shape, dtype=bool)
        open_ = np.ones(p.shape, dtype=bool)  # no cell left uncompared so far
        for t in range(F):
            on = ctl.valid[None, :, t] & open_
            compared = K[rows, p]
            open_ &= ~on | compared
            on &= compared
            kept = on & (x[:, :, t] == Y[rows, p])
            keep[:, :, t], care[:, :, t] = kept, on
            p = (p + kept) % M
        # a before each iteration and after the last; the cells the kept values land in
        count = np.cumsum(keep, 2)  # values kept up to each iteration, itself included
        traj = (s0[:, :, None] + np.concatenate([np.zeros((len(p), B, 1), dtype=np.int64), count], 2)) % M
        written = np.zeros((len(p), B, M), dtype=bool)
        c, b, t = np.nonzero(keep)
        written[c, b, traj[c, b, t]] = True
        points = ctl.valid.reshape(-1)
        keep_p = keep.reshape(len(p), -1)[:, points]
        # some kept, the cells left few enough for writes after the loop
        fits = (keep_p.any(1)) & ((self.spec.changed[None] & ~written).sum(2) <= 2).all(1)
        # the last value kept, mem[dec(a)], at each iteration: a kept cell's target, or the input's before s
        X = self.spec.inputs
        at, none = traj[:, :, :F], count == keep  # none: nothing kept before the iteration
        before = X[rows, (s0 - 1) % M][:, :, None]
        last_kept = np.where(none, before, Y[rows[None, :, None], at - 1]).reshape(len(p), -1)[:, points]
        final_iteration = (np.arange(F)[None] == (ctl.n - 1)[:, None]).reshape(-1)[points]
        for form, open_last in zip(forms, (False, True)):
            care_p = care.reshape(len(p), -1)[:, points] & ~(open_last & final_iteration)
            live = np.flatnonzero(fits & (care_p & ~keep_p).any(1))
            if not live.size:
                continue
            # one per keep pattern: the cheapest start and value (the first at a tie)
            live = live[np.argsort(costs[live], kind="stable")]
            _, first = np.unique(np.concatenate([keep_p[live], care_p[live]], 1), axis=0, return_index=True)
            live = live[np.sort(first)]
            for n, w in self._keep_tests(ctl, keep_p[live], care_p[live], last_kept[live]).items():
                n = int(live[n])
                self._finish_filter(ctl, seq(assign("a", starts[n // V][0]), ctl.term(form(w, values[n % V][0]))))

    def _keep_tests(self, ctl: Control, keep: np.ndarray, care: np.ndarray, last_kept: np.ndarray) -> dict[int, Term]:
        """For :meth:`filters`' keep patterns ``keep`` ``(L, P)`` (at the points ``care``),
        the cheapest test of each, a counter's (:meth:`_tests`) over the loop's operands,
        the cells the leaf ones address (``mem[x]``: a table the element looks up) and
        ``mem[dec(a)]`` (its values ``last_kept`` ``(L, P)``): nonzero wherever kept, 0
        wherever dropped, matched as bitsets; only patterns past the chance floor (``M^Z ·
        (M / (M − 1))^N ≥ 1000 ×`` the tests tried, ``Z`` the drops, ``N`` the keeps)."""
        prim, far = ctl.at_points(ctl.sources), ctl.at_points(ctl.offsets)
        X, leaf = self.spec.inputs, self.c("var")
        far += [(read(t), X[ctl.example, v]) for (t, c, _, _), (_, v) in zip(ctl.sources, prim) if c <= leaf]
        jobs = list(self._tests(prim, far))
        tried = sum(nz.shape[0] * nz.shape[1] for *_, nz in jobs)
        tried += len(self._nonzero("test_u")[1]) + len(self._nonzero("test_uw")[1]) * len(prim)  # the last kept's
        drops, keeps = (care & ~keep).sum(1), (care & keep).sum(1)
        live = np.flatnonzero(_chance_margin(drops, keeps, self.M, max(tried, 1)) >= 0)
        self.stats.structures += len(live)
        want, mask = _words(keep[live]), _words(care[live])  # (L, W)
        best: dict[int, tuple[int, Term]] = {}  # row of live -> (cost, test)

        def cheapest(tab: Table, trows: np.ndarray, envs: list, g: np.ndarray, j: np.ndarray, q: np.ndarray) -> None:
            """Keep, per row ``q`` of ``live``, the cheapest of the matches ``(g, j)``."""
            for k in np.argsort(tab.costs[trows[g]], kind="stable"):
                if int(q[k]) in best and best[int(q[k])][0] <= tab.costs[trows[g[k]]]:
                    continue  # rows are by cost: a cheaper one is kept
                w = substitute(tab.terms[trows[g[k]]], envs[j[k]])
                c = self.term_cost(w)
                if int(q[k]) not in best or c < best[int(q[k])][0]:
                    best[int(q[k])] = (c, w)

        for tab, trows, envs, nz in jobs:
            G, J, P = nz.shape
            f = _words(nz.reshape(G * J, P))[:, None]
            for at in range(0, len(live), 32):  # (G * J, 32, W) at a time
                gj, q = np.nonzero(_agree(f, want[None, at : at + 32], mask[None, at : at + 32]))
                cheapest(tab, trows, envs, gj // J, gj % J, q + at)
        # the last value kept: its values differ per pattern, so each pattern meets its own
        last, lk, P = read(app("dec", var("a"))), last_kept[live], keep.shape[1]
        near = [("test_u", [{"u": last}], lk[:, None])]  # points (L, J, P)
        if prim:
            pts = np.stack([v for _, v in prim]) * self.M + lk[:, None]
            near.append(("test_uw", [{"u": t, "w": last} for t, _ in prim], pts))
        for name, envs, pts in near:
            tab, trows, nz = self._nonzero(name)
            G, J = len(trows), pts.shape[1]
            for at in range(0, len(live), 8):
                part = pts[at : at + 8]
                f = _words(nz[:, part].reshape(-1, P)).reshape(G, len(part), J, -1)
                g, q, j = np.nonzero(_agree(f, want[None, at : at + 8, None], mask[None, at : at + 8, None]))
                cheapest(tab, trows, envs, g, j, q + at)
        return {int(live[q]): w for q, (_, w) in sorted(best.items())}

    def _finish_filter(self, ctl: Control, loop: Term) -> None:
        """Record :meth:`filters`' ``loop`` (with ``a`` set before it) with the writes
        after it. It is run first: its keep pattern was solved only where cells are
        compared, so ``a``'s final value, the cells it changes and those it leaves wrong
        come from the semantics; the writes after it are solved as for any carried
        variable (:meth:`final_writes`)."""
        X, Y, K, M = self.spec.inputs, self.spec.outputs, self.spec.mask, self.M
        mem, env = final_state(loop, X, M)
        if (mem == DIVERGED).any():
            return
        end = env["a"]
        left, written = K & (mem != Y), mem != X
        if (left.sum(1) > 2).any():
            return
        B, F = ctl.v.shape
        carry = Carry(1, {"a": np.broadcast_to(end[None, :, None], (1, B, F + 1))}, [(0, lambda i: ((), ()))])
        final = self.final_writes(ctl, carry, np.zeros(1, dtype=np.int64), left, written)[0]
        if final is not None:
            for t in self.sized(seq(loop, final)):  # a hole after the loop, at each size
                self.record(t, "filter", self.term_cost(t))

    def open_folds(self, ctl: Control, budget: int) -> None:
        """``a ← a0; loop { a ← ?(a, s) }; mem[c] ← a`` for each initial value ``a0`` and
        loop operand ``s``, when the examples change one cell ``c``. The fixed parts decide
        only the sequence of ``(a0, s)`` values the open step sees: folds showing it the
        same sequences are one class for every step, and a fold is dropped when the targets
        are not a function of its sequence (no step could fit)."""
        D, K, Y = self.spec.changed, self.spec.mask, self.spec.outputs
        cells = np.flatnonzero(D.any(0))
        if len(cells) != 1:
            return
        c = int(cells[0])
        rows = K[:, c]
        if not ctl.n[rows].any():
            return
        seen = self._folds
        for n in self.sizes:  # a step of n lines costs n
            step = budget - 2 * self.c("set") - n * self.c("hole")
            for a0, a0c, a_vals in self.inits():
                if a0c != step:
                    continue
                for src, _, svals, _ in ctl.sources:
                    seqs = np.concatenate([a_vals[:, None], np.where(ctl.valid, svals, -1)], 1)[rows]
                    key = (n, seqs.tobytes())
                    if key in seen:
                        continue
                    seen.add(key)
                    self.stats.structures += 1
                    if functional(row_hash(seqs)[None], Y[rows, c])[0]:
                        self.stats.structure_classes += 1
                        fold = ctl.term(assign("a", hole(0, var("a"), src, lines=n)))
                        self.record(seq(assign("a", a0), fold, write(const(c), var("a"))), "loop")

    def complete(self, ctl: Control, carry: Carry, idx: np.ndarray, level: int = 0, bodies: bool = True) -> None:
        """Solve for the body writes (none, one, or two: :meth:`address_pairs`) and the
        final writes of configurations ``idx``; record every skeleton that comes out
        complete (or, with ``holes``, with one hole), held for ``level`` (:meth:`record`).
        ``bodies=False``: the body writes nothing."""
        D = self.spec.changed
        before = carry.before(ctl, idx) if ctl.addresses and bodies else []
        carried = before + carry.after(ctl, idx, before) if before else []
        walks = bool((ctl.end != ctl.end[0]).any())  # else a walk's cursor is a constant after it
        sites: list[tuple] = [()]  # the body's writes: none, one, or two
        if bodies:
            sites += [(h,) for h in ctl.addresses] + self.address_pairs(ctl)
        for site in sites:
            if self.budget_spent():  # a control's sites can outlast the budget (lp_tile: 10 s past it)
                return
            if not site and not carry.traj and not walks:  # an empty body, no cursor worth using after it
                continue
            written = np.zeros_like(D)
            for h in site:
                written |= self._address(ctl, h)[0]
            left = D & ~written  # the changed cells the writes after the loop must cover
            at_carried = bool(carry.traj) and _few_left(left)
            if not at_carried and not self.final_covers_of(ctl, left, pure=not site):
                continue  # the cells the body leaves cannot all be written after the loop
            # the writes after the loop first: they fail far more configurations than the
            # body value does, on fewer points (ll_find to cost 8: none of 121 k fit)
            final = self.final_writes(ctl, carry, idx, left, written)
            live = np.array([n for n, f in enumerate(final) if f is not None], dtype=np.int64)
            values = []  # per write of the body: per configuration, its value(s)
            for h in site:
                if not live.size:
                    break
                need = self._address(ctl, h)[1]
                body = self.body_values(ctl, carried, len(idx), need, h, todo=live)
                if any(body[n] is None for n in live) and (cond := self.conditional(ctl, h)) is not None:
                    body = [cond if b is None else b for b in body]
                live = np.array([n for n in live if body[n] is not None], dtype=np.int64)
                if carry.traj and live.size:  # also the carried variables' own match (see body_values)
                    alt = self.body_values(ctl, carried, len(idx), need, h, carried_only=True, todo=live)
                    body = [b if a is None or a == b else (b, a) for b, a in zip(body, alt)]
                values.append(body)
            for n in live:
                fw = final[n]
                inits, sets = carry.describe(idx[n])
                ways = [bv[n] if isinstance(bv[n], tuple) else (bv[n],) for bv in values]
                for vs in itertools.product(*ways):
                    writes = [write(h[0], updated(v, sets)) for h, v in zip(site, vs)]
                    # a pure walk is kept when a write after it uses its cursor
                    if sets or writes or (walks and ctl.name in reads(fw)):
                        body_term = par(*sets, *writes) if sets or writes else seq()
                        for t in self.sized(seq(*inits, ctl.term(body_term), fw)):
                            self.record(t, "loop", level)

    def address_pairs(self, ctl: Control) -> list[tuple[tuple, tuple]]:
        """Bodies of two writes (a swap with a mirrored list: ``mem[i], mem[(11 − i)] ←
        mem[(11 − i)], x``), where no one write can do: each pair of the control's
        addresses that never write one cell between them on any example (so each write's
        values are solved on its own) and leave cells the writes after the loop can cover,
        when each alone leaves cells they cannot. Each write's operands are fresh for both
        (:meth:`operands`): its address, then the other write's. Built once per control."""
        if "pairs" not in ctl.memo:
            D, out = self.spec.changed, []
            cells = [self._address(ctl, h)[0] for h in ctl.addresses]
            alone = [_few_left(D & ~c) or bool(self.final_covers_of(ctl, D & ~c)) for c in cells]
            for a, b in itertools.combinations(range(len(cells)), 2):
                if alone[a] or alone[b] or (cells[a] & cells[b]).any():
                    continue
                if not self.final_covers_of(ctl, D & ~(cells[a] | cells[b])):
                    continue
                ha, hb = ctl.addresses[a], ctl.addresses[b]
                out.append(((*ha, hb), (*hb, ha)))
            ctl.memo["pairs"] = out
        return ctl.memo["pairs"]

    def _address(self, ctl: Control, h: tuple) -> tuple[np.ndarray, np.ndarray]:
        """The cells a body writing at address ``h`` writes ``(B, M)``, and the values it
        must write there, at the valid iterations ``(P,)`` (computed once per address)."""
        key = ("address", str(h[0]))
        if key not in ctl.memo:
            D, adr = self.spec.changed, h[1]
            rows = np.arange(D.shape[0])[:, None]
            written = np.zeros_like(D)
            written[np.broadcast_to(rows, adr.shape)[ctl.valid], adr[ctl.valid]] = True
            ctl.memo[key] = written, self.spec.outputs[rows, adr][ctl.valid]
        return ctl.memo[key]

    def sized(self, t: Term) -> Iterator[Term]:
        """``t`` with its holes at every combination of sizes (``t`` itself if it has none)."""
        n = len(holes(t))
        if not n:
            yield t
            return
        for sizes in itertools.product(self.sizes, repeat=n):
            yield resize(t, iter(sizes))

    def operands(self, ctl: Control, carried: list, h: tuple) -> tuple[list, list]:
        """Operands a body value writing at ``h`` may use, as :data:`~synth.solve.Operand`
        rows over the valid iterations: the control's, the carried variables (their values
        before the iteration's update: the body is simultaneous; ``(N, P)``), then the cells
        further away. A read of a cell that an earlier iteration wrote would see the written
        value, not the input's: such operands are left out. Returns (primary operands, further
        cells)."""
        key = ("operands", _site(h))
        if key not in ctl.memo:  # the control's own operands: one row (P,) each
            flat = ctl.valid.reshape(-1)
            adr = h[1] if len(h) == 2 else np.stack([h[1], h[2][1]])  # fresh for both writes of a pair
            sources, offsets = ctl.fresh(_site(h), adr)
            ctl.memo[key] = tuple([(t, v.reshape(-1)[flat], False) for t, v in part] for part in (sources, offsets))
        first, far = ctl.memo[key]
        return [*first[:2], *((var(name), v, True) for name, v in carried), *first[2:]], far

    def solve(
        self, N: int, need: np.ndarray, choices: Iterable[Choice], holes: Iterable[Choice], memo: dict, todo=None
    ) -> list[Term | None]:
        """:func:`synth.solve.solve` with ``holes`` if holes are on, counting its comparisons."""
        out, compared = solve(N, need, choices, holes if self.holes else (), memo, todo)
        self.stats.completions += compared
        return out

    def body_values(
        self,
        ctl: Control,
        carried: list[tuple[str, np.ndarray]],
        N: int,
        need: np.ndarray,
        h: tuple,
        carried_only: bool = False,
        todo: np.ndarray | None = None,
    ) -> list[Term | None]:
        """For each of ``N`` configurations (of ``todo``, default all), the cheapest value
        expression with the needed value ``need`` ``(P,)`` at every valid iteration (of one
        operand, then of two), a hole, or None. ``carried``: the carried variables' values
        before each valid iteration (:meth:`Carry.before`).

        ``carried_only``: a function of one carried variable alone (no holes). The first
        match above can be a function of the element even when a carried variable holds the
        value (``mem[p] ← inc(mem[p])`` beside ``a ← inc(mem[0])``), which leaves the variable
        dead; this match keeps the program that computes the value once."""
        M = self.M
        ops, far = self.operands(ctl, carried, h)
        if carried_only:
            ops, far = [o for o in ops if o[2]], []
        u, uw, um = self.table("u"), self.table("uw"), self.table("um")
        base = ctl.example * M  # a memory-reading table's row of each valid point's example

        def pairs():
            return itertools.chain(itertools.combinations(ops, 2), itertools.product(ops, far))

        deep = self.table("u_deep")
        choices = itertools.chain(  # built as they are tried: most never are
            (choice(u, {"u": t}, v, d) for t, v, d in [*ops, *far]),
            (pair_choice(uw, a, b, M) for a, b in pairs()),
            (choice(um, {"u": t}, v, d, base=base) for t, v, d in ops),
            # then deeper functions of one operand, where it takes values enough to rule out chance
            (choice(deep, {"u": t}, v, d) for t, v, d in ops if not d and _past_chance(v, len(deep), M)),
        )
        holes = (pair_choice(None, a, b, M) for a, b in pairs()) if not carried_only else ()
        memo = ctl.memo.setdefault(("body", _site(h), carried_only), {})
        return self.solve(N, need, choices, holes, memo, todo)

    def final_writes(self, ctl, carry, idx, left, written: np.ndarray, max_cells: int = 2) -> list[Term | None]:
        """For each configuration ``idx``, writes after the loop that
        leave every cell in ``left`` at its target (``seq()`` if there is none to make), or
        None. ``written``: the cells the body writes ``(B, M)``.

        The addresses are constant cells, or (when those fail) the loop's final cursor
        ``i``, ``inc(i)`` or ``dec(i)`` (:meth:`final_covers`), or (when neither can cover)
        a carried variable's final value (:meth:`carried_covers`); the values are functions of
        the loop's final values (carried variables, the cursor) and then of the cells the
        body left at the input: at the final cursor and fixed ones (:meth:`final_reads`). A
        configuration one write fails is not solved for the next."""
        N = len(idx)
        if not left.any():
            return [seq()] * N
        out: list[Term | None] = [None] * N
        covers = self.final_covers_of(ctl, left, max_cells, pure=not written.any())
        carried = carry.finals(ctl, idx)
        if not covers and not carried:  # no way to write the cells left: no configuration is solved
            return out
        is_open = np.ones(N, dtype=bool)  # the configurations not yet solved
        finals = [(var(n), v, True) for n, v in carried]
        finals.append((var(ctl.name), ctl.end, False))
        extra = self.final_reads(ctl, written)
        groups = itertools.chain(
            ((cover, None) for cover in covers),
            # a carried variable's address only where the constant cells and the cursor cannot cover
            () if covers else self.carried_covers(carried, left, np.arange(N), max_cells),
        )
        for cover, group in groups:
            open_ = np.flatnonzero(is_open) if group is None else group[is_open[group]]
            per_write: list[dict[int, Term]] = []  # per write of the cover: configuration -> write
            for adr, rows, need in cover:
                if not open_.size:
                    break
                vals = self._final_value(ctl, adr, rows, need, finals, extra, bool(written.any()), open_)
                made: dict[int, Term] = {}  # one write term per distinct value term
                for e in vals:
                    if e is not None and id(e) not in made:
                        made[id(e)] = write(adr, e)
                per_write.append({int(q): made[id(e)] for q, e in zip(open_, vals) if e is not None})
                open_ = open_[np.array([e is not None for e in vals], dtype=bool)]
            for q in open_:
                out[q] = par(*(pw[q] for pw in per_write))
            is_open[open_] = False
            if not is_open.any():
                break
        return out

    def carried_covers(self, finals: list, left: np.ndarray, todo: np.ndarray, max_cells: int) -> Iterator[tuple]:
        """Covers (as :meth:`final_covers`) with one write at a carried variable's final
        value ``a``, ``inc(a)`` or ``dec(a)`` and the rest at constant cells, for when the
        control's own cannot cover the cells left (``p ← 0; repeat mem[1] times { p ←
        mem[p] }; mem[p] ← 0``). Each comes with the configurations of ``todo`` where its
        address is compared on two examples or more, is not the same on all, and writes a
        changed cell no constant write covers; its value must fit the examples that compare
        its cell (a write the example does not compare is free: a filter that runs on an
        empty list's junk ends there); grouped by the cells it addresses (tried per variable
        in the order ``a``, ``inc(a)``, ``dec(a)``, and by those cells)."""
        Y, K, X = self.spec.outputs, self.spec.mask, self.spec.inputs
        if not finals or not _few_left(left, max_cells):
            return
        rows = np.arange(len(Y))
        ways = [(name, op, F) for name, F in finals for op in ("var", "inc", "dec")]
        ats = np.stack([at_cursor(op, F[todo], X, self.M) for _, op, F in ways])  # (ways, n, B)
        ok = (K[rows, ats].sum(-1) >= 2) & (ats != ats[..., :1]).any(-1) & left[rows, ats].any(-1)  # (ways, n)
        for w in np.flatnonzero(ok.any(1)):
            sel = np.flatnonzero(ok[w])
            at, pick = ats[w, sel], np.arange(sel.size)[:, None]
            rest = np.repeat(left[None], sel.size, 0)
            rest[pick, rows, at] = False
            fixed = rest.any(1)  # (n, M): the cells left for constant writes
            own = left[rows, at] & ~fixed[pick, at]  # a cell left that only this write covers
            fits = (fixed.sum(1) + 1 <= max_cells) & own.any(1)
            sel, at, fixed = sel[fits], at[fits], fixed[fits]
            if not sel.size:
                continue
            name, op, _ = ways[w]
            adr = var(name) if op == "var" else app(op, var(name))
            # the cells a configuration addresses decide its constant writes: group by them alone
            _, first, inv = np.unique(at, axis=0, return_index=True, return_inverse=True)
            inv = inv.reshape(-1)  # numpy 2.0.0 gave it another shape
            for g, f in enumerate(first):
                on = K[rows, at[f]]
                cover = [*self._const_writes(np.flatnonzero(fixed[f])), (adr, on, Y[rows, at[f]][on])]
                yield cover, todo[sel[inv == g]]

    def _const_writes(self, cells: Iterable[int]) -> list[tuple]:
        """Writes after the loop at the constant cells ``cells``, as a cover's parts
        (:meth:`final_covers`): the address, the examples that compare the cell, and its
        targets there."""
        Y, K = self.spec.outputs, self.spec.mask
        return [(const(c), K[:, c], Y[K[:, c], c]) for c in cells]

    def final_covers_of(self, ctl: Control, left: np.ndarray, max_cells: int = 2, pure: bool = False) -> list[list]:
        """:meth:`final_covers`, kept per control and cells left (the same for every batch
        of a control and body address); empty when no writes after the loop can finish.
        ``pure``: the body writes nothing (pointer addresses may then serve)."""
        key = ("final covers", left.tobytes(), max_cells, pure)
        if key not in ctl.memo:
            ctl.memo[key] = list(self.final_covers(ctl, left, max_cells, pure))
        return ctl.memo[key]

    def final_covers(self, ctl: Control, left: np.ndarray, max_cells: int, pure: bool = False) -> Iterator[list]:
        """Ways to write the cells ``left`` ``(B, M)`` after the loop with at most
        ``max_cells`` writes, each ``[(address, rows of the examples it must fit (B,),
        needed values there)]``: constant cells alone first (as many as there are changed
        cells), then covers that write at the final cursor (one of :meth:`final_addresses`
        per write, each covering a cell left), the rest at constant cells, cheapest
        addresses first; after a body that writes nothing (``pure``), and only when those
        give none, covers with a write at a pointer read from a fixed cell
        (:meth:`pointer_addresses`).
        A cursor write may hit a constant write's cell on some examples (a one-element
        list's first and last): both must write the cell's target there."""
        rows = np.arange(len(self.spec.outputs))
        hit = lambda adrs: [(t, at) for t, at in adrs if left[rows, at].any()]  # covering a cell left
        cells = np.flatnonzero(left.any(0))
        cursor = hit(self.final_addresses(ctl))
        own = [self._const_writes(cells)] if len(cells) <= max_cells else []
        own += self._address_covers(cursor, left, max_cells)
        yield from own
        if pure and not own:
            pointers = hit(self.pointer_addresses())
            ids = {id(t) for t, _ in pointers}
            some = lambda s: any(id(t) in ids for t, _ in s)  # a pointer among the writes
            yield from self._address_covers(cursor + pointers, left, max_cells, some)

    def _address_covers(self, hits: list, left: np.ndarray, max_cells: int, keep=None) -> list[list]:
        """Covers (as :meth:`final_covers`) of one to ``max_cells`` writes at the addresses
        ``hits`` (sets of them that ``keep`` passes, if given), the cells left over at
        constant cells, cheapest addresses first (fewer writes first at a tie)."""
        Y = self.spec.outputs
        B = len(Y)
        combos = [s for k in range(1, max_cells + 1) for s in itertools.combinations(hits, k)]
        combos = [s for s in combos if keep is None or keep(s)]
        combos.sort(key=lambda s: sum(cost(t, self.costs) for t, _ in s))  # stable: fewer writes first at a tie
        everywhere, out = np.ones(B, dtype=bool), []
        for s in combos:
            rest = left.copy()
            for _, at in s:
                rest[np.arange(B), at] = False
            fixed = np.flatnonzero(rest.any(0))
            if len(fixed) + len(s) <= max_cells:
                out.append([*self._const_writes(fixed), *((t, everywhere, Y[np.arange(B), at]) for t, at in s)])
        return out

    def final_cursor(self, ctl: Control) -> list[tuple[Term, np.ndarray]]:
        """The loop's final cursor ``v`` and its neighbours ``inc(v)``, ``dec(v)`` (those a
        body reads), each with the cell it addresses on each example ``(B,)`` (built once
        per control)."""
        if "final cursor" not in ctl.memo:
            ctl.memo["final cursor"] = self._around(var(ctl.name), ctl.end)
        return ctl.memo["final cursor"]

    def _around(self, t: Term, at: np.ndarray) -> list[tuple[Term, np.ndarray]]:
        """``t``, ``inc(t)`` and ``dec(t)`` for an address ``t`` of the cells ``at`` ``(B,)``,
        each with the cell it addresses on each example."""
        X, M = self.spec.inputs, self.M
        return [(t if op == "var" else app(op, t), at_cursor(op, at, X, M)) for op in ("var", "inc", "dec")]

    def _addressable(self, adrs: list[tuple[Term, np.ndarray]]) -> list[tuple[Term, np.ndarray]]:
        """The addresses whose cell differs between examples (else a constant cell is the
        same write) and is compared on every example."""
        K = self.spec.mask
        rows = np.arange(len(K))
        return [(t, at) for t, at in adrs if (at != at[0]).any() and K[rows, at].all()]

    def final_addresses(self, ctl: Control) -> list[tuple[Term, np.ndarray]]:
        """Addresses after the loop at its final cursor (:meth:`final_cursor`) with the
        cells they address, those :meth:`_addressable`."""
        return self._addressable(self.final_cursor(ctl))

    def pointer_addresses(self) -> list[tuple[Term, np.ndarray]]:
        """Addresses after a loop read from a fixed cell, ``mem[k]``, ``inc(mem[k])`` and
        ``dec(mem[k])`` (a list's head, whose node a walk to the tail leaves behind), with
        the cells they address on the input, kept as :meth:`final_addresses` keeps the
        cursor's (built once). They hold after a loop whose body writes nothing (the
        ``pure`` covers of :meth:`final_covers`)."""
        if not hasattr(self, "_pointers"):
            X = self.spec.inputs
            self._pointers = self._addressable([a for k in range(self.M) for a in self._around(cell(k), X[:, k])])
        return self._pointers

    def final_reads(self, ctl: Control, written: np.ndarray) -> list[tuple[Term, np.ndarray, bool]]:
        """Cells a final write's value may read besides the loop's final values: at the
        final cursor (``mem[v]``, ``mem[inc(v)]``, ``mem[dec(v)]``), then fixed cells
        ``mem[k]`` (read only by a write not at a constant cell, at the cursor or a carried
        variable, after a body that writes nothing);
        ``(term, values (B,), at the cursor)``. A read at the cursor must reach different
        cells on different examples (else it is a fixed cell); every read is of cells the
        body writes on no example (the solving sees the input's memory), one per distinct
        value array that is not the same on every example (a constant is a leaf of every
        table)."""
        key = ("final reads", written.tobytes())
        if key not in ctl.memo:
            X, M = self.spec.inputs, self.M
            rows = np.arange(len(X))
            cursor = self.final_cursor(ctl)
            terms = [*(read(t) for t, _ in cursor), *(t for t, _ in self._cells)]
            near = np.arange(len(terms)) < len(cursor)
            at = np.concatenate([np.stack([a for _, a in cursor]), np.broadcast_to(np.arange(M)[:, None], (M, len(X)))])
            vals = X[rows, at]  # every candidate at once, (K, B)
            # at the cursor, the same cell on every example is a fixed cell
            drop = (near & (at == at[:, :1]).all(1)) | written[rows, at].any(1) | (vals == vals[:, :1]).all(1)
            seen, out = {ctl.end.tobytes()}, []
            for k in np.flatnonzero(~drop):
                if (key_k := vals[k].tobytes()) not in seen:
                    seen.add(key_k)
                    out.append((terms[k], vals[k], bool(near[k])))
            ctl.memo[key] = out
        return ctl.memo[key]

    def _final_value(self, ctl, adr, rows, need, finals, extra, body_writes: bool, todo: np.ndarray) -> list:
        """The cheapest value for one write after the loop at ``adr``, per configuration of
        ``todo`` (in its order; the carried values are sliced to them first, as most calls
        solve for a few of many configurations):
        a function of one of the loop's final values ``finals``, or of a cell at the final
        cursor; without body writes, one that reads memory, or (for a write not at a
        constant cell) a fixed cell, as memory is still the input's; then of two final
        values, or of a final value and a cell at the cursor; a hole over a final value; or
        None. ``extra``: :meth:`final_reads`; ``rows``: the examples it must fit. What the
        static choices give is kept per address and ``need`` (a carried variable's address
        needs other values for each group of :meth:`carried_covers`)."""
        M = self.M
        u, uw, um = self.table("u"), self.table("uw"), self.table("um")
        ops = [(t, v[todo][:, rows] if d else v[rows], d) for t, v, d in finals]
        cur = [(t, v[rows], False) for t, v, near in extra if near]
        at_cell = adr.op == "const"  # a fixed cell's value there is a straight-line write, not the loop's
        base = np.flatnonzero(rows) * M
        fixed = [] if body_writes or at_cell else [x for x in extra if not x[2]]  # fixed cells' values
        choices = itertools.chain(
            (choice(u, {"u": t}, v, d) for t, v, d in ops),
            (choice(u, {"u": t}, v[rows], False) for t, v, near in extra if near),
            # memory is still the input's only without body writes: then memory-reading functions apply
            (choice(um, {"u": t}, v, d, base=base) for t, v, d in ops if not body_writes),
            (choice(u, {"u": t}, v[rows], False) for t, v, _ in fixed),
            (choice(um, {"u": t}, v[rows], False, base=base) for t, v, _ in fixed),
            (pair_choice(uw, a, b, M) for a, b in itertools.combinations(ops, 2)),
            (pair_choice(uw, a, b, M) for a in ops for b in cur),
        )
        holes = (choice(None, (t,), v, d) for t, v, d in ops)
        key = ("final", str(adr), rows.tobytes(), need.tobytes(), body_writes, tuple(str(t) for t, _, _ in extra))
        memo = ctl.memo.setdefault(key, {})
        return self.solve(len(todo), need, choices, holes, memo)

    # ------------------------------------------------------------------ nested loops

    def nested(self, level: int) -> None:
        """``for i in list@s { for j in list@(i+1) { mem[i], mem[j] ← f, g } }`` (and the
        pass-over-neighbours variant) with ``f``, ``g`` functions of the two cells; the
        structure's cost is the start's and ``f``'s and ``g``'s, plus one for a loop in a
        loop (and one more for the variant). Candidates are run on the two examples with
        the longest lists first; only those right there are run on all of them."""
        X, M = self.spec.inputs, self.M
        pts = np.arange(M * M)
        first = np.argsort(-(X != 0).sum(1), kind="stable")[:2]
        for s in range(min(3, M)):
            for extra, inner in enumerate(("after", "pairs")):
                k = level - leaf_cost(const(s), self.costs) - extra - 1
                for kf in range(max(1, k - 4), min(k, 5)):  # f and g cost at most 4 each
                    tf, tg = self.level("uw", kf), self.level("uw", k - kf)
                    if not len(tf) or not len(tg):
                        continue
                    f, g = np.repeat(np.arange(len(tf)), len(tg)), np.tile(np.arange(len(tg)), len(tf))
                    keep = (tf.values[f] != pts // M).any(1) | (tg.values[g] != pts % M).any(1)
                    f, g = f[keep], g[keep]
                    if not f.size:
                        continue
                    self.stats.structures += len(f)
                    out, ok = run_nested(s, inner, tf.values[f], tg.values[g], X[first], M, self.F * self.F)
                    right = (out == self.spec.outputs[first]) | ~self.spec.mask[first]
                    f, g = f[ok & right.all((1, 2))], g[ok & right.all((1, 2))]
                    out, ok = run_nested(s, inner, tf.values[f], tg.values[g], X, M, self.F * self.F)
                    for q in np.flatnonzero(ok & self.spec.correct(out).all(1)):
                        self.record(self._nested_term(s, inner, tf.terms[f[q]], tg.terms[g[q]]), "nested")
                    if self.budget_spent():
                        return

    @staticmethod
    def _nested_term(s: int, inner: str, f: Term, g: Term) -> Term:
        """The nested loop writing ``f`` and ``g`` (functions of ``u``, ``w``: the two
        cells). A write of a cell's own value is left out; and when the inner loop of
        ``after`` writes only ``mem[i]``, it is the fold it is, carried in a variable
        (``a ← x; for j, y in … { a ← f(a, y) }; mem[i] ← a``), which lowers to fewer lines."""
        u, w = var("u"), var("w")
        if inner == "after":
            inner_list = functools.partial(for_list, "j", "y", app("inc", var("i")))
            if g == w:
                fold = inner_list(assign("a", substitute(f, {"u": var("a"), "w": var("y")})))
                body = seq(assign("a", var("x")), fold, write(var("i"), var("a")))
                return for_list("i", "x", const(s), body)
            env = {"u": read(var("i")), "w": var("y")}
            writes = [write(var("i"), substitute(f, env))] if f != u else []
            return for_list("i", "x", const(s), inner_list(par(*writes, write(var("j"), substitute(g, env)))))
        nxt = app("inc", var("j"))
        env = {"u": var("y"), "w": read(nxt)}
        writes = [write(at, substitute(e, env)) for at, e, same in ((var("j"), f, u), (nxt, g, w)) if e != same]
        inner_loop = while_loop("j", const(s), read(nxt), nxt, seq(assign("y", read(var("j"))), par(*writes)))
        return for_list("i", "x", const(s), inner_loop)

    # -------------------------------------------------------------------------- driver

    def run(self) -> None:
        t0 = time.perf_counter()
        solved_at = None
        for level in range(1, self.cfg.max_cost + 1):
            self.stats.max_cost = self.current = level
            self._release(level)
            self.straight_line(level)
            self.guarded(level)
            self.loops(level)
            if not self.stop:
                self.nested(level)
            if self.progress is not None:
                self.progress(level, self.stats)
            if self.stop or self.budget_spent():
                break
            if solved_at is None and self.solved:
                solved_at = level
            if self.cfg.stop_when_solved and solved_at is not None and level >= solved_at + self.cfg.extra_levels:
                self.stop = "solved"
                break
        self.stats.stopped = self.stop or "max_cost"
        if self.stop != "solved":  # out of time or levels: what was found ahead is all there is
            self._release(float("inf") if self.cfg.release_held else self.cfg.max_cost)
        banks = (self.mem, self.u, self.uw, self.um)
        self.stats.enumerated_expressions = sum(b.enumerated for b in banks)
        self.stats.expression_classes = sum(len(b) for b in banks)
        self.stats.seconds = time.perf_counter() - t0


def _site(h: tuple) -> str:
    """A body write's key: its address, and the other write's where the body has two
    (its operands are fresh for both)."""
    return str(h[0]) if len(h) == 2 else f"{h[0]} beside {h[2][0]}"


def _words(bits: np.ndarray) -> np.ndarray:
    """Rows of booleans ``(N, P)`` as bitsets ``(N, W)`` of 64-bit words."""
    b = np.packbits(bits, axis=-1, bitorder="little")
    out = np.zeros((len(b), max(1, -(-b.shape[1] // 8))), dtype=np.uint64)  # at least one word
    out.view(np.uint8)[:, : b.shape[1]] = b
    return out


def _agree(f: np.ndarray, want: np.ndarray, care: np.ndarray) -> np.ndarray:
    """Whether bitsets ``f`` (:func:`_words`) equal ``want`` at every bit ``care`` sets;
    broadcast over the leading axes, the words' axis last."""
    return (((f ^ want) & care) == 0).all(-1)


def _cheapest_distinct(costs: list[int], keys: np.ndarray, seen: set[bytes]) -> list[int]:
    """Of the rows of ``keys`` ``(K, P)`` with the same values, and none in ``seen``, the
    cheapest by ``costs`` (the first at a tie), in row order; their keys join ``seen``."""
    kept = []
    for i in sorted(range(len(costs)), key=costs.__getitem__):
        if (key := keys[i].tobytes()) not in seen:
            seen.add(key)
            kept.append(i)
    return sorted(kept)


def _cheapest_per_key(keys: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """The row of each distinct key ``(N,)`` with the lowest cost (the first at a tie), in
    key order."""
    order = np.lexsort((np.arange(len(keys)), costs, keys))
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[order][1:] != keys[order][:-1]
    return order[first]


def _cheapest_patterns(hit: np.ndarray, adr: np.ndarray, costs: np.ndarray, limit: int) -> np.ndarray:
    """Of writes at addresses ``adr`` ``(W, B)`` covering the changed cells ``hit``
    ``(W, B)``, the cheapest per pattern of cells covered (the first at a tie), and of
    those the ``limit`` cheapest patterns: their rows, in row order."""
    best = _cheapest_per_key(row_hash(np.where(hit, adr, -1)), costs)
    return np.sort(best[np.lexsort((best, costs[best]))][:limit])


def _pair_points(prim: list, far: list, M: int, cross: bool = False) -> np.ndarray:
    """The points ``a * M + b`` of the operand pairs of :meth:`Search._tests` ``(J, P)``,
    in its order: ``prim`` x ``prim`` (each pair once; not with ``cross``), then ``prim``
    x ``far`` (operands ``(term, values (P,))``; ``prim`` or ``far`` may be empty, not
    both)."""
    P = len((prim or far)[0][1])
    a = np.stack([v for _, v in prim]) if prim else np.zeros((0, P), dtype=np.int64)
    b = np.stack([v for _, v in far]) if far else np.zeros((0, P), dtype=np.int64)
    i, j = np.triu_indices(0 if cross else len(a), 1)  # row by row, as itertools.combinations
    return np.concatenate([a[i] * M + a[j], (a[:, None] * M + b[None]).reshape(len(a) * len(b), P)])


def _chance_margin(zero, nonzero, M: int, tried):
    """How far a solved-for test (a two-way value's, a guard's) is past the chance floor,
    in logs: a test is 0 at a point about once in ``M``, so one of ``tried`` tests matches
    ``zero`` points where it must be 0 and ``nonzero`` where it must not by chance unless
    ``M^zero · (M / (M − 1))^nonzero ≥ CHANCE × tried`` (margin ≥ 0). Elementwise."""
    return zero * np.log(M) + nonzero * np.log(M / (M - 1)) - np.log(CHANCE * tried)


def _past_chance(v: np.ndarray, rows: int, M: int) -> bool:
    """Whether a table of ``rows`` functions of one value is unlikely to fit needs at the
    points ``v`` by chance: ``M^d ≥ CHANCE × rows`` for the ``d`` distinct values of ``v``."""
    return float(M) ** len(np.unique(v)) >= CHANCE * rows


def _other_side(y: np.ndarray, v: np.ndarray, M: int) -> np.ndarray:
    """For a sum or difference ``e ± f`` met in the middle with the target values ``y``
    ``(B,)``: the values ``f`` must have for each side ``e`` of values ``v`` ``(n, B)``,
    one slab per way of :data:`MEET_WAYS` ``(3, n, B)``."""
    return np.stack([y - v, v - y, y + v]) % M


def _renamed(s: Term, old: str, new: str) -> Term:
    """The set ``old ← e`` as ``new ← e`` with ``old`` read as ``new``."""
    return assign(new, substitute(s.args[1], {old: var(new)}))


def _few_left(left: np.ndarray, max_cells: int = 2) -> bool:
    """Whether writes after a loop could cover ``left`` ``(B, M)``: no example has more
    cells left than there are writes."""
    return bool((left.sum(1) <= max_cells).all())


def _counts_of(n: np.ndarray, target: np.ndarray, mask: np.ndarray, M: int) -> list[int]:
    """The rows ``q`` whose counts ``n[q]`` ``(Q, B)`` are some cell's targets (``target``,
    ``mask``: ``(B, C)``) less a constant on every example that compares the cell. A cell
    compared on too few examples for a match among ``Q`` rows to mean anything
    (``M^(examples − 1) < 1000·Q``) is passed over. Examples are compared one at a time,
    each against the rows left."""
    Q = len(n)
    out: set[int] = set()
    for c in range(target.shape[1]):
        rows = np.flatnonzero(mask[:, c])
        if not rows.size or float(M) ** (rows.size - 1) < CHANCE * Q:
            continue
        left = np.arange(Q)
        k = (target[rows[0], c] - n[:, rows[0]]) % M
        for b in rows[1:]:
            left = left[(target[b, c] - n[left, b]) % M == k[left]]
            if not left.size:
                break
        out.update(left.tolist())
    return sorted(out)


@dataclasses.dataclass(frozen=True)
class _Runs:
    """Where tests are nonzero at a control's points ``(Q, P)``, the points example by
    example; ``n``: each example's iterations ``(B,)``."""

    nz: np.ndarray
    n: np.ndarray
    everyone: dict = dataclasses.field(default_factory=dict)  # (b, zero) -> stop of every row

    @functools.cached_property
    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Each example's points ``(B, T + 1)`` (T: the longest run; any point past a
        run's end), and where the run has ended (there every exit stops)."""
        t = np.arange(int(self.n.max(initial=0)) + 1)
        starts = np.cumsum(self.n) - self.n
        return np.minimum(starts[:, None] + t, max(self.nz.shape[1] - 1, 0)), t >= self.n[:, None]

    def stop_all(self, b: int, zero: bool) -> np.ndarray:
        """:meth:`stop` of every row on example ``b`` (computed once: each cell starts from
        every row)."""
        if (b, zero) not in self.everyone:
            self.everyone[b, zero] = self.stop(slice(None), zero, b)
        return self.everyone[b, zero]

    def stop(self, rows: np.ndarray | slice, zero: bool, b: int | None = None) -> np.ndarray:
        """How many iterations the exits ``rows`` run on example ``b`` ``(len(rows),)``, or
        on every example ``(len(rows), B)``: up to the first where the test is nonzero
        (``zero``: zero), or all (the first point where the test holds or the run ended)."""
        at, ended = self.points if b is None else (self.points[0][b], self.points[1][b])
        nz = self.nz[rows]  # the rows, then their points (two takes: faster than one broadcast gather)
        if not nz.shape[1]:  # no run has a point
            return np.zeros((len(nz), *at.shape[:-1]), dtype=np.int64)
        hit = np.take(nz, at.reshape(-1), axis=1).reshape(len(nz), *at.shape)
        return ((hit != zero) | ended).argmax(-1)


def _stops_of(
    runs: _Runs,
    target: np.ndarray,
    mask: np.ndarray,
    changed: np.ndarray,
    at: np.ndarray,
    M: int,
    ways: set[tuple[int, int]] | None = None,
) -> list[tuple[int, bool]]:
    """The exits ``(row, zero)`` of ``runs`` after which some cell's targets (``target``,
    ``mask``, ``changed``: ``(B, C)``) are the iterations run plus a constant, or are
    ``a[b, iterations run]`` for one of the arrays ``at`` (each ``(B, T)``: the cell at
    the cursor, the cursor), on every example that compares the cell: of the cells past
    the chance floor (:func:`_chance`), each way of matching (way 0 by count, way ``k``
    by ``at[k - 1]``), stopping where nonzero and where zero (:func:`_agreeing`).
    ``ways``: only these ``(cell, way)`` (default all; :func:`_ways`)."""
    Q = len(runs.nz)
    out: set[tuple[int, bool]] = set()
    for c in np.flatnonzero(_chance(changed, M, Q, 1 + len(at))):
        for way, cell_at in enumerate((None, *at)):
            if ways is not None and (c, way) not in ways:
                continue
            rows = _compared(mask, changed, c)
            for zero in (False, True):
                left = _agreeing(runs, rows, target[:, c], zero, cell_at, M, cut=max(64, Q // 64))
                out.update((int(q), zero) for q in left)
    return sorted(out)


def _stops_at_change(runs: _Runs, D: np.ndarray, cursor: np.ndarray, M: int) -> list[tuple[int, bool]]:
    """The exits ``(row, zero)`` of ``runs`` that stop where the change is: the cursor
    there (``cursor``, ``(B, T)``) is, on every example that changes a cell (``D``,
    ``(B, M)``), its first changed cell, or on every one its last (a loop that finds a
    place and a write after it at the cursor: the first element equal to a value set to
    0). Past the same chance floor as :func:`_stops_of`, counting the examples that
    change a cell."""
    rows = np.flatnonzero(D.any(1))
    Q = len(runs.nz)
    if not _chance(D.any(1)[:, None], M, Q, 2)[0]:
        return []
    first, last = D.argmax(1), M - 1 - D[:, ::-1].argmax(1)
    out: set[tuple[int, bool]] = set()
    for target in (first, last) if (first != last)[rows].any() else (first,):
        for zero in (False, True):
            left = _agreeing(runs, rows, target, zero, cursor, M, cut=max(64, Q // 64))
            out.update((int(q), zero) for q in left)
    return sorted(out)


def _chance(changed: np.ndarray, M: int, Q: int, ways: int) -> np.ndarray:
    """The cells ``(C,)`` whose changes (``changed``: ``(B, C)``) can single out an exit
    among ``Q`` rows, stopping where nonzero or zero, matched ``ways`` ways: ``M^(examples
    − 1) ≥ 1000·2·ways·Q``. Only examples where the cell changes count: where it keeps its
    value, often a 0, an exit matches by pointing at it."""
    return np.array([float(M) ** (int(k) - 1) >= CHANCE * Q * 2 * ways for k in changed.sum(0)], dtype=bool)


def _ways(
    stops: np.ndarray, target: np.ndarray, mask: np.ndarray, at: tuple[np.ndarray, ...], M: int, cells: np.ndarray
) -> set[tuple[int, int]]:
    """The ways ``(cell, way)`` of :func:`_stops_of` that some exit meets on every example
    that compares the cell, of the ``cells`` ``(C,)`` marked (no chance floor, no cut);
    ``stops``: the iterations each exit runs on each example ``(Q, B)`` (:meth:`_Runs.stop`,
    either way). Whether a row meets a way depends only on where it stops:
    :func:`_stops_of` limited to the ways some rows meet finds every row that stops where
    one of them does. Every row, example and cell at once, on the distinct stops (meant
    for the few rows of cheap exits)."""
    B, C = target.shape
    first = mask.argmax(0)  # an example that compares the cell (if any does)
    n = _distinct(stops)  # (Q, B): rows that stop alike meet alike
    count = (target - n[:, :, None]) % M  # a constant on every example, or not
    hits = [count == count[:, first, np.arange(C)][:, None]]
    hits += [a[np.arange(B), n][:, :, None] == target for a in at]  # (Q, B, C) each
    out: set[tuple[int, int]] = set()
    for way, hit in enumerate(hits):
        met = (hit | ~mask).all(1).any(0) & cells
        out.update((int(c), way) for c in np.flatnonzero(met))
    return out


def _distinct(x: np.ndarray) -> np.ndarray:
    """The distinct rows of ``x`` (by hash, confirmed on the rows: all of them if two
    differ under one hash), in no particular order."""
    _, first, inverse = np.unique(row_hash(x), return_index=True, return_inverse=True)
    return x[first] if (x[first[inverse.reshape(-1)]] == x).all() else x


def _compared(mask: np.ndarray, changed: np.ndarray, c: int) -> np.ndarray:
    """The examples that compare cell ``c``, those where it changes first (they prune)."""
    rows = np.flatnonzero(mask[:, c])
    return rows[np.argsort(~changed[rows, c], kind="stable")]


def _agreeing(
    runs: _Runs,
    rows: np.ndarray,
    target: np.ndarray,
    zero: bool,
    at: np.ndarray | None,
    M: int,
    cut: int,
) -> np.ndarray:
    """The exits of ``runs`` after which ``target`` ``(B,)`` is, on every example of
    ``rows``, the iterations run plus a constant (``at`` None) or ``at[b, iterations
    run]`` (``(B, T)``: the cell at the cursor, or the cursor, where the exit stops).
    Examples are compared one at a time, against the rows left; when after six more than
    ``cut`` are left, the examples do not single out a test, and none is returned."""
    left, k = np.arange(len(runs.nz)), None
    for i, b in enumerate(rows):
        n = runs.stop_all(b, zero) if i == 0 else runs.stop(left, zero, b)
        if at is not None:
            hit = at[b, n] == target[b]
        elif k is None:
            k, hit = (target[b] - n) % M, np.ones(len(left), dtype=bool)
        else:
            hit = (target[b] - n) % M == k
        left, k = left[hit], None if k is None else k[hit]
        if not left.size or (i == 5 and left.size > cut):
            return left[:0]  # none left, or the examples do not single a few out
    return left


def enumerate_programs(
    examples,
    M: int,
    heuristic: Heuristic | None = None,
    cfg: SynthConfig = SynthConfig(),
    progress: Callable[[int, SearchStats], None] | None = None,
    accept: Callable[[Term], bool] | None = None,
) -> SearchResult:
    """Search skeletons for ``examples`` (``inputs``, ``outputs``, ``mask`` arrays) by
    increasing structure cost, within ``cfg``'s budgets; see the module docstring.
    ``progress(level, stats)`` is called after every cost level. ``accept(term)`` says
    whether a correct skeleton counts as solving (the caller's machine may be too small
    for some): the search stops only after one it accepts."""
    s = Search(Spec.of(examples, M), heuristic or SizePrior(), cfg, progress, accept)
    s.run()
    return SearchResult(list(s.found.values()), s.stats)
