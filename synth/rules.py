"""egglog rewrite saturation over skeletons: the only module that talks to egglog.

Terms are inserted as rows ``(RootE N term)`` / ``(RootP N term)`` of two relations through
egglog's low-level bindings, 32 per parsed chunk (parsing is quadratic in the chunk's
length: 2,000 terms take 3 s as one string, 0.08 s in chunks of 10-50; a ``let`` per term
creates a table per term and is slower still), then the rule set runs one
iteration at a time until nothing changes or a budget of iterations or table rows is
spent. :func:`saturate` returns the e-class of every inserted term and the frozen e-graph
as a :class:`networkx.DiGraph` (e-class → e-node → child e-classes) for extraction in Python.

Every rule is sound for all values mod ``M`` (not just the examples), so an e-class never
merges skeletons that OE would separate. Commutative operands are ordered at insertion
(:func:`synth.lang.app`) instead of by a commutativity rule, which would blow the e-graph up.
Rules that would need the list loops' termination to be preserved (map fusion, folds that
ignore the element) are deliberately absent: they are not sound when a list has no 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import networkx as nx

from .lang import PROGRAM_OPS, Term

_CONSTRUCTORS = {  # op -> egglog constructor
    "const": "Const",
    "var": "Var",
    "cell": "Cell",
    "inc": "Inc",
    "dec": "Dec",
    "add": "Add",
    "sub": "Sub",
    "min": "Min",
    "max": "Max",
    "ifz": "Ifz",
    "read": "Read",
    "store": "Store",
    "map": "Map",
    "fold": "Fold",
    "foldcells": "FoldCells",
    "loop": "Loop",
}
_OPS = {v: k for k, v in _CONSTRUCTORS.items()}

SCHEMA = """
(datatype E (Const i64) (Var String) (Cell i64) (Inc E) (Dec E) (Add E E) (Sub E E) (Min E E)
            (Max E E) (Ifz E E E) (Read E))
(datatype P (Store i64 E) (Map i64 E) (Fold i64 E E i64) (FoldCells i64 E E i64)
            (Loop i64 E E E E i64))
(relation RootE (i64 E))
(relation RootP (i64 P))
(ruleset algebra)
"""


def rules(M: int) -> list[str]:
    """The rewrite rules for values mod ``M`` (each holds for every value of its variables)."""
    r = [
        "(rewrite (Dec (Inc x)) x)",
        "(rewrite (Inc (Dec x)) x)",
        "(rewrite (Sub x x) (Const 0))",
        "(rewrite (Add x (Const 0)) x)",
        "(rewrite (Add (Const 0) x) x)",
        "(rewrite (Sub x (Const 0)) x)",
        "(rewrite (Min x x) x)",
        "(rewrite (Max x x) x)",
        "(rewrite (Min x (Const 0)) (Const 0))",
        "(rewrite (Min (Const 0) x) (Const 0))",
        "(rewrite (Max x (Const 0)) x)",
        "(rewrite (Max (Const 0) x) x)",
        f"(rewrite (Min x (Const {M - 1})) x)",
        f"(rewrite (Max x (Const {M - 1})) (Const {M - 1}))",
        "(rewrite (Add x (Const 1)) (Inc x))",
        "(rewrite (Add (Const 1) x) (Inc x))",
        "(rewrite (Sub x (Const 1)) (Dec x))",
        "(rewrite (Sub (Inc x) (Inc y)) (Sub x y))",
        "(rewrite (Sub (Dec x) (Dec y)) (Sub x y))",
        "(rewrite (Sub (Add x y) y) x)",
        "(rewrite (Sub (Add y x) y) x)",
        "(rewrite (Add (Sub x y) y) x)",
        "(rewrite (Add y (Sub x y)) x)",
        "(rewrite (Ifz c t t) t)",
        "(rewrite (Ifz (Const 0) t e) t)",
        "(rule ((= v (Ifz (Const k) t e)) (!= k 0)) ((union v e)))",
        f"(rewrite (Inc (Const k)) (Const (% (+ k 1) {M})))",
        f"(rewrite (Dec (Const k)) (Const (% (+ k {M - 1}) {M})))",
        f"(rewrite (Add (Const a) (Const b)) (Const (% (+ a b) {M})))",
        f"(rewrite (Sub (Const a) (Const b)) (Const (% (+ (- a b) {M}) {M})))",
        "(rewrite (Min (Const a) (Const b)) (Const (min a b)))",
        "(rewrite (Max (Const a) (Const b)) (Const (max a b)))",
        # a loop whose a never changes leaves a0 in the output cell
        '(rewrite (Loop n a0 b0 (Var "a") fb out) (Store out a0))',
    ]
    return [x[:-1] + " :ruleset algebra)" for x in r]


def sexpr(t: Term) -> str:
    """A term as an egglog expression."""
    args = []
    for a in t.args:
        if isinstance(a, Term):
            args.append(sexpr(a))
        elif isinstance(a, str):
            args.append(f'"{a}"')
        else:
            args.append(str(int(a)))
    return f"({_CONSTRUCTORS[t.op]}{''.join(' ' + x for x in args)})"


@dataclasses.dataclass(frozen=True)
class Saturation:
    """E-classes of the inserted terms after saturation, and the e-graph for extraction."""

    eclass: tuple[int, ...]  # per inserted term, its e-class (a small int)
    n_classes: int  # distinct e-classes among the inserted terms
    iterations: int
    saturated: bool  # False: a budget stopped the run first
    rows: int  # e-nodes in the final e-graph
    graph: nx.DiGraph  # ("c", id) -> ("n", k) -> ("c", child); e-node attrs: op, lits, kids


def saturate(
    terms: Sequence[Term], M: int, max_iterations: int = 12, max_rows: int = 500_000, chunk: int = 32
) -> Saturation:
    """Insert ``terms``, run the rules to saturation (within budgets), read the e-classes."""
    from egglog import bindings

    eg = bindings.EGraph()
    eg.run_program(*eg.parse_program(SCHEMA + "\n".join(rules(M))))
    for s in range(0, len(terms), chunk):
        text = "\n".join(
            f"(Root{'P' if t.op in PROGRAM_OPS else 'E'} {i} {sexpr(t)})"
            for i, t in enumerate(terms[s : s + chunk], start=s)
        )
        eg.run_program(*eg.parse_program(text))
    iterations, saturated = 0, False
    rows = 0
    while iterations < max_iterations:
        out = eg.run_program(*eg.parse_program("(run algebra 1)"))
        iterations += 1
        if not out[0].report.updated:
            saturated = True
            break
        rows = sum(len(f.rows) for f in eg.freeze().functions.values())
        if rows > max_rows:
            break
    frozen = eg.freeze()
    ids: dict = {}
    cid = lambda sv: ids.setdefault(sv, len(ids))
    root = {}
    for name, sort in (("RootE", "E"), ("RootP", "P")):
        for row in frozen.functions[name].rows:
            root[eg.value_to_i64(row.inputs[0])] = cid((sort, row.inputs[1]))
    eclass = tuple(root[i] for i in range(len(terms)))
    graph = nx.DiGraph()
    k = 0
    for name, fn in frozen.functions.items():
        if name.startswith("Root"):
            continue
        for row in fn.rows:
            lits, kids = [], []
            for sort, v in zip(fn.input_sorts, row.inputs):
                if sort == "i64":
                    lits.append(eg.value_to_i64(v))
                elif sort == "String":
                    lits.append(eg.value_to_string(v))
                else:
                    lits.append(None)
                    kids.append(("c", cid((sort, v))))
            node = ("n", k)
            k += 1
            graph.add_node(node, op=_OPS[name], lits=tuple(lits), kids=tuple(kids))
            graph.add_edge(("c", cid((fn.output_sort, row.output))), node)
            graph.add_edges_from((node, c) for c in kids)
    rows = sum(len(f.rows) for n, f in frozen.functions.items() if not n.startswith("Root"))
    return Saturation(eclass, len(set(eclass)), iterations, saturated, rows, graph)


def _node_term(graph: nx.DiGraph, node, child_terms: list[Term]) -> Term:
    data = graph.nodes[node]
    it = iter(child_terms)
    return Term(data["op"], tuple(next(it) if lit is None else lit for lit in data["lits"]))


def _children(graph: nx.DiGraph, node) -> tuple:
    return graph.nodes[node]["kids"]


def best_terms(graph: nx.DiGraph) -> dict:
    """The smallest term of every e-class (a fixpoint over the possibly cyclic e-graph)."""
    cost: dict = {}
    best: dict = {}
    classes = [n for n in graph if n[0] == "c"]
    changed = True
    while changed:
        changed = False
        for c in classes:
            for node in graph.successors(c):
                kids = _children(graph, node)
                if all(k in cost for k in kids):
                    total = 1 + sum(cost[k] for k in kids)
                    if total < cost.get(c, float("inf")):
                        cost[c], best[c] = total, node
                        changed = True
    terms: dict = {}

    def build(c) -> Term:
        if c not in terms:
            node = best[c]
            terms[c] = _node_term(graph, node, [build(k) for k in _children(graph, node)])
        return terms[c]

    return {c[1]: build(c) for c in classes if c in best}


def k_best(graph: nx.DiGraph, eclass: int, k: int, depth: int = 8) -> list[Term]:
    """Up to ``k`` distinct terms of an e-class, smallest first (true k-best over every
    e-node and every combination of its children's k best, to a nesting ``depth``)."""
    memo: dict = {}

    def go(c, d: int) -> list[Term]:
        if (c, d) in memo:
            return memo[c, d]
        memo[c, d] = []  # cycle guard
        if d == 0:
            return []
        out: list[Term] = []
        for node in graph.successors(c):
            options = [go(kid, d - 1) for kid in _children(graph, node)]
            if any(not o for o in options):
                continue
            combos = [[]]
            for o in options:  # keep the k cheapest partial combinations
                combos = sorted(([*p, t] for p in combos for t in o), key=lambda ts: sum(t.size for t in ts))[:k]
            out.extend(_node_term(graph, node, ts) for ts in combos)
        out = sorted(set(out), key=lambda t: (t.size, str(t)))[:k]
        memo[c, d] = out
        return out

    return go(("c", eclass), depth)
