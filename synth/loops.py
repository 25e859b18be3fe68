"""Loop structures run in batches on the examples: controls, carried variables, nested loops.

A loop's *control* (kind, cursor start, condition, step) is run on every example with the
memory held at the input (:func:`trajectories`); :func:`loop_controls` keeps one
:class:`Control` per distinct run, from the starts :func:`cursor_starts` gives. Its carried
variables are run as a batch of configurations (:class:`Carry`) by stepping value tables,
not terms: :func:`orbits` and :func:`pair_orbits` give ``a ← f(a)`` and
``(a, b) ← (fa(a, b), fb(a, b))`` at every iteration, and :func:`carry_one`,
:func:`carry_sourced` and :func:`carry_pair` build the batches. :func:`run_nested` runs
nested compare-and-exchange loops. These runners only propose: every program the search
keeps is checked by :func:`synth.semantics.execute`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import numpy as np

from .enumerate import Bank, leaf_cost, masked_row_hash
from .lang import (
    Term,
    app,
    assign,
    const,
    cost,
    desugar,
    do_loop,
    for_list,
    read,
    repeat,
    seq,
    substitute,
    var,
    while_loop,
)
from .solve import Table

FOR, REPEAT, WHILE, DO, COUNT = "for", "repeat", "while", "do", "count"
CONDS = {"var": lambda v: var(v), "read": lambda v: read(var(v)), "read_inc": lambda v: read(app("inc", var(v)))}
STEPS = {
    "inc": lambda v: app("inc", var(v)),
    "dec": lambda v: app("dec", var(v)),
    "read": lambda v: read(var(v)),
    "read_inc": lambda v: read(app("inc", var(v))),
    "hop": lambda v: app("add", var(v), read(var(v))),
}
# a while loop's look-ahead test: the cell its step moves to (``mem[inc(p)]`` is
# ``read_inc`` above), so a walk stops on the last cell that has a next one
AHEAD = {f"ahead_{s}": (lambda v, s=s: read(STEPS[s](v))) for s in ("read", "read_inc", "dec", "hop")}
# a test of a cell that goes on while the cell is 0 (skip the zeros, pop the empty slots):
# on a machine that jumps only on 0, the cheapest loop there is (a JEZ back)
ZERO = {
    f"zero_{c}": (lambda v, t=t: app("ifz", t(v), const(1), const(0)))
    for c, t in {**CONDS, **AHEAD}.items()
    if c != "var"
}
TESTS = {**CONDS, **AHEAD, **ZERO}  # every loop test, by name
CURSOR = {FOR: "i", REPEAT: "c", WHILE: "p", DO: "p", COUNT: "i"}
COUNTER = "c"  # a counted walk's count: a ``repeat`` loop's variable


def at_cursor(kind: str, v: np.ndarray, X: np.ndarray, M: int) -> np.ndarray:
    """A cursor function (``TESTS``/``STEPS`` key) on cursors ``(..., B)`` over memories ``X``."""
    rows = np.arange(X.shape[0])
    if kind.startswith("zero_"):
        return (at_cursor(kind.removeprefix("zero_"), v, X, M) == 0).astype(v.dtype)
    if kind.startswith("ahead_"):
        return X[rows, at_cursor(kind.removeprefix("ahead_"), v, X, M)]
    if kind == "var":
        return v
    if kind == "inc":
        return (v + 1) % M
    if kind == "dec":
        return (v - 1) % M
    if kind == "read":
        return X[rows, v]
    if kind == "hop":
        return (v + X[rows, v]) % M
    return X[rows, (v + 1) % M]  # read_inc


def trajectories(inits: np.ndarray, cond: str, step: str, X: np.ndarray, M: int, F: int, test_last: bool = False):
    """For ``C`` initial cursors ``(C, B)``: cursor trajectories ``(C, B, F)``, iterations
    ``(C, B)``, end cursors ``(C, B)``, and whether a run needed more than ``F``.
    ``test_last``: a ``do`` loop, whose body runs before the first test."""
    C, B = inits.shape
    v = inits.copy()
    traj = np.zeros((C, B, F), dtype=np.int64)
    n = np.zeros((C, B), dtype=np.int64)
    live = np.ones((C, B), dtype=bool) if test_last else at_cursor(cond, v, X, M) != 0
    for t in range(F):
        if not live.any():
            break
        traj[:, :, t] = v
        n += live
        if test_last:
            live &= at_cursor(cond, v, X, M) != 0
            v = np.where(live, at_cursor(step, v, X, M), v)
        else:
            v = np.where(live, at_cursor(step, v, X, M), v)
            live &= at_cursor(cond, v, X, M) != 0
    return traj, n, v, live


@dataclasses.dataclass
class Control:
    """A loop's control and what it visits on each example (with the memory held fixed),
    plus what the search derives from it once: its operands and its write addresses."""

    kind: str
    init: Term
    cond: str
    step: str
    cost: int
    v: np.ndarray  # (B, F): the cursor at the start of each iteration
    n: np.ndarray  # (B,): iterations
    end: np.ndarray  # (B,): the cursor after the loop
    sources: list = dataclasses.field(default_factory=list)  # [(term, cost, values, cells read)]
    offsets: list = dataclasses.field(default_factory=list)  # mem[cursor + c]: [(term, cost, values, cells)]
    addresses: list = dataclasses.field(default_factory=list)  # [(term, cells (B, F))]
    seen: set = dataclasses.field(default_factory=set)  # trajectory hashes of the configurations solved
    clean: dict = dataclasses.field(default_factory=dict)  # write address -> operands it leaves fresh
    memo: dict = dataclasses.field(default_factory=dict)  # what solving for writes keeps across levels
    exit: tuple[Term, bool] | None = None  # also stop before an iteration where w is nonzero (True: zero)
    count: Term | None = None  # a counted walk's iterations (kind COUNT)

    @property
    def name(self) -> str:
        return CURSOR[self.kind]

    @functools.cached_property
    def valid(self) -> np.ndarray:
        return np.arange(self.v.shape[1])[None] < self.n[:, None]

    @functools.cached_property
    def example(self) -> np.ndarray:
        """The example of each valid point (iteration), in the order of ``v[valid]``."""
        return np.broadcast_to(np.arange(len(self.n))[:, None], self.v.shape)[self.valid]

    def fresh(self, h: str, adr: np.ndarray) -> tuple[list, list]:
        """The sources and offsets a body writing at ``adr`` ``(B, F)``, or at each of
        ``(k, B, F)`` (address ``h``), may read: a read of a cell an earlier iteration
        wrote would see the written value, not the input's. Computed once per address."""
        if h not in self.clean:
            valid = self.valid
            parts = [*self.sources, *self.offsets]
            read = [i for i, p in enumerate(parts) if p[3] is not None]
            ok = np.ones(len(parts), dtype=bool)
            if read:  # all operands at once: (K, B, F)
                cells = np.stack([parts[i][3] for i in read])
                B, F = valid.shape
                rows = np.broadcast_to(np.arange(B)[:, None], valid.shape)
                t = np.broadcast_to(np.arange(F), valid.shape)
                first = np.full((B, int(max(adr.max(), cells.max())) + 1), F)  # per cell: the first write
                for a in adr.reshape(-1, B, F):
                    np.minimum.at(first, (rows[valid], a[valid]), t[valid])
                ok[read] = ~((first[rows[None], cells] < t[None]) & valid[None]).any((1, 2))
            k = len(self.sources)
            self.clean[h] = (
                [(t, v) for (t, _, v, _), o in zip(self.sources, ok[:k]) if o],
                [(t, v) for (t, _, v, _), o in zip(self.offsets, ok[k:]) if o],
            )
        return self.clean[h]

    def term(self, body: Term) -> Term:
        v = self.name
        if self.exit is not None:  # the loop's own test and the exit's: a while loop
            w, zero = self.exit
            loop = desugar(self.plain().term(seq()))
            _, init, cond, step, _ = loop.args
            w = substitute(w, {"x": read(var(v))})
            cond = app("ifz", w, const(0), cond) if zero else app("ifz", w, cond, const(0))
            reads_x = any(n.op == "var" and n.args[0] == "x" for n in body.walk())
            return while_loop(v, init, cond, step, seq(assign("x", read(var(v))), body) if reads_x else body)
        if self.kind == FOR:
            return for_list(v, "x", self.init, body)
        if self.kind == REPEAT:
            return repeat(v, self.init, body)
        if self.kind == COUNT:  # the cursor stepped after the body, a count of times
            steps = (*(body.args if body.op == "seq" else (body,)), assign(v, STEPS[self.step](v)))
            return seq(assign(v, self.init), repeat(COUNTER, self.count, seq(*steps)))
        make = do_loop if self.kind == DO else while_loop
        return make(v, self.init, TESTS[self.cond](v), STEPS[self.step](v), body)

    def at_points(self, operands: list) -> list[tuple[Term, np.ndarray]]:
        """Operands ``[(term, cost, values (B, F), cells read)]`` as ``(term, values at the
        valid iterations (P,))``."""
        flat = self.valid.reshape(-1)
        return [(t, v.reshape(-1)[flat]) for t, _, v, _ in operands]

    def run_key(self) -> bytes:
        """What makes two controls one class: the cursor at each iteration, the iteration
        counts and the end cursors."""
        return np.concatenate([np.where(self.valid, self.v, -1).ravel(), self.n, self.end]).astype(np.int16).tobytes()

    def plain(self) -> Control:
        """This control without its exit."""
        return dataclasses.replace(self, exit=None)


def cursor_starts(mem: Bank, M: int, costs: dict[str, int]) -> Table:
    """A loop cursor's possible starts: the ``mem``-bank expressions of cost at most 2,
    plus every constant (a cell range that starts or ends anywhere, e.g. a count-down
    from the last list cell), each at its leaf cost."""
    tab = Table.of(mem, 2)
    have = {t.args[0] for t in tab.terms if t.op == "const"}
    extra = [const(k) for k in range(M) if k not in have]
    if not extra:
        return tab
    B = tab.values.shape[1]
    terms = [*tab.terms, *extra]
    start_costs = np.concatenate([tab.costs, [leaf_cost(t, costs) for t in extra]])
    values = np.concatenate([tab.values, np.array([[t.args[0]] * B for t in extra], dtype=np.int64)])
    order = np.argsort(start_costs, kind="stable")
    return Table([terms[i] for i in order], start_costs[order], values[order], M)


def loop_controls(inits: Table, X: np.ndarray, M: int, F: int, costs: dict[str, int]) -> tuple[list[Control], int]:
    """Every loop control whose initial cursor is one of ``inits``, one per distinct
    trajectory (the cheapest), by cost; controls that run past ``F`` iterations on an
    example, or never more than once, are dropped. Also returns how many were run."""
    kinds = [(FOR, "read", "inc"), (REPEAT, "var", "dec")]
    kinds += [(WHILE, c, s) for c in CONDS for s in STEPS if (c, s) not in (("read", "inc"), ("var", "dec"))]
    kinds += [(DO, c, s) for c in CONDS for s in STEPS]
    kinds += [(WHILE, c, c.removeprefix("ahead_")) for c in AHEAD]
    kinds += [(k, z, s) for z in ("zero_read", "zero_read_inc") for k in (WHILE, DO) for s in STEPS]
    kinds += [(WHILE, f"zero_{c}", c.removeprefix("ahead_")) for c in AHEAD]
    out: dict[bytes, Control] = {}
    found: list[Control] = []
    runs = 0
    cheap = inits.costs <= 1
    for kind, cond, step in kinds:
        if kind == WHILE:  # a general loop starts from a constant or a cell
            ivals, iterms, icosts = (
                inits.values[cheap],
                [t for t, c in zip(inits.terms, cheap) if c],
                inits.costs[cheap],
            )
        else:
            ivals, iterms, icosts = inits.values, inits.terms, inits.costs
        traj, n, end, over = trajectories(ivals, cond, step, X, M, F, test_last=kind == DO)
        runs += len(traj)
        extra = costs.get(kind, 1)
        if kind in (WHILE, DO):  # a condition and a step: an idiom (cells, chase) costs one more
            extra += (cost(TESTS[cond]("p"), costs) + cost(STEPS[step]("p"), costs)) // 2
        for i in np.flatnonzero(~over.any(1) & (n > 1).any(1)):  # a loop that runs once is an if
            found.append(Control(kind, iterms[i], cond, step, int(extra + icosts[i]), traj[i], n[i], end[i]))
    walks, tried = counted_walks(inits, M, F, costs)
    runs += tried
    for ctl in found + walks:
        key = ctl.run_key()
        if key not in out or ctl.cost < out[key].cost:
            out[key] = ctl
    return sorted(out.values(), key=lambda c: c.cost), runs


def counted_walks(inits: Table, M: int, F: int, costs: dict[str, int]) -> tuple[list[Control], int]:
    """``i ← k + 1; repeat c ← mem[k] times { body; i ← inc(i) }``: a length-prefixed list
    (its length in cell ``k``, varying across the examples, its elements after it) walked
    in order, a loop that runs to a count rather than to a 0. Costs a ``repeat`` loop, its
    start and its count, and one for the cursor. Also returns how many were run."""
    consts = {t.args[0]: (t, c) for t, c in zip(inits.terms, inits.costs) if t.op == "const"}
    out = []
    for t, c, n in zip(inits.terms, inits.costs, inits.values):
        if t.op != "cell" or (n == n[0]).all() or (n > F).any() or not (n > 1).any():
            continue
        s, s_cost = consts[(t.args[0] + 1) % M]
        traj = np.where(np.arange(F) < n[:, None], s.args[0] + np.arange(F), 0) % M
        cost = int(costs.get(REPEAT, 1) + costs.get("var", 1) + s_cost + c)
        out.append(Control(COUNT, s, "count", "inc", cost, traj, n, (s.args[0] + n) % M, count=t))
    return out, sum(t.op == "cell" for t in inits.terms)


@dataclasses.dataclass
class Carry:
    """A batch of ``N`` carried-variable configurations of one control, run.

    ``traj[name]`` is ``(N, B, F + 1)``: the variable's value at the start of each
    iteration, and from the last iteration on, its final value. ``rows`` describe each
    configuration (its terms are built only for the ones that make a program).
    """

    N: int
    traj: dict[str, np.ndarray]
    groups: list[tuple[int, Callable[[int], tuple]]]  # (first row, row -> (inits, updates))
    alone: int = 0  # rows below this carry ``a`` alone, updated in the loop

    def hashes(self, ctl: Control) -> np.ndarray:
        """One hash per configuration's trajectories (all zero when nothing is carried)."""
        if not self.traj:
            return np.zeros(self.N, dtype=np.uint64)
        valid = (np.arange(ctl.v.shape[1] + 1)[None] <= ctl.n[:, None]).reshape(-1)
        parts = [t.reshape(self.N, -1) for t in self.traj.values()]
        return masked_row_hash(parts, [valid] * len(parts))  # iterations past n read -1

    def finals(self, ctl: Control, idx: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """Each variable's value after the loop, for configurations ``idx``: ``(N, B)``."""
        at = np.arange(len(ctl.n)) * (ctl.v.shape[1] + 1) + ctl.n
        return [(name, t.reshape(self.N, -1)[idx[:, None], at[None]]) for name, t in self.traj.items()]

    def before(self, ctl: Control, idx: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """Each variable's value before each valid iteration, for configurations ``idx``:
        rows ``(N, P)`` over the valid iterations (one gather)."""
        F = ctl.v.shape[1]
        at = (np.arange(len(ctl.n))[:, None] * (F + 1) + np.arange(F)[None])[ctl.valid]
        return [(name, t.reshape(self.N, -1)[idx[:, None], at[None]]) for name, t in self.traj.items()]

    def after(self, ctl: Control, idx: np.ndarray, before: list) -> list[tuple[str, np.ndarray]]:
        """Each variable's value after each valid iteration's update, as :meth:`before`
        (whose result ``before`` is), named ``a'``: the values a body may write that reads
        the update's result (a running maximum's drop, ``(max(a, x) − x)``), where it
        differs from ``a``'s."""
        F = ctl.v.shape[1]
        at = (np.arange(len(ctl.n))[:, None] * (F + 1) + np.arange(1, F + 1)[None])[ctl.valid]
        out = []
        for (name, was), t in zip(before, self.traj.values()):
            v = t.reshape(self.N, -1)[idx[:, None], at[None]]
            if not np.array_equal(v, was):
                out.append((after(name), v))
        return out

    def describe(self, i: int) -> tuple[list[Term], list[Term]]:
        """Configuration ``i`` as statements: the initialising sets (an init named None is
        a statement: a loop before this one), the updating sets."""
        start, make = next((s, m) for s, m in reversed(self.groups) if s <= i)
        inits, updates = make(i - start)
        return [t if n is None else assign(n, t) for n, t in inits], [assign(n, t) for n, t in updates]


def after(name: str) -> str:
    """The name a body value uses for variable ``name``'s value after the update
    (:meth:`Carry.after`); :func:`updated` replaces it with the update itself."""
    return name + "'"


def updated(t: Term, sets: list[Term]) -> Term:
    """``t`` with each ``a'`` replaced by ``a``'s update among ``sets`` (``a`` itself where
    the loop leaves ``a`` alone): the body stays simultaneous."""
    names = {n.args[0] for n in t.walk() if n.op == "var" and n.args[0].endswith("'")}
    if not names:
        return t
    new = {s.args[0]: s.args[1] for s in sets}
    return substitute(t, {n: new.get(n[:-1], var(n[:-1])) for n in names})


def orbit_table(f: np.ndarray, F: int) -> np.ndarray:
    """``(G, M, F + 1)``: the orbit of every start value under each of the value tables ``f``
    ``(G, M)``: ``[g, a, t]`` is ``f_g`` applied ``t`` times to ``a``."""
    GB, M = f.shape
    orbit = np.empty((GB, M, F + 1), dtype=np.int64)
    orbit[:, :, 0] = np.arange(M)
    rows = np.arange(GB)[:, None]
    for t in range(F):
        orbit[:, :, t + 1] = f[rows, orbit[:, :, t]]
    return orbit


def pair_orbits(fa: np.ndarray, fb: np.ndarray, a0: int, b0: int, M: int, F: int) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b) <- (fa_i(a, b), fb_i(a, b))`` from ``(a0, b0)`` for the ``N`` pairs of value
    tables ``fa``, ``fb`` ``(N, M²)``: ``a`` and ``b`` after ``t`` steps, ``(N, F + 1)`` each
    (as int16: values are below ``M``)."""
    N = len(fa)
    oa, ob = np.empty((N, F + 1), dtype=np.int16), np.empty((N, F + 1), dtype=np.int16)
    a, b = np.full(N, a0, dtype=np.int64), np.full(N, b0, dtype=np.int64)
    oa[:, 0], ob[:, 0] = a, b
    r = np.arange(N)
    for t in range(F):
        p = a * M + b
        a, b = fa[r, p], fb[r, p]
        oa[:, t + 1], ob[:, t + 1] = a, b
    return oa, ob


def orbits(
    f: np.ndarray | None,
    a0: np.ndarray,
    n: np.ndarray,
    copies: int,
    F: int,
    examples: int = 0,
    orbit: np.ndarray | None = None,
) -> np.ndarray:
    """Trajectories of ``a <- f_g(a)`` for the ``G`` value tables ``f`` (``(G, M)``, over
    ``a`` alone), ``copies`` times over (row ``i`` uses table ``i % G`` and starts at
    ``a0[i]``, ``(N, B)``), held at their value after ``n[b]`` iterations: ``(N, B, F + 1)``.
    The orbit of every start value is computed once per table (``(G, M, F + 1)``) and the
    examples gather from it, instead of stepping ``N x B`` values ``F`` times. With
    ``examples = B``, ``f`` has a table per example (``(G * B, M)``, a function that reads
    memory): example ``b`` of row ``i`` follows table ``(i % G) * B + b``. ``orbit``: ``f``'s
    :func:`orbit_table`, if already computed (``f`` is then not read)."""
    orbit = orbit_table(f, F) if orbit is None else orbit
    GB = len(orbit)
    G = GB // examples if examples else GB
    g = np.tile(np.arange(G), copies)[:, None, None]
    if examples:
        g = g * examples + np.arange(examples)[None, :, None]
    t = np.minimum(np.arange(F + 1)[None], n[:, None])[None]  # (1, B, F + 1)
    M = orbit.shape[1]
    return orbit.reshape(-1).take((g * M + a0[:, :, None]) * (F + 1) + t)  # orbit[g, a0, t], flat


def carry_one(
    ctl: Control, inits: list[tuple[Term, np.ndarray]], tab: Table, orbit: np.ndarray, F: int, per_example: bool
) -> Carry:
    """``a ← f(a)`` from every initial value in ``inits`` for every row ``f`` of ``tab``
    (over ``u``, or example x ``u`` when it reads memory), given the rows' orbits
    (:func:`orbit_table`); ``a ← f(a, source)`` is :func:`carry_sourced`."""
    G, B = len(tab), len(ctl.n)
    a = np.repeat(np.stack([v for _, v in inits]), G, axis=0)
    traj = orbits(None, a, ctl.n, len(inits), F, examples=B if per_example else 0, orbit=orbit)
    env = {"u": var("a")}

    def make(i: int) -> tuple:
        return (("a", inits[i // G][0]),), (("a", substitute(tab.terms[i % G], env)),)

    return Carry(len(a), {"a": traj}, [(0, make)])


def flat_tables(tabs: list[Table], M: int) -> np.ndarray:
    """Two-value tables ``tabs`` one after the other, flat, then the identity on ``a``
    (``[a * M + s] = a``: a run past its last iteration holds its value)."""
    held = np.repeat(np.arange(M), M)
    return np.concatenate([*(tab.values.reshape(-1) for tab in tabs), held])


def carry_sourced(
    ctl: Control, inits: list[tuple[Term, np.ndarray]], jobs: list, flat: np.ndarray, M: int, F: int
) -> list[Carry]:
    """``a ← f(a, source)`` from every initial value for every row ``f`` of each job's
    two-value table, ``jobs`` ``[(source term, source values (B, F), table)]``, the jobs'
    tables laid out by :func:`flat_tables` in ``flat``: every job's rows stepped together
    (one numpy step per iteration for all of them), one :class:`Carry` per job."""
    B, I = len(ctl.n), len(inits)
    a0 = np.stack([v for _, v in inits])
    tabs = [tab for _, _, tab in jobs]
    sizes = [I * len(tab) for tab in tabs]
    first = np.cumsum([0, *(len(tab) for tab in tabs)])
    row = np.concatenate([s + np.tile(np.arange(len(tab)), I) for s, tab in zip(first, tabs)])  # table row
    a = np.concatenate([np.repeat(a0, len(tab), axis=0) for tab in tabs])
    job = np.repeat(np.arange(len(jobs)), sizes)
    src = np.stack([svals.T for _, svals, _ in jobs], axis=1)  # (F, J, B)
    live = (np.arange(F)[:, None] < ctl.n[None])[:, None, :]  # (F, 1, B)
    # where each row's step t reads, less a * M: (F, N, B)
    at = np.where(live, (row * (M * M))[None, :, None] + src[:, job], first[-1] * M * M)
    N = len(a)
    traj = np.empty((N, B, F + 1), dtype=np.int64)
    traj[:, :, 0] = a
    last = int(ctl.n.max())
    for t in range(last):
        a = flat.take(at[t] + a * M)
        traj[:, :, t + 1] = a
    traj[:, :, last + 1 :] = a[:, :, None]
    out, start = [], 0
    for (term, _, tab), n in zip(jobs, sizes):
        G, env = len(tab), {"u": var("a"), "w": term}

        def make(i: int, G=G, env=env, tab=tab) -> tuple:
            return (("a", inits[i // G][0]),), (("a", substitute(tab.terms[i % G], env)),)

        out.append(Carry(n, {"a": traj[start : start + n]}, [(0, make)]))
        start += n
    return out


def carry_pair(ctl: Control, a_init: tuple, b_init: tuple, fa: Table, fb: Table, orbit: tuple, F: int) -> Carry:
    """``(a, b) ← (fa(a, b), fb(a, b))`` for every pair of rows of ``fa`` x ``fb``, from
    ``(term, value)`` initial values, given ``orbit``: the rows of each pair and their
    :func:`pair_orbits`, ``(ga, gb, oa, ob)``."""
    ga, gb, oa, ob = orbit
    t = np.minimum(np.arange(F + 1)[None], ctl.n[:, None])  # held after n steps
    ta, tb = oa[:, t].astype(np.int64), ob[:, t].astype(np.int64)
    env = {"u": var("a"), "w": var("b")}
    inits = (("a", a_init[0]), ("b", b_init[0]))

    def make(i: int) -> tuple:
        return inits, (("a", substitute(fa.terms[ga[i]], env)), ("b", substitute(fb.terms[gb[i]], env)))

    return Carry(len(ga), {"a": ta, "b": tb}, [(0, make)])


def carry_counts(tests: list[tuple[Term, bool]], held: np.ndarray, M: int) -> Carry:
    """``a ← 0; loop { a ← ifz(w, a, inc(a)) }``: a count of the iterations where a test
    ``w`` is nonzero (``ifz(w, inc(a), a)`` where it is zero), for each ``(w, zero)`` of
    ``tests``; ``held`` ``(N, B, F)`` says where each one counts (False past ``n``)."""
    N, B, F = held.shape
    traj = np.zeros((N, B, F + 1), dtype=np.int64)
    np.cumsum(held, axis=2, out=traj[:, :, 1:])
    a = var("a")

    def make(i: int) -> tuple:
        w, zero = tests[i]
        step = app("ifz", w, app("inc", a), a) if zero else app("ifz", w, a, app("inc", a))
        return (("a", const(0)),), (("a", step),)

    return Carry(N, {"a": traj % M}, [(0, make)])


def unseen(hashes: list[int], seen: set[int]) -> np.ndarray:
    """Indices of the hashes not in ``seen`` and not earlier in the list, in order; adds
    them to ``seen``."""
    out = []
    for i, h in enumerate(hashes):
        if h not in seen:
            seen.add(h)
            out.append(i)
    return np.array(out, dtype=np.int64)


def run_nested(s: int, inner: str, F_: np.ndarray, G_: np.ndarray, X: np.ndarray, M: int, fuel: int):
    """Run ``N`` nested-loop programs (tables ``F_``, ``G_`` ``(N, M²)``) on ``X``; returns
    output memories ``(N, B, M)`` and whether each run finished within ``fuel`` ticks.
    Memory and tables are read and written flat (``base + cell``: one take per access)."""
    N, B = F_.shape[0], X.shape[0]
    mem = np.broadcast_to(X, (N, B, M)).copy()
    flat, fa, ga = mem.reshape(-1), F_.reshape(-1), G_.reshape(-1)
    base = (np.arange(N)[:, None] * B + np.arange(B)[None]) * M  # run (n, b)'s memory
    tab = np.arange(N)[:, None] * (M * M)  # program n's tables
    nxt = int(inner == "pairs")
    i = np.full((N, B), s)
    outer = flat[base + i] != 0
    j = (i + 1) % M if inner == "after" else np.full((N, B), s)
    inner_live = outer & (flat[base + (j + nxt) % M] != 0)
    for _ in range(fuel):
        if not outer.any():
            break
        if inner == "after":
            p, q = base + i, base + j
        else:
            p, q = base + j, base + (j + 1) % M
        u, w = flat[p], flat[q]
        pt = tab + u * M + w
        live = inner_live
        flat[p] = np.where(live, fa[pt], u)
        flat[q] = np.where(live, ga[pt], flat[q])
        j = np.where(live, (j + 1) % M, j)
        inner_live = live & (flat[base + (j + nxt) % M] != 0)
        adv = outer & ~inner_live & ~live
        i = np.where(adv, (i + 1) % M, i)
        outer = outer & (~adv | (flat[base + i] != 0))
        start = adv & outer
        j = np.where(start, (i + 1) % M if inner == "after" else s, j)
        inner_live = inner_live | (start & (flat[base + (j + nxt) % M] != 0))
    return mem, ~outer.any(1)
