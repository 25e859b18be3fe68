"""Lowering: the program computes what the skeleton does (differential), and fits."""

import numpy as np
import pytest

from bridge.lower import LoweringError, lower
from neural import run
from neural.asm import DEC, JEZ, JMP, MAX, NOOP, OPS, READ, VALUE_OPS, WRITE
from synth.lang import (
    Term,
    app,
    assign,
    cell,
    const,
    do_loop,
    for_list,
    hole,
    if_nonzero,
    par,
    read,
    repeat,
    seq,
    var,
    while_loop,
    write,
)
from synth.sample import program
from synth.semantics import DIVERGED, execute

ANC_OPS = tuple(range(11))  # STOP..JEZ: no NOOP, no JMP


ALL_OPS = tuple(range(len(OPS)))


def agree(t: Term, M: int, X: np.ndarray, ops=ALL_OPS, R_max: int = 12) -> int:
    """Lower ``t`` and check it against the semantics on the examples that do not diverge;
    returns how many were compared."""
    low = lower(t, M, R_max, ops)
    want = execute(t, X, M)
    got = run(low.program, X, 40 * M * M)
    ok = (want != DIVERGED).all(1)
    bad = np.flatnonzero(ok & ~((got.mem == want).all(1) & got.halted))
    assert not bad.size, (str(t), X[bad[0]].tolist(), want[bad[0]].tolist(), got.mem[bad[0]].tolist())
    return int(ok.sum())


@pytest.mark.parametrize(
    "M", [8, 11, pytest.param(15, marks=pytest.mark.slow), pytest.param(16, marks=pytest.mark.slow)]
)
def test_lowered_programs_agree_with_the_skeletons(M):  # 15 and 16: 20-30 s each, slow run only
    compared = lowered = 0
    for seed in range(150):
        rng = np.random.default_rng([M, seed])
        t = program(rng, M)
        X = rng.integers(0, M, size=(24, M))
        X[:16, -1] = 0  # most lists end; the rest may diverge
        try:
            compared += agree(t, M, X, ANC_OPS if seed % 3 == 0 else ALL_OPS)
            lowered += 1
        except LoweringError:
            continue
    assert lowered >= 20 and compared >= 300


def test_nested_conditionals_get_their_own_labels():
    # the regression: mem[0] <- if mem[1] = 0 then mem[2] else (if mem[3] = 0 then mem[4] else mem[5])
    t = write(const(0), Term("ifz", (cell(1), cell(2), Term("ifz", (cell(3), cell(4), cell(5))))))
    X = np.array(
        [[0, 1, 2, 0, 4, 5, 0, 0, 0, 0, 0], [3, 0, 2, 0, 4, 5, 0, 0, 0, 0, 0], [3, 1, 2, 1, 4, 5, 0, 0, 0, 0, 0]]
    )
    assert run(lower(t, 11, 12).program, X, 100).mem[:, 0].tolist() == [4, 2, 5]
    inner_cond = write(const(0), Term("ifz", (Term("ifz", (cell(1), cell(2), cell(3))), cell(4), cell(5))))
    agree(inner_cond, 11, np.random.default_rng(0).integers(0, 11, size=(64, 11)))


def test_common_subexpressions_and_no_trailing_stop():
    # max(mem[0], mem[1]) + min(inc(mem[1]), mem[0]): each cell read once, 7 lines where 10 were
    t = write(const(2), app("add", app("max", cell(0), cell(1)), app("min", app("inc", cell(1)), cell(0))))
    low = lower(t, 8, 8)
    assert len(low.program) == 7 and low.program.lines[-1].op != 0
    agree(t, 8, np.random.default_rng(1).integers(0, 8, size=(64, 8)))


def test_simultaneous_assignment_uses_an_inverse_not_a_temporary():
    fib = seq(
        assign("a", const(0)),
        assign("b", const(1)),
        repeat("c", cell(0), par(assign("a", app("add", var("a"), var("b"))), assign("b", var("a")))),
        write(const(0), var("a")),
    )
    low = lower(fib, 8, 8)
    X = np.arange(8)[:, None] * np.eye(8, dtype=int)[0][None]
    assert run(low.program, X, 100).mem[:, 0].tolist() == [0, 1, 1, 2, 3, 5, 0, 5]
    assert len(low.program) == 7  # READ n; JEZ; ADD; SUB; DEC; JMP; WRITE


def test_an_inverse_is_sought_only_for_values_of_the_two_variables():
    # a value that reads memory or has a hole is not a function of the variables alone:
    # min(b, mem[0]) is 0 on an empty memory, and was lowered as a ← 0
    M, X = 12, np.random.default_rng(2).integers(0, 12, size=(64, 12))
    cycle = lambda fa: par(assign("a", fa), assign("b", var("a")))
    out = par(write(const(1), var("a")), write(const(2), var("b")))
    t = seq(assign("a", cell(3)), assign("b", cell(4)), cycle(app("min", var("b"), cell(0))), out)
    assert agree(t, M, X) == 64
    low = lower(seq(cycle(hole(0, var("a"), var("b"))), out), M, 8)  # a temporary, not a ValueError
    assert len(low.free) == 1


def test_what_does_not_fit_says_why():
    big = for_list(
        "i", "x", const(0), write(var("i"), app("add", app("inc", app("inc", var("x"))), app("dec", var("x"))))
    )
    with pytest.raises(LoweringError, match="lines; the machine has M=4"):
        lower(big, 4, 8)
    with pytest.raises(LoweringError, match="registers"):
        lower(for_list("i", "x", const(0), write(var("i"), app("inc", var("x")))), 8, 2)
    # M lines that fall off the end would wrap around to line 0
    seven = par(*(write(const(k), app("inc", cell(k))) for k in range(3)))
    with pytest.raises(LoweringError, match="needs 10 lines"):
        lower(seven, 9, 12)


def test_anc_instruction_set_and_padding():
    t = for_list("i", "x", const(0), write(var("i"), app("inc", var("x"))))
    p = lower(t, 7, 6, ANC_OPS).program
    assert max(ln.op for ln in p.lines) <= 10 and JMP not in {ln.op for ln in p.lines}
    a, b = lower(t, 8, 6).program, lower(t, 8, 6, pad=1).program
    assert len(b) == len(a) + 1 and NOOP in {ln.op for ln in b.lines}
    X = np.array([[3, 4, 0, 0, 0, 0, 0, 0]])
    assert run(a, X, 100).mem.tolist() == run(b, X, 100).mem.tolist()


def test_holes_become_free_lines_reading_their_operands():
    t = for_list("i", "x", const(0), write(var("i"), hole(0, var("x"))))
    low = lower(t, 8, 8, hole_lines=2)
    first, last = (low.program.lines[k] for k in low.free)
    assert len(low.free) == 2 and first.op == NOOP and last.op == MAX
    read_line = next(ln for ln in low.program.lines if ln.op == READ)
    write_line = next(ln for ln in low.program.lines if ln.op == WRITE)
    assert last.a == read_line.o and last.o == write_line.b  # reads x, writes what is stored


def test_a_hole_lowers_to_its_own_size():
    # a hole of n lines is n free lines; one of two or more keeps the constant 1 in a register
    def body(n):
        step = assign("a", hole(0, var("a"), var("x"), lines=n))
        return seq(assign("a", const(0)), for_list("i", "x", const(2), step))

    one, two = (lower(seq(body(n), write(const(0), var("a"))), 8, 8) for n in (1, 2))
    assert len(one.free) == 1 and len(two.free) == 2 and len(two.program) == len(one.program) + 1
    assert 1 not in one.program.init and 1 in two.program.init
    k = two.program.init.index(1)
    # the constant's register is not the hole's output, and nothing else writes it
    assert all(ln.o != k for ln in two.program.lines if ln.op in VALUE_OPS)
    forced = lower(seq(body(1), write(const(0), var("a"))), 12, 8, hole_lines=3)
    assert len(forced.free) == 3
    for bad in (0, -1, 1.5):  # an override is a whole number of lines, at least one
        with pytest.raises(ValueError, match="hole_lines"):
            lower(seq(body(1), write(const(0), var("a"))), 12, 8, hole_lines=bad)


def test_a_hole_reads_its_operands_and_writes_only_what_is_dead_after_it():
    # parity's open fold: the hole reads a, mem[c] and the constant 1, writes a or the
    # cell it read (dead after it); never the counter, the labels or the constant
    step = assign("a", hole(0, var("a"), read(var("c")), lines=2))
    t = seq(assign("a", const(0)), repeat("c", const(7), step), write(const(0), var("a")))
    low = lower(t, 8, 10, R_min=6)
    p = low.program
    x = next(ln.o for ln in p.lines if ln.op == READ)
    a = next(ln.b for ln in p.lines if ln.op == WRITE)
    one = p.init.index(1)
    counter = next(ln.o for ln in p.lines if ln.op == DEC)
    jumps = {ln.b for ln in p.lines if ln.op in (JEZ, JMP)}
    assert set(low.writes) == {x, a} and low.outputs == ((low.free[-1], a),)
    assert set(low.reads) == {x, a, one}
    assert counter not in low.reads and not jumps & (set(low.reads) | set(low.writes))
    # a complete skeleton has no hole to limit
    whole = lower(seq(assign("a", const(0)), write(const(0), var("a"))), 8, 6)
    assert (whole.free, whole.reads, whole.writes, whole.outputs) == ((), (), (), ())


def test_a_loop_inside_a_parallel_block_is_refused():
    body = repeat("c", const(2), assign("a", var("a")))
    with pytest.raises(LoweringError, match="only writes and sets"):
        lower(Term("par", (assign("b", const(1)), body)), 8, 6)


def test_a_one_line_hole_reads_only_its_operands():
    # a one-line hole has no temporaries: a register dead after it that is not an operand
    # holds a stale value (here inc(mem[3]), dead once written), which would make the
    # hole a function of more than its operands
    b = assign("b", app("inc", read(const(3))))
    t = seq(b, write(const(3), var("b")), assign("a", hole(0, read(const(1)))), write(const(0), var("a")))
    low = lower(t, 12, 10)
    p = low.program
    (i,) = low.free
    cell = p.lines[i - 1].o  # the hole's operand, mem[1]
    assert p.lines[i - 1].op == READ and low.reads == (cell,)
    assert low.outputs == ((i, p.lines[i + 1].b),)


def test_a_copy_whose_sides_do_not_interfere_is_coalesced_away():
    """``if a = 0 then 3 else a`` copies ``a`` into the ``if``'s result on one branch and 3
    on the other; ``a`` is dead after it, so the result takes ``a``'s register and that
    copy is dropped (9 lines, not 10), while the copy of the constant, which is live in
    its own register, stays. The program still computes what the skeleton does."""
    v = var
    t = seq(
        for_list("i", "x", const(1), assign("a", app("add", v("a"), v("x")))),
        write(const(0), app("ifz", v("a"), const(3), v("a"))),
    )
    low = lower(t, 12, 10)
    copies = [ln for ln in low.program.lines if ln.op == MAX and ln.a == ln.b]
    assert len(low.program.lines) == 9
    assert len(copies) == 1 and copies[0].o != copies[0].a
    X = np.random.default_rng(0).integers(0, 12, size=(64, 12))
    X[:, -1] = 0
    assert agree(t, 12, X) == 64


def test_a_conditional_loop_test_branches_instead_of_computing_its_value():
    # find the first p >= 1 with mem[p] = mem[0]: the test is 0 at a match or once p wraps to 0
    p = var("p")
    ifz = lambda c, t, f: Term("ifz", (c, t, f))
    find = seq(
        while_loop("p", const(1), ifz(app("sub", read(p), cell(0)), const(0), p), app("inc", p), seq()),
        write(const(0), p),
    )
    low = lower(find, 12, 12)
    assert len(low.program) == 8  # two reads, a SUB, two JEZ, INC, JMP, WRITE: no value, no copy
    X = np.random.default_rng(0).integers(0, 4, size=(64, 12))
    assert agree(find, 12, X) == 64
    # every shape of branch: constant 0, other constants, values, a nested test; both loop kinds
    c, u, compared = app("sub", read(p), cell(0)), app("sub", p, cell(1)), 0
    X = np.random.default_rng(1).integers(0, 4, size=(64, 20))
    for t in (const(0), const(3), p, ifz(u, const(0), p)):
        for f in (const(0), const(2), p, ifz(u, p, const(0))):
            for loop in (while_loop, do_loop):
                body = seq(loop("p", const(1), ifz(c, t, f), app("inc", p), seq()), write(const(0), p))
                compared += agree(body, 20, X)
    assert compared >= 32 * 32  # of 32 loops × 64 examples; the others diverge


def test_a_loop_test_whose_branches_both_compute_values_still_fits():
    # branching costs a line here (JEZ on each branch's value, then a jump past the other)
    # and saves no step: where that does not fit, the test's value is computed and tested
    p = var("p")
    test = Term("ifz", (read(p), read(app("inc", p)), read(app("dec", p))))
    t = seq(while_loop("p", const(1), test, app("inc", p), seq()), write(const(0), p))
    assert len(lower(t, 16, 12).program) == 12  # branching, where it fits
    low = lower(t, 12, 12)
    assert len(low.program) == 11
    X = np.random.default_rng(0).integers(0, 3, size=(64, 12))
    assert agree(t, 12, X) >= 16


def test_a_conditional_value_written_and_set_at_once_is_computed_once():
    # forward fill: a, mem[p] <- the same ifz; once computed, the block reuses it
    p, a = var("p"), var("a")
    v = Term("ifz", (read(p), a, read(p)))
    t = while_loop("p", const(1), p, app("inc", p), par(assign("a", v), write(p, v)))
    low = lower(t, 10, 10)
    assert sum(ln.op == JEZ for ln in low.program.lines) == 2  # the loop test and one ifz
    X = np.random.default_rng(2).integers(0, 3, size=(64, 10))
    assert agree(t, 10, X) == 64
    assert len(lower(t, 16, 16, cse=False).program) > len(low.program)


def test_a_set_beside_a_write_takes_only_its_reads_before_the_write():
    # a filter: every element is written at a, which moves on where x - mem[0] is not 0.
    # mem[0] is read before the write (which might change it); the conditional step is
    # computed after it, in a's own register, not in a temporary copied into a
    a, x = var("a"), var("x")
    step = Term("ifz", (app("sub", x, read(const(0))), a, app("inc", a)))
    t = seq(
        assign("a", const(1)), for_list("i", "x", const(1), par(assign("a", step), write(a, x))), write(a, const(0))
    )
    low = lower(t, 12, 8)  # 13 lines when the whole step was computed before the write
    assert len(low.program) == 10 and not any(ln.op == MAX for ln in low.program.lines)  # no copy
    X = np.random.default_rng(3).integers(0, 4, size=(64, 12))
    X[:, -1] = 0  # every list ends
    assert agree(t, 12, X) == 64


@pytest.mark.parametrize("ops", [ALL_OPS, ANC_OPS])
def test_registers_are_traded_for_lines_when_a_program_needs_too_many(ops):
    # swapping a list with the one mirrored from cell 11: the exit jumps to line 11 (past the
    # end, a STOP) through the register of the constant 11; the second write computes its
    # address after the first; the jump to the head goes through a register zeroed before it.
    # 7 registers before any of these, 4 (and 2 more lines) with them
    i, x = var("i"), var("x")
    far = app("sub", const(11), i)
    t = for_list("i", "x", const(0), par(write(i, read(far)), write(far, x)))
    low = lower(t, 12, 4, ops)
    assert low.program.R == 4 and len(low.program) <= 11
    assert len(lower(t, 12, 8, ops).program) < len(low.program)  # with registers to spare, fewer lines
    X = np.random.default_rng(5).integers(1, 12, size=(64, 12))
    X[np.arange(64), np.random.default_rng(6).integers(0, 6, 64)] = 0  # lists of 0 to 5 elements
    assert agree(t, 12, X, ops, R_max=4) == 64


def _sets_beside_writes() -> dict[str, Term]:
    """Simultaneous blocks whose sets read what the block also sets, through a register a
    read was taken into or a variable's cached value (found by a review's fuzz)."""
    a, b, c, x, y, i = (var(n) for n in "abcxyi")
    return {
        "a write's value set elsewhere": seq(
            assign("x", cell(1)), par(write(cell(0), x), assign("x", const(0)), assign("y", x)), write(const(2), y)
        ),
        "a read that is the element": seq(
            for_list("i", "x", const(0), par(write(const(7), i), assign("x", const(3)), assign("y", read(i)))),
            write(const(6), y),
        ),
        "a read inside a value": seq(
            for_list(
                "i", "x", const(0), par(write(const(7), i), assign("x", const(3)), assign("y", app("inc", read(i))))
            ),
            write(const(6), y),
        ),
        "a cycle with a taken read": seq(
            assign("a", cell(1)),
            assign("b", cell(2)),
            par(write(const(9), const(1)), assign("a", app("add", b, cell(0))), assign("b", a)),
            write(const(10), a),
            write(const(11), b),
        ),
        "a swap": seq(
            assign("a", cell(1)),
            assign("b", cell(2)),
            par(assign("a", b), assign("b", a)),
            write(const(10), a),
            write(const(11), b),
        ),
        "a cycle of two and a set it reads": seq(
            assign("a", cell(0)),
            assign("b", cell(1)),
            assign("c", cell(2)),
            par(assign("b", a), assign("c", app("add", a, b)), assign("a", c)),
            write(const(9), a),
            write(const(10), b),
            write(const(11), c),
        ),
    }


@pytest.mark.parametrize("name", list(_sets_beside_writes()))
def test_simultaneous_sets_read_the_values_before_the_block(name):
    # a set is emitted after every set that reads its variable, a read taken into that
    # variable's register included; a cycle's temporary is a new register, and the set
    # moved into it is one on the cycle (a swap was wrong and the last case never ended)
    import signal

    t = _sets_beside_writes()[name]
    X = np.random.default_rng(0).integers(0, 12, size=(200, 12))
    X[:, 3] = 0  # every list ends
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("lowering did not end"))
    signal.alarm(20)
    try:
        assert agree(t, 12, X) == 200
    finally:
        signal.alarm(0)


def test_a_loop_that_goes_on_while_a_test_is_zero_is_tested_at_its_foot_where_that_fits():
    # the first p >= 1 with mem[p] != p (an exit that stops where mem[p] - p is not 0) or
    # mem[p] = 0: tested at its head it needs a jump past the loop and one back; at its
    # foot, one in. Used only where the head-tested program does not fit
    p = var("p")
    c = app("sub", read(p), p)
    X = np.random.default_rng(2).integers(0, 3, size=(64, 16))
    X[:, 1:4] = [1, 2, 3]  # some runs go on for a while
    compared = 0
    for t, body in ((read(p), seq()), (const(3), seq()), (read(app("inc", p)), write(p, const(0)))):
        loop = seq(while_loop("p", const(1), Term("ifz", (c, t, const(0))), app("inc", p), body), write(const(0), p))
        head = lower(loop, 16, 12).program
        assert head.lines[0].op != JMP
        M = len(head)  # tested at its head it needs a line past its end to stop at: no room
        foot = lower(loop, M, 12).program
        assert len(foot) == M - 1 and foot.lines[0].op == JMP, str(foot)
        compared += agree(loop, M, X[:, :M])
    assert compared >= 3 * 60


def test_a_do_loop_that_goes_on_while_a_cell_is_zero_takes_its_step_at_its_head():
    # do { body } while mem[p] = 0 (and t is not), p <- step: at its foot it needs a jump out
    # and one back; with the step at its head, one back and one in. Where the start is a
    # step from some x (dec(mem[0]) is dec(p) at p = mem[0]), the loop starts at x, no jump in
    p = var("p")
    X = np.random.default_rng(4).integers(0, 3, size=(64, 16))
    X[:, 0] = np.random.default_rng(5).integers(1, 16, size=64)
    compared = 0
    for start, t, body, jumps_in in (
        (app("dec", cell(0)), const(1), seq(), 0),
        (app("dec", cell(0)), read(app("inc", p)), seq(), 0),
        (app("inc", cell(1)), const(1), write(app("inc", p), p), 1),  # inc(mem[1]) is no dec(x)
        (const(5), app("sub", p, cell(2)), seq(), 1),
    ):
        test = Term("ifz", (read(p), t, const(0)))
        loop = seq(do_loop("p", start, test, app("dec", p), body), write(const(0), app("inc", p)))
        M = len(lower(loop, 16, 12).program)  # tested at its foot it needs a line past its end
        low = lower(loop, M, 12).program
        assert len(low) < M and sum(ln.op == JMP for ln in low.lines) == jumps_in, str(low)
        compared += agree(loop, M, X[:, :M] % M)
    assert compared >= 4 * 60
    # past the loop the test's value is still in its register: mem[0] <- mem[p] reads nothing again
    after = seq(do_loop("p", app("inc", cell(0)), Term("ifz", (read(p), const(1), const(0))), app("inc", p), seq()))
    after = seq(after, write(const(0), read(p)))
    low = lower(after, 8, 12).program
    assert sum(ln.op == READ for ln in low.lines) == 2, str(low)
    assert agree(after, 8, X[:, :8] % 8) >= 60


def test_a_loop_test_the_rewrites_made_branch_free_lowers_as_the_branch():
    # the rewrites turn ifz(c, 1, 0) into 1 - min(1, c), and extraction may keep it: as a
    # loop test it is the same test, and lowers in the same lines; min(1, c) tests c
    p = var("p")
    X = np.random.default_rng(6).integers(0, 3, size=(64, 8))
    X[:, 0] = np.random.default_rng(7).integers(1, 8, size=64)
    zero = read(app("dec", p))
    for loop in (while_loop, do_loop):
        forms = [Term("ifz", (zero, const(1), const(0))), app("sub", const(1), app("min", const(1), zero))]
        lows = [seq(loop("p", cell(0), f, app("dec", p), seq()), write(const(0), p)) for f in forms]
        assert len(lower(lows[1], 8, 12).program) == len(lower(lows[0], 8, 12).program)
        assert agree(lows[1], 8, X) >= 60
    walk = seq(while_loop("p", const(1), app("min", const(1), read(p)), app("inc", p), seq()), write(const(0), p))
    plain = seq(while_loop("p", const(1), read(p), app("inc", p), seq()), write(const(0), p))
    assert len(lower(walk, 12, 12).program) == len(lower(plain, 12, 12).program)


def test_a_jump_to_the_next_line_is_dropped():
    # b <- ifz(d, b, i): the branch that keeps b is empty, so the other one's jump past it
    # lands on the next line; dropped, the program is a line shorter and agrees
    a, b, x = var("a"), var("b"), var("x")
    f = app("max", a, x)
    t = seq(
        for_list("i", "x", const(1), par(assign("a", f), assign("b", app("ifz", app("sub", f, a), b, var("i"))))),
        write(const(0), b),
    )
    low = lower(t, 16, 12).program
    jumps = [(k, low.init[ln.b]) for k, ln in enumerate(low.lines) if ln.op in (JMP, JEZ)]
    assert jumps and all(to != k + 1 for k, to in jumps), str(low)
    X = np.random.default_rng(3).integers(0, 16, size=(64, 16))
    X[:, 9] = 0  # every list ends
    assert agree(t, 16, X) == 64


def test_a_guarded_block_jumps_past_its_body_where_its_test_is_zero():
    M, rng = 10, np.random.default_rng(0)
    X = rng.integers(0, M, (64, M))
    X[::2, 0] = 0
    swap = if_nonzero(cell(0), par(write(const(1), cell(2)), write(const(2), cell(1))))
    assert agree(swap, M, X, R_max=4) == 64
    low = lower(swap, M, 4)
    assert len(low.program.lines) == 6 and [ln.op for ln in low.program.lines].count(JEZ) == 1
    # a constant set under a guard is a line, not the register's initial value
    t = seq(if_nonzero(cell(0), assign("a", const(3))), write(const(1), var("a")))
    assert agree(t, M, X) == 64
    # a value computed before the guard is reused after it only if the body left it alone
    t = seq(
        write(const(3), app("inc", cell(2))), if_nonzero(cell(0), write(const(2), cell(5))), write(const(4), cell(2))
    )
    assert agree(t, M, X) == 64


def test_a_filter_lowers_to_a_guarded_block_inside_its_loop():
    """``a ← 1; for i, x in list@1 { if (x − mem[0]) ≠ 0 { mem[a], a ← x, inc(a) } };
    mem[a] ← 0``: the list's values other than cell 0's packed from cell 1."""
    M, rng = 12, np.random.default_rng(1)
    X = rng.integers(0, 4, (64, M))
    X[:, -1] = 0  # every list ends
    a = var("a")
    keep = if_nonzero(app("sub", var("x"), cell(0)), par(write(a, var("x")), assign("a", app("inc", a))))
    t = seq(assign("a", const(1)), for_list("i", "x", const(1), keep), write(a, const(0)))
    assert agree(t, M, X) == 64


def test_a_read_whose_value_was_written_is_reused_after_the_write():
    """``mem[a] ← mem[p]`` leaves ``mem[p]`` as it was read whether or not ``a = p``: the
    read after the write is the register read before it (one READ of ``mem[p]``)."""
    M, rng = 8, np.random.default_rng(2)
    X = rng.integers(0, M, (64, M))
    X[::3, 1] = X[::3, 0]  # a = p on a third of them
    a, p = var("a"), var("p")
    t = seq(assign("a", cell(0)), assign("p", cell(1)), write(a, read(p)), write(const(2), app("inc", read(p))))
    assert agree(t, M, X) == 64
    low = lower(t, M, 4)
    assert [ln.op for ln in low.program.lines].count(READ) == 3  # cells 0 and 1, then mem[p] once


def test_a_counted_walk_lowers_to_a_count_down_beside_its_cursor():
    """``a ← 1; i ← 1; repeat c ← mem[0] times { if mem[i] ≠ 0 { mem[a], a ← mem[i],
    inc(a) }; i ← inc(i) }; mem[0] ← dec(a)``: a length-prefixed list at cell 0 loses its
    zeros, in 11 lines (a 12-cell machine's program must leave a line to stop on)."""
    M, rng = 12, np.random.default_rng(3)
    X = rng.integers(0, 4, (64, M))
    X[:, 0] = rng.integers(0, M - 1, 64)
    a, i = var("a"), var("i")
    keep = if_nonzero(read(i), par(write(a, read(i)), assign("a", app("inc", a))))
    walk = seq(assign("i", const(1)), repeat("c", cell(0), seq(keep, assign("i", app("inc", i)))))
    t = seq(assign("a", const(1)), walk, write(const(0), app("dec", a)))
    assert agree(t, M, X) == 64
    assert len(lower(t, M, 10).program.lines) <= 11
