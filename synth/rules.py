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

The sorts and rules are declared with the typed API and compiled to egglog's text once per
``M`` (:func:`_program`); :func:`saturate` then drives egglog's engine directly (its
command objects in, extracted term DAGs out), because building and extracting every
skeleton through the typed API cost 2-5 ms a skeleton, more than the rewriting itself.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import time
from collections.abc import Sequence

from egglog import (
    EGraph,
    Expr,
    String,
    StringLike,
    bindings,
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

from .lang import (
    Term,
    app,
    cell,
    const,
    do_loop,
    for_list,
    hole,
    hole_operands,
    hole_size,
    if_nonzero,
    par,
    repeat,
    seq,
    var,
    while_loop,
    write,
)


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
    def hole1(cls, k: i64Like, n: i64Like, u: E) -> E: ...

    @method(cost=2)
    @classmethod
    def hole2(cls, k: i64Like, n: i64Like, u: E, w: E) -> E: ...


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

    @method(cost=2)
    @classmethod
    def if_(cls, c: E, body: S) -> S: ...

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
        ops = [to_egg(x) for x in hole_operands(t)]
        return E.hole1(a[0], hole_size(t), *ops) if len(ops) == 1 else E.hole2(a[0], hole_size(t), *ops)
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
    if op == "if":
        return S.if_(to_egg(a[0]), to_egg(a[1]))
    if op == "for":
        return S.for_(a[0], a[1], to_egg(a[2]), to_egg(a[3]))
    if op == "repeat":
        return S.repeat(a[0], to_egg(a[1]), to_egg(a[2]))
    if op == "while":
        return S.while_(a[0], *(to_egg(x) for x in a[1:]))
    if op == "do":
        return S.do_(a[0], *(to_egg(x) for x in a[1:]))
    raise ValueError(f"unknown op {op!r}")


def rules(M: int) -> list:
    """The rewrite rules for values mod ``M``; each holds for every value of its
    variables and every memory."""
    x, y, c, t, e, n, s1 = vars_("x y c t e n s1", E)
    s, g = vars_("s g", S)
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
        rewrite(E.ifz(c, E(0), E(1))).to(c.min(E(1))),  # a test as 0/1 without a branch
        rewrite(E.ifz(c, E(1), E(0))).to(E(1).sub(c.min(E(1)))),
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
        rewrite(S.if_(c, S.skip())).to(S.skip()),
        rewrite(S.if_(E(0), s)).to(S.skip()),
        rule(S.if_(E(k), s) == g, ne(k).to(i64(0))).then(union(g).with_(s)),
        rewrite(S.if_(c, S.if_(c, s))).to(S.if_(c, s)),
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
    counts: tuple[int, ...]  # per rule, in the order of _program(M).rules: times it matched
    egraph: bindings.EGraph
    M: int
    timed_out: bool = False  # the deadline stopped the rules before they saturated

    @property
    def matches(self) -> dict[str, int]:
        """Rule (as egglog reads it) -> times it matched."""
        return dict(zip(_program(self.M).rules, self.counts))

    def alternatives(self, t: Term, k: int) -> list[Term]:
        """Up to ``k`` equivalent forms of ``t`` (its e-class's members)."""
        prog = _program(self.M)
        (out,) = self.egraph.run_program(
            bindings.Extract(_SPAN, prog.expr(t), bindings.Lit(_SPAN, bindings.Int(int(k))))
        )
        return [prog.term(out.termdag, x) for x in out.terms]


# Our ops by the suffix of egglog's name for the constructor (``<module>_E_inc``).
_SUFFIX = {
    "E___init__": "const", "E_var": "var", "E_cell": "cell", "E_read": "read", "E_inc": "inc", "E_dec": "dec",
    "E_add": "add", "E_sub": "sub", "E_min": "min", "E_max": "max", "E_ifz": "ifz", "E_hole1": "hole1",
    "E_hole2": "hole2", "S_skip": "skip", "S_write": "write", "S_set": "set", "S_seq": "seq", "S_par": "par",
    "S_if_": "if", "S_for_": "for", "S_repeat": "repeat", "S_while_": "while", "S_do_": "do",
}  # fmt: skip


_SPAN = bindings.RustSpan("", 0, 0)


def _forms(text: str) -> list[str]:
    """The top-level s-expressions of an egglog program."""
    out, depth, start, in_str, i = [], 0, 0, False, 0
    while i < len(text):
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch == "(":
            start = i if depth == 0 else start
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                out.append(text[start : i + 1])
        i += 1
    return out


@dataclasses.dataclass(frozen=True)
class _Program:
    """The sorts, constructors and rules for ``M`` as egglog text (compiled once from the
    typed API above), and the conversions of skeletons to and from that text. Saturation
    talks to egglog's engine in text: building and extracting every term through the
    typed Python API cost 2-5 ms a skeleton, more than the rewriting."""

    declarations: list  # parsed commands: sorts, constructors, the ruleset and its rules
    rules: tuple[str, ...]  # each rule's form (its key in a run's report)
    step: list  # one iteration of the rules
    egg: dict[str, str]  # our op -> constructor
    ops: dict[str, str]  # constructor -> our op
    costs: dict[str, int]  # constructor -> its cost (egglog's default: 1)

    def expr(self, t: Term):
        """A skeleton as an egglog expression (the engine's own objects: parsing text
        ``let`` commands cost about 8 ms a skeleton)."""
        op, a, n = t.op, t.args, self.egg
        if op in ("const", "cell"):
            return bindings.Call(_SPAN, n[op], [bindings.Lit(_SPAN, bindings.Int(int(a[0])))])
        if op == "var":
            return bindings.Call(_SPAN, n[op], [bindings.Lit(_SPAN, bindings.String(a[0]))])
        if op == "hole":
            k, size = (bindings.Lit(_SPAN, bindings.Int(int(x))) for x in (a[0], hole_size(t)))
            ops = [self.expr(x) for x in hole_operands(t)]
            return bindings.Call(_SPAN, n["hole1" if len(ops) == 1 else "hole2"], [k, size, *ops])
        if op in ("seq", "par"):
            if not a:
                return bindings.Call(_SPAN, n["skip"], [])
            out = self.expr(a[-1])
            for x in reversed(a[:-1]):
                out = bindings.Call(_SPAN, n[op], [self.expr(x), out])
            return out
        if op not in n:
            raise ValueError(f"unknown op {op!r}")
        args = [bindings.Lit(_SPAN, bindings.String(x)) if isinstance(x, str) else self.expr(x) for x in a]
        return bindings.Call(_SPAN, n[op], args)

    def term(self, dag, i: int, memo: dict[int, Term] | None = None) -> Term:
        """An extracted egglog term (node ``i`` of ``dag``) back as a skeleton. ``memo``
        (node -> skeleton) converts a node shared by several extracted terms once: a term
        dag holds each distinct subterm once."""
        if memo is not None and i in memo:
            return memo[i]
        node = dag.get(i)
        name = self.ops[node.name]
        args = []
        for j in node.args:
            x = dag.get(j)
            args.append(x.value.value if isinstance(x, bindings.TermLit) else self.term(dag, j, memo))
        if name in ("seq", "skip"):
            out = seq(*args)
        elif name == "par":
            out = par(*args)
        elif name in ("add", "min", "max"):
            out = app(name, *args)
        elif name in ("hole1", "hole2"):
            out = hole(args[0], *args[2:], lines=args[1])
        else:
            out = Term(name, tuple(args))
        if memo is not None:
            memo[i] = out
        return out


def _every_constructor() -> Term:
    """A skeleton that uses every constructor (to have egglog declare them all)."""
    v = var("v")
    e = app("dec", app("add", app("sub", const(0), cell(1)), app("min", const(0), app("max", v, const(2)))))
    body = seq(
        Term("set", ("v", Term("ifz", (const(1), Term("read", (v,)), app("inc", v))))),
        par(write(const(0), e), write(const(0), hole(0, v)), write(const(1), hole(1, v, v))),
    )
    loops = [for_list("i", "x", const(0), body), repeat("c", v, seq()), while_loop("p", v, v, v, seq())]
    return seq(*loops, do_loop("p", v, v, v, seq()), if_nonzero(v, write(v, v)))


def _cost(constructor: str) -> int:
    """A constructor declaration's ``:cost`` (egglog's default, 1, when it has none)."""
    m = re.search(r":cost (\d+)", constructor)
    return int(m.group(1)) if m else 1


@functools.lru_cache(maxsize=8)
def _program(M: int) -> _Program:
    """Compile the sorts, constructors and rules for ``M`` to egglog text (once per ``M``)."""
    probe = EGraph(save_egglog_string=True)
    probe.register(to_egg(_every_constructor()))
    head = _forms(probe.as_egglog_string)
    compiled = EGraph(save_egglog_string=True)
    compiled.run(ruleset(*rules(M)))
    body = [f for f in _forms(compiled.as_egglog_string) if f.startswith(("(ruleset", "(rewrite", "(rule "))]
    names = [f.split()[1].rstrip(")") for f in head if f.startswith("(constructor")]
    init = next(x for x in names if x.endswith("E___init__"))
    prefix = init[: -len("E___init__")]
    ops = {x: _SUFFIX[x[len(prefix) :]] for x in names}
    costs = {f.split()[1]: _cost(f) for f in head if f.startswith("(constructor")}
    decls = [f for f in head if f.startswith(("(sort", "(constructor"))] + body[:1]
    forms = tuple(body[1:])
    if len(forms) != len(rules(M)) or len(set(forms)) != len(forms):
        raise RuntimeError("egglog's text for the rules does not match rules(M)")
    ruleset_name = body[0].split()[1].rstrip(")")
    parser = bindings.EGraph()
    declarations = parser.parse_program("\n".join(decls + list(forms)))
    step = parser.parse_program(f"(run-schedule (run {ruleset_name}))")
    return _Program(declarations, forms, step, {v: k for k, v in ops.items()}, ops, costs)


def _rule_keys(prog: _Program) -> dict[str, int]:
    """A run report's key for each rule -> its index (a ``rule`` reports its ``:name``)."""
    keys = {}
    for i, f in enumerate(prog.rules):
        keys[f] = i
        if ":name " in f:
            keys[f.rsplit(":name ", 1)[1].rstrip(")").strip().strip('"')] = i
    return keys


def saturate(terms: Sequence[Term], M: int, max_iterations: int = 16, deadline: float | None = None) -> Saturation:
    """Insert ``terms``, run the rules to saturation (or ``max_iterations``, or until
    ``deadline``, a :func:`time.perf_counter` time checked between iterations), extract the
    cheapest form of every term. One program text inserts every term; one extractor
    computes the e-graph's costs once and reads every term's best form off them (egglog's
    ``extract`` command computes them anew for each term: 3,068 skeletons took 27.6 s that
    way, 0.5 s this way, with the same forms and costs). Stopped early, the e-graph is
    still sound: it has merged less."""
    prog = _program(M)
    keys = _rule_keys(prog)
    eg = bindings.EGraph()
    eg.run_program(*prog.declarations)
    if terms:
        eg.run_program(
            *(bindings.ActionCommand(bindings.Let(_SPAN, f"$t{i}", prog.expr(t))) for i, t in enumerate(terms))
        )
    iterations, saturated, counts = 0, False, [0] * len(prog.rules)
    while iterations < max_iterations and (deadline is None or time.perf_counter() < deadline):
        (out,) = eg.run_program(*prog.step)
        iterations += 1
        for key, count in out.report.num_matches_per_rule.items():
            if key in keys:
                counts[keys[key]] += count
        if not out.report.updated:
            saturated = True
            break
    timed_out = not saturated and iterations < max_iterations
    best, cost = _extract(eg, prog, len(terms))
    classes = len(set(map(str, best)))
    return Saturation(tuple(best), tuple(cost), classes, iterations, saturated, tuple(counts), eg, M, timed_out)


def _extract(eg: bindings.EGraph, prog: _Program, n: int) -> tuple[list[Term], list[int]]:
    """The cheapest form and its cost of the terms ``$t0`` .. ``$t{n-1}`` of ``eg``, by the
    constructors' costs summed over the tree plus one per literal (egglog's default tree
    cost, which its ``extract`` command uses)."""
    if not n:
        return [], []
    model = bindings.CostModel(
        lambda _name, own, children: own + sum(children),  # fold: a node's tree cost
        lambda name, _args: prog.costs[name],  # a node's own cost
        lambda _sort, _value, elements: sum(elements),  # containers (none declared)
        lambda _sort, _value: 1,  # a literal
    )
    extractor = bindings.Extractor(None, eg, model)
    dag, memo = bindings.TermDag(), {}
    best, cost = [], []
    for i in range(n):
        sort, value = eg.eval_expr(bindings.Var(_SPAN, f"$t{i}"))
        c, term = extractor.extract_best(eg, dag, value, sort)
        best.append(prog.term(dag, term, memo))
        cost.append(int(c))
    return best, cost
