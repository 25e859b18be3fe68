"""egglog rules: every rule is sound (both sides agree on random memories), every rule
fires on the test corpus, and extraction picks the form with the fewest machine lines."""

import time

import numpy as np

from synth.lang import Term, app, assign, cell, const, for_list, hole, if_nonzero, par, read, repeat, seq, var, write
from synth.rules import _SPAN, _program, bindings, rules, saturate
from synth.sample import expression, program
from synth.semantics import DIVERGED, execute

M = 8
x, y = cell(1), cell(2)


def seeds() -> list[Term]:
    """One instance of every rule's left-hand side (in rules' order), over cells so that
    each is a program whose behaviour can be checked."""
    c = lambda k: const(k % M)
    exprs = [
        app("dec", app("inc", x)), app("inc", app("dec", x)), app("sub", x, x), app("add", x, c(0)),
        app("add", c(0), x), app("sub", x, c(0)), app("min", x, x), app("max", x, x), app("min", x, c(0)),
        app("min", c(0), x), app("max", x, c(0)), app("max", c(0), x), app("min", x, c(M - 1)),
        app("max", x, c(M - 1)), app("add", x, c(1)), app("add", c(1), x), app("sub", x, c(1)),
        app("inc", app("inc", x)), app("dec", app("dec", x)), app("inc", app("add", x, c(3))),
        app("dec", app("sub", x, c(3))), app("sub", app("inc", x), app("inc", y)),
        app("sub", app("dec", x), app("dec", y)), app("sub", app("add", x, y), y), app("sub", app("add", y, x), y),
        app("add", app("sub", x, y), y), app("add", y, app("sub", x, y)), Term("ifz", (cell(3), x, x)),
        Term("ifz", (c(0), x, y)), Term("ifz", (c(2), x, y)), Term("ifz", (x, c(0), c(1))),
        Term("ifz", (x, c(1), c(0))), app("inc", c(5)), app("dec", c(0)),
        app("add", c(5), c(6)), app("sub", c(2), c(6)), app("min", c(2), c(6)), app("max", c(2), c(6)),
        Term("read", (c(3),)),
    ]  # fmt: skip
    stmts = [
        seq(assign("a", c(1)), write(c(0), var("a"))),
        write(x, read(x)),
        seq(assign("a", var("a")), write(c(0), var("a"))),
        repeat("c", c(0), write(c(0), c(1))),
        repeat("c", cell(0), write(var("c"), c(1))),
        for_list("i", "x", c(1), write(var("i"), app("inc", var("x")))),
        if_nonzero(x, seq()),
        if_nonzero(c(0), write(c(0), y)),
        if_nonzero(c(2), write(c(0), y)),
        if_nonzero(x, if_nonzero(x, write(c(0), y))),
    ]
    progs = [write(c(0), e) for e in exprs] + stmts
    # the skip rules: a sequence or par with an empty side
    progs += [
        Term("seq", (seq(), write(c(0), x))),
        Term("seq", (write(c(0), x), seq())),
        Term("par", (seq(), write(c(0), x))),
    ]
    return progs


def inputs(rng, n=64):
    X = rng.integers(0, M, size=(n, M))
    X[: n // 2, -1] = 0
    return X


def test_terms_round_trip_through_egglog(rng):
    # inserted and extracted with no rule run, every skeleton comes back as it went in
    ts = [program(np.random.default_rng(k), M) for k in range(200)]
    ts.append(for_list("i", "x", const(0), write(var("i"), hole(0, var("x"), var("i")))))
    ts.append(for_list("i", "x", const(0), write(var("i"), hole(0, var("x"), var("i"), lines=2))))
    assert list(saturate(ts, M, max_iterations=0).best) == ts


def test_holes_of_two_sizes_stay_apart():
    # a hole's size is part of the structure: the rules never merge a one-line hole with a two-line one
    ts = [seq(assign("a", hole(0, var("a"), cell(1), lines=n)), write(const(0), var("a"))) for n in (1, 2)]
    best = saturate(ts, M).best
    assert best[0] != best[1] and [str(b) for b in best] == [str(t) for t in ts]


def test_every_rule_is_sound_and_fires(rng):
    corpus = seeds() + [write(const(0), expression(np.random.default_rng(k), M, (), 3)) for k in range(150)]
    corpus += [program(np.random.default_rng(1000 + k), M) for k in range(60)]
    sat = saturate(corpus, M)
    assert sat.saturated
    unfired = [r for r, n in sat.matches.items() if n == 0]
    assert not unfired, f"rules with no instance in the corpus: {unfired}"
    X = inputs(rng)
    for t in corpus:
        want = execute(t, X, M)
        ok = (want != DIVERGED).all(1)
        for alt in [*sat.alternatives(t, 6), sat.best[corpus.index(t)]]:
            got = execute(alt, X, M)
            assert np.array_equal(got[ok], want[ok]), (str(t), str(alt))
    assert len(rules(M)) == len(sat.matches)


def test_extraction_prefers_fewer_machine_lines():
    swap = par(
        write(app("inc", app("inc", cell(0))), read(app("inc", app("inc", cell(1))))),
        write(app("inc", app("inc", cell(1))), read(app("inc", app("inc", cell(0))))),
    )
    sat = saturate([swap, write(const(0), app("dec", app("inc", cell(0))))], 10)
    assert str(sat.best[0]) == "mem[(2 + mem[0])], mem[(2 + mem[1])] ← mem[(2 + mem[1])], mem[(2 + mem[0])]"
    assert sat.best[1] == write(const(0), cell(0)) and sat.cost[1] < sat.cost[0]


def test_extraction_gives_what_egglogs_extract_command_gives():
    # one extractor for every term must pick the forms and costs egglog's own command
    # picks for each term alone (same cost model: constructor costs plus one per literal)
    corpus = seeds() + [program(np.random.default_rng(2000 + k), M) for k in range(80)]
    sat = saturate(corpus, M)
    zero = bindings.Lit(_SPAN, bindings.Int(0))
    outs = sat.egraph.run_program(
        *(bindings.Extract(_SPAN, bindings.Var(_SPAN, f"$t{i}"), zero) for i in range(len(corpus)))
    )
    prog = _program(M)
    assert [prog.term(o.termdag, o.term) for o in outs] == list(sat.best)
    assert [int(o.cost) for o in outs] == list(sat.cost)
    assert any(str(b) != str(t) for b, t in zip(sat.best, corpus))  # the rules changed forms


def test_a_passed_deadline_stops_the_rules_but_every_term_is_extracted():
    ts = seeds()
    late = saturate(ts, M, deadline=time.perf_counter())
    assert late.iterations == 0 and late.timed_out and not late.saturated
    assert late.best == saturate(ts, M, max_iterations=0).best
    full = saturate(ts, M)
    assert full.saturated and not full.timed_out and full.best != late.best
