"""egglog rewrite saturation over skeletons: the only module that talks to egglog.

Skeletons become terms of two egglog sorts, :class:`E` (expressions) and :class:`S`
(statements), written with egglog's typed Python API; sequences and simultaneous
assignments are right-nested pairs. The rules (:func:`rules`) hold for every value mod
``M`` and every memory, so an e-class never holds two skeletons that behave differently;
``tests/test_rules.py`` checks that on random terms, rule by rule.

Each constructor's cost is about twice the machine lines it lowers to (``READ``, an
arithmetic op, a write: 2; a ``for`` loop's ``READ``/``JEZ``/``INC``/``JMP``: 8), plus one
per literal: extraction picks the form of an e-class that needs the fewest lines — e.g.
``x + 2`` (one ``ADD`` and a constant register) over ``inc(inc(x))``.

Commutative operands are ordered at insertion (:func:`synth.lang.app`) instead of by a
commutativity rule, which would blow the e-graph up.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

from egglog import (
    EGraph,
    Expr,
    String,
    StringLike,
    get_callable_args,
    get_callable_fn,
    get_literal_value,
    i64,
    i64Like,
    method,
    ne,
    rewrite,
    rule,
    ruleset,
    union,
    vars_,
)

from .lang import Term, app, hole, par, seq


class E(Expr):
    """Expressions (see :mod:`synth.lang`)."""

    @method(cost=0)
    def __init__(self, k: i64Like) -> None: ...

    @method(cost=0)
    @classmethod
    def var(cls, name: StringLike) -> E: ...

    @method(cost=2)
    @classmethod
    def cell(cls, k: i64Like) -> E: ...

    @method(cost=2)
    def read(self) -> E: ...

    @method(cost=2)
    def inc(self) -> E: ...

    @method(cost=2)
    def dec(self) -> E: ...

    @method(cost=2)
    def add(self, other: E) -> E: ...

    @method(cost=2)
    def sub(self, other: E) -> E: ...

    @method(cost=2)
    def min(self, other: E) -> E: ...

    @method(cost=2)
    def max(self, other: E) -> E: ...

    @method(cost=6)
    @classmethod
    def ifz(cls, c: E, t: E, e: E) -> E: ...

    @method(cost=2)
    @classmethod
    def hole1(cls, k: i64Like, u: E) -> E: ...

    @method(cost=2)
    @classmethod
    def hole2(cls, k: i64Like, u: E, w: E) -> E: ...


class S(Expr):
    """Statements (see :mod:`synth.lang`); ``seq`` and ``par`` are binary here."""

    @method(cost=0)
    @classmethod
    def skip(cls) -> S: ...

    @method(cost=2)
    @classmethod
    def write(cls, a: E, e: E) -> S: ...

    @method(cost=0)
    @classmethod
    def set(cls, name: StringLike, e: E) -> S: ...

    @method(cost=0)
    @classmethod
    def seq(cls, a: S, b: S) -> S: ...

    @method(cost=0)
    @classmethod
    def par(cls, a: S, b: S) -> S: ...

    @method(cost=8)
    @classmethod
    def for_(cls, v: StringLike, x: StringLike, start: E, body: S) -> S: ...

    @method(cost=6)
    @classmethod
    def repeat(cls, v: StringLike, n: E, body: S) -> S: ...

    @method(cost=4)
    @classmethod
    def while_(cls, v: StringLike, init: E, cond: E, step: E, body: S) -> S: ...

    @method(cost=4)
    @classmethod
    def do_(cls, v: StringLike, init: E, cond: E, step: E, body: S) -> S: ...


_UNARY = {"inc": E.inc, "dec": E.dec, "read": E.read}
_BINARY = {"add": E.add, "sub": E.sub, "min": E.min, "max": E.max}


def to_egg(t: Term) -> E | S:
    """A skeleton as an egglog term."""
    op, a = t.op, t.args
    if op == "const":
        return E(a[0])
    if op == "var":
        return E.var(a[0])
    if op == "cell":
        return E.cell(a[0])
    if op in _UNARY:
        return _UNARY[op](to_egg(a[0]))
    if op in _BINARY:
        return _BINARY[op](to_egg(a[0]), to_egg(a[1]))
    if op == "ifz":
        return E.ifz(*(to_egg(x) for x in a))
    if op == "hole":
        ops = [to_egg(x) for x in a[1:]]
        return E.hole1(a[0], *ops) if len(ops) == 1 else E.hole2(a[0], *ops)
    if op == "write":
        return S.write(to_egg(a[0]), to_egg(a[1]))
    if op == "set":
        return S.set(a[0], to_egg(a[1]))
    if op in ("seq", "par"):
        if not a:
            return S.skip()
        out = to_egg(a[-1])
        for x in reversed(a[:-1]):
            out = (S.seq if op == "seq" else S.par)(to_egg(x), out)
        return out
    if op == "for":
        return S.for_(a[0], a[1], to_egg(a[2]), to_egg(a[3]))
    if op == "repeat":
        return S.repeat(a[0], to_egg(a[1]), to_egg(a[2]))
    if op == "while":
        return S.while_(a[0], *(to_egg(x) for x in a[1:]))
    if op == "do":
        return S.do_(a[0], *(to_egg(x) for x in a[1:]))
    raise ValueError(f"unknown op {op!r}")


_NAMES = {
    "E": "const", "E.var": "var", "E.cell": "cell", "E.read": "read", "E.inc": "inc", "E.dec": "dec",
    "E.add": "add", "E.sub": "sub", "E.min": "min", "E.max": "max", "E.ifz": "ifz", "E.hole1": "hole",
    "E.hole2": "hole", "S.write": "write", "S.set": "set", "S.for_": "for", "S.repeat": "repeat",
    "S.while_": "while", "S.do_": "do", "S.seq": "seq", "S.par": "par", "S.skip": "seq",
}  # fmt: skip


def from_egg(x) -> Term:
    """An extracted egglog term back as a skeleton."""
    fn = get_callable_fn(x)
    name = _NAMES[_fn_name(fn)]
    args = []
    for arg in get_callable_args(x):
        lit = get_literal_value(arg) if isinstance(arg, (i64, String)) else None
        args.append(lit if lit is not None else from_egg(arg))
    if name == "seq":
        return seq(*args)
    if name == "par":
        return par(*args)
    if name in ("add", "min", "max"):
        return app(name, *args)
    if name == "hole":
        return hole(*args)
    return Term(name, tuple(args))


def _fn_name(fn) -> str:
    ref = getattr(fn, "__egg_ref__", None)
    return fn.__name__ if ref is None else f"{ref.ident.name}.{ref.method_name}"


def rules(M: int) -> list:
    """The rewrite rules for values mod ``M``; each holds for every value of its
    variables and every memory."""
    x, y, c, t, e, n, s1 = vars_("x y c t e n s1", E)
    (s,) = vars_("s", S)
    k, j = vars_("k j", i64)
    v, w = vars_("v w", String)
    return [
        # arithmetic mod M
        rewrite(x.inc().dec()).to(x),
        rewrite(x.dec().inc()).to(x),
        rewrite(x.sub(x)).to(E(0)),
        rewrite(x.add(E(0))).to(x),
        rewrite(E(0).add(x)).to(x),
        rewrite(x.sub(E(0))).to(x),
        rewrite(x.min(x)).to(x),
        rewrite(x.max(x)).to(x),
        rewrite(x.min(E(0))).to(E(0)),
        rewrite(E(0).min(x)).to(E(0)),
        rewrite(x.max(E(0))).to(x),
        rewrite(E(0).max(x)).to(x),
        rewrite(x.min(E(M - 1))).to(x),
        rewrite(x.max(E(M - 1))).to(E(M - 1)),
        rewrite(x.add(E(1))).to(x.inc()),
        rewrite(E(1).add(x)).to(x.inc()),
        rewrite(x.sub(E(1))).to(x.dec()),
        rewrite(x.inc().inc()).to(x.add(E(2 % M))),
        rewrite(x.dec().dec()).to(x.sub(E(2 % M))),
        rewrite(x.add(E(k)).inc()).to(x.add(E((k + 1) % M))),
        rewrite(x.sub(E(k)).dec()).to(x.sub(E((k + 1) % M))),
        rewrite(x.inc().sub(y.inc())).to(x.sub(y)),
        rewrite(x.dec().sub(y.dec())).to(x.sub(y)),
        rewrite(x.add(y).sub(y)).to(x),
        rewrite(y.add(x).sub(y)).to(x),
        rewrite(x.sub(y).add(y)).to(x),
        rewrite(y.add(x.sub(y))).to(x),
        rewrite(E.ifz(c, t, t)).to(t),
        rewrite(E.ifz(E(0), t, e)).to(t),
        rule(E.ifz(E(k), t, e) == n, ne(k).to(i64(0))).then(union(n).with_(e)),
        rewrite(E(k).inc()).to(E((k + 1) % M)),
        rewrite(E(k).dec()).to(E((k + M - 1) % M)),
        rewrite(E(k).add(E(j))).to(E((k + j) % M)),
        rewrite(E(k).sub(E(j))).to(E((k - j + M) % M)),
        rewrite(E(k).min(E(j))).to(E(k.min(j))),
        rewrite(E(k).max(E(j))).to(E(k.max(j))),
        rewrite(E(k).read()).to(E.cell(k)),
        # statements
        rewrite(S.seq(S.skip(), s)).to(s),
        rewrite(S.seq(s, S.skip())).to(s),
        rewrite(S.par(S.skip(), s)).to(s),
        rewrite(S.set(v, E.var(v))).to(S.skip()),
        rewrite(S.write(x, x.read())).to(S.skip()),
        rewrite(S.repeat(v, E(0), s)).to(S.set(v, E(0))),
        # the loops' definitions
        rewrite(S.repeat(v, n, s)).to(S.while_(v, n, E.var(v), E.var(v).dec(), s)),
        rewrite(S.for_(v, w, s1, s)).to(
            S.while_(v, s1, E.var(v).read(), E.var(v).inc(), S.seq(S.set(w, E.var(v).read()), s))
        ),
    ]


@dataclasses.dataclass(frozen=True)
class Saturation:
    """What saturating a batch of skeletons gave: per skeleton, its cheapest equivalent
    form (equal forms: one e-class) and its line cost; and the run's figures."""

    best: tuple[Term, ...]
    cost: tuple[int, ...]
    classes: int
    iterations: int
    saturated: bool
    counts: tuple[int, ...]  # per rule of rules(M), in order: times it matched
    egraph: EGraph
    M: int

    @property
    def matches(self) -> dict[str, int]:
        """Rule (as written) -> times it matched (printed on demand: printing is slow)."""
        return dict(zip(_rule_names(self.M), self.counts))

    def alternatives(self, t: Term, k: int) -> list[Term]:
        """Up to ``k`` equivalent forms of ``t`` (its e-class's members)."""
        return [from_egg(x) for x in self.egraph.extract_multiple(to_egg(t), k)]


@functools.lru_cache(maxsize=8)
def _schedule(M: int):
    """The rules for ``M`` as one ruleset, and each rule's position by its declaration
    (built once per ``M``)."""
    rs = rules(M)
    return ruleset(*rs), {r.decl: i for i, r in enumerate(rs)}


@functools.lru_cache(maxsize=8)
def _rule_names(M: int) -> tuple[str, ...]:
    """Each rule's printed form (egglog's pretty-printer: about 0.3 s for the set, so only
    when :attr:`Saturation.matches` is read)."""
    return tuple(str(r) for r in rules(M))


def saturate(terms: Sequence[Term], M: int, max_iterations: int = 16) -> Saturation:
    """Insert ``terms``, run the rules to saturation (or ``max_iterations``), extract the
    cheapest form of every term."""
    eg = EGraph()
    egg = [to_egg(t) for t in terms]
    if egg:
        eg.register(*egg)
    schedule, index = _schedule(M)
    iterations, saturated, counts = 0, False, [0] * len(index)
    while iterations < max_iterations:
        report = eg.run(schedule)
        iterations += 1
        for decl, count in report.num_matches_per_rule.items():
            if decl in index:
                counts[index[decl]] += count
        if not report.updated:
            saturated = True
            break
    best, cost = [], []
    for x in egg:
        b, c = eg.extract(x, include_cost=True)
        best.append(from_egg(b))
        cost.append(int(c))
    classes = len(set(map(str, best)))
    return Saturation(tuple(best), tuple(cost), classes, iterations, saturated, tuple(counts), eg, M)
