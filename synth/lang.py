"""The skeleton language: a small typed term language of algorithmic skeletons.

Two sorts. **Expressions** compute one value in ``0..M-1`` in a *context* that fixes
which variables exist:

==========  ===================  ====================================================
context     variables            used by
==========  ===================  ====================================================
``mem``     (input cells)        ``store``: straight-line code over the input memory
``x``       ``x`` (the element)  ``map``
``acc_x``   ``acc``, ``x``       ``fold``, ``foldcells`` (the step of a reduction)
``ab``      ``a``, ``b``         ``loop`` (a counted loop with two registers)
==========  ===================  ====================================================

Expression ops: ``const k``, ``var name``, ``cell k`` (input memory, context ``mem``
only), ``inc``, ``dec``, ``add``, ``sub``, ``min``, ``max`` (all mod ``M`` as on the
machine), ``ifz c t e`` (``t`` if ``c = 0`` else ``e``), ``read e`` (``mem[e]``, context
``mem``).

**Programs** transform the memory:

- ``store k e``: ``mem[k] ← e``;
- ``map s f``: for the 0-terminated list starting at cell ``s``: every cell ``x ← f(x)``;
- ``fold s init f out``: ``acc ← init``; for every ``x`` of the 0-terminated list at
  ``s``: ``acc ← f(acc, x)``; then ``mem[out] ← acc``;
- ``foldcells s init f out``: the same over the cells ``s..M-1`` (a counted loop);
- ``loop n a0 b0 fa fb out``: ``(a, b) ← (a0, b0)``, then ``mem[n]`` times
  ``(a, b) ← (fa(a, b), fb(a, b))``; then ``mem[out] ← a``.

Terms are :class:`Term` values: an op name and a tuple of arguments (sub-terms or ints).
"""

from __future__ import annotations

import dataclasses
from functools import cached_property

CONTEXTS: dict[str, tuple[str, ...]] = {"mem": (), "x": ("x",), "acc_x": ("acc", "x"), "ab": ("a", "b")}

UNARY = ("inc", "dec")
BINARY = ("add", "sub", "min", "max")
COMMUTATIVE = frozenset({"add", "min", "max"})
EXPR_OPS = ("const", "var", "cell", *UNARY, *BINARY, "ifz", "read")
PROGRAM_OPS = ("store", "map", "fold", "foldcells", "loop")

# program op -> the kinds of its arguments: an int parameter (a cell: where a loop starts,
# where a result goes, which cell holds a count), a constant, or an expression in a context
PARAMS = ("start", "out", "count")
PROGRAM_SIGNATURES: dict[str, tuple[str, ...]] = {  # enumerated in this order within a cost
    "map": ("start", "x"),
    "fold": ("start", "const", "acc_x", "out"),
    "foldcells": ("start", "const", "acc_x", "out"),
    "loop": ("count", "const", "const", "ab", "ab", "out"),
    "store": ("out", "mem"),  # last: straight-line code over many cells overfits the examples
}


@dataclasses.dataclass(frozen=True)
class Term:
    """A node: ``op`` and its arguments (``Term`` children, or ``int``/``str`` leaves)."""

    op: str
    args: tuple = ()

    @cached_property
    def size(self) -> int:
        """Number of nodes (int parameters of program ops are not nodes)."""
        return 1 + sum(a.size for a in self.args if isinstance(a, Term))

    def children(self) -> tuple[Term, ...]:
        return tuple(a for a in self.args if isinstance(a, Term))

    def ops(self) -> list[str]:
        """Every op in the term, with repetition (for construct-weight heuristics)."""
        out = [self.op]
        for c in self.children():
            out.extend(c.ops())
        return out

    def __str__(self) -> str:
        return show(self)


# ------------------------------------------------------------------------- constructors


def const(k: int) -> Term:
    return Term("const", (k,))


def var(name: str) -> Term:
    return Term("var", (name,))


def cell(k: int) -> Term:
    return Term("cell", (k,))


def app(op: str, *args: Term) -> Term:
    """An expression node; commutative operands are put in a canonical order."""
    if op in COMMUTATIVE and show(args[1]) < show(args[0]):
        args = (args[1], args[0])
    return Term(op, tuple(args))


# ---------------------------------------------------------------------- pretty printing

_INFIX = {"add": "+", "sub": "-"}


def show(t: Term) -> str:
    """A readable rendering, e.g. ``map 0 (λx. x + 1)``."""
    op, a = t.op, t.args
    if op == "const":
        return str(a[0])
    if op == "var":
        return a[0]
    if op == "cell":
        return f"mem[{a[0]}]"
    if op == "read":
        return f"mem[{show(a[0])}]"
    if op in ("inc", "dec"):
        return f"{op}({show(a[0])})"
    if op in _INFIX:
        return f"({show(a[0])} {_INFIX[op]} {show(a[1])})"
    if op in ("min", "max"):
        return f"{op}({show(a[0])}, {show(a[1])})"
    if op == "ifz":
        return f"(if {show(a[0])} = 0 then {show(a[1])} else {show(a[2])})"
    if op == "store":
        return f"mem[{a[0]}] ← {show(a[1])}"
    if op == "map":
        return f"map list@{a[0]} (λx. {show(a[1])})"
    if op in ("fold", "foldcells"):
        over = f"list@{a[0]}" if op == "fold" else f"cells {a[0]}..M-1"
        return f"mem[{a[3]}] ← fold {over} from {show(a[1])} (λacc x. {show(a[2])})"
    if op == "loop":
        return (
            f"mem[{a[5]}] ← a after mem[{a[0]}] times (a, b) ← ({show(a[3])}, {show(a[4])}) "
            f"from ({show(a[1])}, {show(a[2])})"
        )
    raise ValueError(f"unknown op {op!r}")
