"""The skeleton language: a small imperative language over the machine's memory.

Values are integers mod ``M``; the state is the memory (``M`` cells) and named variables
(unset variables read 0, as the machine's registers start at 0).

**Expressions**: ``const k``, ``var v``, ``cell k`` (``mem[k]``), ``read e`` (``mem[e]``),
``inc``, ``dec``, ``add``, ``sub``, ``min``, ``max`` (mod ``M`` as on the machine), and
``ifz c t e`` (``t`` if ``c = 0`` else ``e``). Reads see the current memory.

**Statements**:

==============================  =======================================================
``write a e``                   ``mem[a] ← e`` (``a`` any expression: a second cursor,
                                a computed address)
``set v e``                     ``v ← e``
``par s1 .. sn``                writes and sets at once: every right-hand side and
                                address is evaluated before any is applied
``seq s1 .. sn``                one after the other
``if c body``                   a guarded block: ``body`` where ``c ≠ 0``, nothing
                                where ``c = 0``
``for v x s body``              walk the 0-terminated list at ``s``: ``v ← s``; while
                                ``mem[v] ≠ 0``: ``x ← mem[v]``, body, ``v ← v + 1``
``repeat v n body``             counted: ``v ← n``; while ``v ≠ 0``: body, ``v ← v − 1``
``while v init cond step body`` the general bounded loop: ``v ← init``; while
                                ``cond ≠ 0``: body, ``v ← step`` (pointer chasing is
                                ``while p (mem[0]) p (mem[p])``)
``do v init cond step body``    the same with the test after the body: ``v ← init``;
                                body; while ``cond ≠ 0``: ``v ← step``, body
==============================  =======================================================

Loops nest, carry any variables (``set`` inside a body) and write any cells. A run gets a
budget of loop iterations (its *fuel*); an example that exhausts it has *diverged*.

A **hole** ``hole k n (u, w, ...)`` is an expression left open: some function of the listed
operands, to be filled by tuning the lowered program (issue: holes), in ``n`` machine lines
(its *size*). It has no semantics. It costs ``n`` nodes, one per line it lowers to: its
operands are the values live at its place, listed for lowering, not chosen, so a structure
with a one-line hole is cheaper than any complete program it stands for, and the same
structure with a larger hole is proposed after it.

Terms are :class:`Term` values: an op name and a tuple of arguments (sub-terms, ints for
constants and cells, strings for variable names).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cached_property
from numbers import Integral

UNARY = ("inc", "dec")
BINARY = ("add", "sub", "min", "max")
COMMUTATIVE = frozenset({"add", "min", "max"})
LEAVES = ("const", "var", "cell")
EXPR_OPS = (*LEAVES, *UNARY, *BINARY, "ifz", "read", "hole")
LOOPS = ("for", "repeat", "while", "do")
STMT_OPS = ("write", "set", "par", "seq", "if", *LOOPS)

# Where each statement op keeps its parts: the loop variable's name is args[0] of a loop.
LOOP_BODY = {"for": 3, "repeat": 2, "while": 4, "do": 4}


@dataclasses.dataclass(frozen=True)
class Term:
    """A node: ``op`` and its arguments (``Term`` children, or ``int``/``str`` leaves)."""

    op: str
    args: tuple = ()

    @cached_property
    def size(self) -> int:
        """Number of nodes (ints and names are not nodes; a hole is one per line)."""
        own = hole_size(self) if self.op == "hole" else 1
        return own + sum(a.size for a in self.args if isinstance(a, Term))

    def children(self) -> tuple[Term, ...]:
        return tuple([a for a in self.args if isinstance(a, Term)])

    def ops(self) -> list[str]:
        """Every op in the term, with repetition (for construct-weight heuristics; a hole
        once per line)."""
        out = [self.op] * (hole_size(self) if self.op == "hole" else 1)
        for c in self.children():
            out.extend(c.ops())
        return out

    def walk(self) -> Iterator[Term]:
        """Every node, pre-order (by a stack: nested generators cost a frame per level)."""
        stack = [self]
        while stack:
            n = stack.pop()
            yield n
            kids = [a for a in n.args if isinstance(a, Term)]
            kids.reverse()
            stack += kids

    @property
    def is_stmt(self) -> bool:
        return self.op in STMT_OPS

    def __str__(self) -> str:
        return show(self)


def cost(t: Term, costs: dict[str, int]) -> int:
    """The sum of per-op costs over the nodes (1 for an op not in ``costs``); a hole is one
    node per line, its operands free."""
    if t.op == "hole":
        return costs.get("hole", 1) * hole_size(t)
    return costs.get(t.op, 1) + sum(cost(c, costs) for c in t.children())


def holes(t: Term) -> list[Term]:
    """The hole nodes of a term, in order."""
    return [n for n in t.walk() if n.op == "hole"]


def hole_size(h: Term) -> int:
    """The machine lines a hole lowers to."""
    return h.args[1]


def hole_operands(h: Term) -> tuple[Term, ...]:
    """The values a hole is a function of."""
    return h.args[2:]


def resize(t: Term, sizes: Iterator[int]) -> Term:
    """``t`` with its holes, in order, given the sizes ``sizes`` yields (one per hole)."""
    if t.op == "hole":
        size = next(sizes, None)
        if size is None:
            raise ValueError("resize: fewer sizes than holes")
        return hole(t.args[0], *hole_operands(t), lines=size)
    if not t.children():
        return t
    return Term(t.op, tuple(resize(a, sizes) if isinstance(a, Term) else a for a in t.args))


def variables(t: Term) -> set[str]:
    """Names read (``var``) or assigned (``set``, loop variables) anywhere in ``t``."""
    out = set()
    for n in t.walk():
        if n.op == "var" or n.op == "set" or n.op in LOOPS:
            out.add(n.args[0])
        if n.op == "for":
            out.add(n.args[1])
    return out


def reads(e: Term) -> set[str]:
    """Variables an expression reads."""
    return {n.args[0] for n in e.walk() if n.op == "var"}


def substitute(t: Term, env: dict[str, Term]) -> Term:
    """``t`` with every ``var v`` in ``env`` replaced by ``env[v]``."""
    if t.op == "var":
        return env.get(t.args[0], t)
    if not t.children():
        return t
    return Term(t.op, tuple(substitute(a, env) if isinstance(a, Term) else a for a in t.args))


# ------------------------------------------------------------------------- constructors


def const(k: int) -> Term:
    return Term("const", (int(k),))


def var(name: str) -> Term:
    return Term("var", (name,))


def cell(k: int) -> Term:
    return Term("cell", (int(k),))


def app(op: str, *args: Term) -> Term:
    """An expression node; commutative operands are put in a canonical order."""
    if op in COMMUTATIVE and show(args[1]) < show(args[0]):
        args = (args[1], args[0])
    return Term(op, tuple(args))


def read(e: Term) -> Term:
    """``mem[e]``; a constant address is a ``cell``."""
    return cell(e.args[0]) if e.op == "const" else Term("read", (e,))


def write(a: Term, e: Term) -> Term:
    return Term("write", (a, e))


def assign(v: str, e: Term) -> Term:
    return Term("set", (v, e))


def par(*stmts: Term) -> Term:
    """Simultaneous writes and sets, flattened; a single one is itself."""
    flat: list[Term] = []
    for s in stmts:
        flat.extend(s.args if s.op == "par" else (s,))
    return flat[0] if len(flat) == 1 else Term("par", tuple(flat))


def seq(*stmts: Term) -> Term:
    """A sequence, flattened; a single statement is itself, none is ``seq()`` (skip)."""
    flat: list[Term] = []
    for s in stmts:
        flat.extend(s.args if s.op == "seq" else (s,))
    return flat[0] if len(flat) == 1 else Term("seq", tuple(flat))


def if_nonzero(c: Term, body: Term) -> Term:
    """``if c ≠ 0 { body }``: a guarded block (nothing happens where ``c`` is 0)."""
    return Term("if", (c, body))


def for_list(v: str, x: str, start: Term, body: Term) -> Term:
    """Walk the list at ``start`` with cursor ``v``, binding its element to ``x``."""
    return Term("for", (v, x, start, body))


def repeat(v: str, n: Term, body: Term) -> Term:
    return Term("repeat", (v, n, body))


def while_loop(v: str, init: Term, cond: Term, step: Term, body: Term) -> Term:
    return Term("while", (v, init, cond, step, body))


def do_loop(v: str, init: Term, cond: Term, step: Term, body: Term) -> Term:
    """``v ← init``; body; while ``cond ≠ 0``: ``v ← step``, body (the test after the body)."""
    return Term("do", (v, init, cond, step, body))


def hole(k: int, *operands: Term, lines: int = 1) -> Term:
    """The ``k``-th hole of a skeleton: an unknown function of ``operands``, filled in
    ``lines`` machine lines."""
    if not isinstance(lines, Integral) or isinstance(lines, bool) or lines < 1:
        raise ValueError(f"a hole has a whole number of lines, at least one line; got {lines!r}")
    return Term("hole", (int(k), int(lines), *operands))


def desugar(t: Term) -> Term:
    """``for`` and ``repeat`` as the ``while`` loops they are (every other node as is)."""
    args = tuple(desugar(a) if isinstance(a, Term) else a for a in t.args)
    if t.op == "for":
        v, x, s, body = args
        return while_loop(v, s, read(var(v)), app("inc", var(v)), seq(assign(x, read(var(v))), body))
    if t.op == "repeat":
        v, n, body = args
        return while_loop(v, n, var(v), app("dec", var(v)), body)
    return Term(t.op, args)


# ---------------------------------------------------------------------- pretty printing

_INFIX = {"add": "+", "sub": "-"}


def show(t: Term) -> str:
    """A readable rendering, e.g. ``for i, x in list@0 { mem[i] ← inc(x) }``."""
    op, a = t.op, t.args
    if op == "const":
        return str(a[0])
    if op == "var":
        return a[0]
    if op == "cell":
        return f"mem[{a[0]}]"
    if op == "read":
        return f"mem[{show(a[0])}]"
    if op in UNARY:
        return f"{op}({show(a[0])})"
    if op in _INFIX:
        return f"({show(a[0])} {_INFIX[op]} {show(a[1])})"
    if op in ("min", "max"):
        return f"{op}({show(a[0])}, {show(a[1])})"
    if op == "ifz":
        return f"(if {show(a[0])} = 0 then {show(a[1])} else {show(a[2])})"
    if op == "hole":  # ?k(u, w) for one line, ?k:n(u, w) for n
        size = f":{hole_size(t)}" if hole_size(t) != 1 else ""
        return f"?{a[0]}{size}({', '.join(show(x) for x in hole_operands(t))})"
    if op == "write":
        return f"mem[{show(a[0])}] ← {show(a[1])}"
    if op == "set":
        return f"{a[0]} ← {show(a[1])}"
    if op == "par":
        if not all(s.op in ("write", "set") for s in a):
            return " ∥ ".join(f"{{ {show(s)} }}" for s in a)
        lhs = ", ".join(f"mem[{show(s.args[0])}]" if s.op == "write" else s.args[0] for s in a)
        return f"{lhs} ← {', '.join(show(s.args[1]) for s in a)}"
    if op == "seq":
        return "; ".join(show(s) for s in a) if a else "skip"
    if op == "if":
        return f"if {show(a[0])} ≠ 0 {{ {show(a[1])} }}"
    if op == "for":
        return f"for {a[0]}, {a[1]} in list@{show(a[2])} {{ {show(a[3])} }}"
    if op == "repeat":
        return f"repeat {a[0]} ← {show(a[1])} times {{ {show(a[2])} }}"
    if op == "while":
        return f"{a[0]} ← {show(a[1])}; while {show(a[2])} ≠ 0 {{ {show(a[4])}; {a[0]} ← {show(a[3])} }}"
    if op == "do":
        return f"{a[0]} ← {show(a[1])}; do {{ {show(a[4])} }} while {show(a[2])} ≠ 0, {a[0]} ← {show(a[3])}"
    raise ValueError(f"unknown op {op!r}")
