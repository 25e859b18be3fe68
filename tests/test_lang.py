"""The skeleton language: construction, printing, desugaring, and the semantics."""

import numpy as np
import pytest

from synth.lang import (
    Term,
    app,
    assign,
    cell,
    const,
    cost,
    desugar,
    for_list,
    hole,
    hole_operands,
    hole_size,
    holes,
    if_nonzero,
    par,
    read,
    repeat,
    resize,
    seq,
    substitute,
    var,
    variables,
    while_loop,
    write,
)
from synth.semantics import DIVERGED, execute

M = 8


def mem(*cells):
    return np.array([list(cells) + [0] * (M - len(cells))])


def test_constructors_normalise():
    assert app("add", var("x"), const(1)) == app("add", const(1), var("x"))  # commutative: one order
    assert app("sub", var("x"), const(1)) != app("sub", const(1), var("x"))
    assert read(const(3)) == cell(3)
    assert seq(seq(assign("a", const(0))), write(const(0), var("a"))).op == "seq"
    assert len(seq(seq(assign("a", const(0)), assign("b", const(1))), write(const(0), var("a"))).args) == 3
    assert par(write(const(0), const(1))).op == "write"


def test_printing_is_readable():
    t = for_list("i", "x", const(0), write(var("i"), app("inc", var("x"))))
    assert str(t) == "for i, x in list@0 { mem[i] ← inc(x) }"
    swap = par(write(const(0), cell(1)), write(const(1), cell(0)))
    assert str(swap) == "mem[0], mem[1] ← mem[1], mem[0]"
    assert str(hole(0, var("x"), var("a"))) == "?0(x, a)"
    assert str(hole(0, var("x"), var("a"), lines=2)) == "?0:2(x, a)"


def test_a_hole_costs_its_lines():
    one, two = hole(0, var("a"), var("x")), hole(0, var("a"), var("x"), lines=2)
    assert (cost(one, {}), cost(two, {}), cost(two, {"hole": 3})) == (1, 2, 6)
    assert two.size == one.size + 1 and two.ops().count("hole") == 2
    t = seq(write(const(0), one), write(const(1), hole(0, cell(1))))
    sized = resize(t, iter([2, 3]))
    assert [hole_size(h) for h in holes(sized)] == [2, 3]
    assert [hole_operands(h) for h in holes(sized)] == [hole_operands(h) for h in holes(t)]
    with pytest.raises(ValueError, match="at least one line"):
        hole(0, var("a"), lines=0)


def test_substitute_and_variables():
    e = app("add", var("u"), var("w"))
    assert substitute(e, {"u": var("a"), "w": read(var("i"))}) == app("add", var("a"), read(var("i")))
    t = seq(assign("a", const(0)), for_list("i", "x", const(1), assign("a", app("add", var("a"), var("x")))))
    assert variables(t) == {"a", "i", "x"}


def test_loops_desugar_to_while():
    body = write(var("c"), const(1))
    assert desugar(repeat("c", cell(0), body)) == while_loop("c", cell(0), var("c"), app("dec", var("c")), body)
    d = desugar(for_list("i", "x", const(0), body))
    assert d.op == "while" and d.args[2] == read(var("i")) and d.args[4].args[0] == assign("x", read(var("i")))


def test_statements_on_hand_checked_examples():
    x, a, i = var("x"), var("a"), var("i")
    assert execute(par(write(const(0), cell(1)), write(const(1), cell(0))), mem(5, 6), M)[0, :2].tolist() == [6, 5]
    # a sequence sees its own writes; a par does not
    assert execute(seq(write(const(0), cell(1)), write(const(1), cell(0))), mem(5, 6), M)[0, :2].tolist() == [6, 6]
    mapped = for_list("i", "x", const(0), write(i, app("dec", x)))
    assert execute(mapped, mem(3, 1, 5), M)[0, :4].tolist() == [2, 0, 4, 0]
    fold = seq(assign("a", const(0)), for_list("i", "x", const(1), assign("a", app("add", a, x))), write(const(0), a))
    assert execute(fold, mem(0, 3, 4, 6), M)[0, 0] == (3 + 4 + 6) % M
    fib = seq(
        assign("a", const(0)),
        assign("b", const(1)),
        repeat("c", cell(0), par(assign("a", var("b")), assign("b", app("add", a, var("b"))))),
        write(const(0), a),
    )
    assert [execute(fib, mem(n), M)[0, 0] for n in range(8)] == [0, 1, 1, 2, 3, 5, 0, 5]
    # pointer chasing: 2 -> 4 -> 6 -> 0; the last node's value field is at +1
    chase = seq(
        while_loop("p", cell(0), var("p"), read(var("p")), assign("a", var("p"))),
        write(const(1), read(app("inc", var("a")))),
    )
    assert execute(chase, mem(2, 0, 4, 0, 6, 0, 0, 7), M)[0, 1] == 7
    # a guarded block runs where its test is not 0; its test sees the memory before it
    guarded = if_nonzero(cell(0), seq(write(const(0), const(0)), write(const(1), cell(0))))
    assert execute(guarded, np.concatenate([mem(0, 5), mem(3, 5)]), M)[:, :2].tolist() == [[0, 5], [0, 0]]
    assert str(guarded) == "if mem[0] ≠ 0 { mem[0] ← 0; mem[1] ← mem[0] }"


def test_nested_loops_sort():
    inner = par(
        write(var("i"), app("min", read(var("i")), var("y"))), write(var("j"), app("max", read(var("i")), var("y")))
    )
    sort = for_list("i", "x", const(0), for_list("j", "y", app("inc", var("i")), inner))
    assert execute(sort, mem(5, 2, 7, 1), M)[0, :5].tolist() == [1, 2, 5, 7, 0]


def test_divergence_and_holes():
    loop = for_list("i", "x", const(0), write(var("i"), var("x")))  # no 0 anywhere: runs forever
    assert (execute(loop, np.full((1, M), 3), M) == DIVERGED).all()
    with pytest.raises(ValueError, match="holes"):
        execute(write(const(0), hole(0, cell(1))), mem(1), M)
    with pytest.raises(ValueError, match="not a statement"):
        execute(Term("add", (const(1), const(2))), mem(1), M)


def test_hole_sizes_are_whole_and_resize_needs_one_per_hole():
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError):
            hole(0, cell(1), lines=bad)
    t = seq(write(const(0), hole(0, cell(1))), write(const(1), hole(1, cell(2))))
    assert str(resize(t, iter([2, 1]))) == "mem[0] ← ?0:2(mem[1]); mem[1] ← ?1(mem[2])"
    with pytest.raises(ValueError, match="fewer sizes"):
        resize(t, iter([2]))
