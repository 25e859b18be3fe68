"""Program search: solving for values, the loop structures, and what it finds."""

import functools
import itertools

import numpy as np
import pytest

import synth.search as search_module
from neural import Examples
from synth import SizePrior, SynthConfig, enumerate_programs, execute
from synth.lang import (
    LOOPS,
    Term,
    app,
    assign,
    cell,
    const,
    cost,
    for_list,
    if_nonzero,
    par,
    read,
    reads,
    repeat,
    seq,
    show,
    substitute,
    var,
    write,
)
from synth.loops import carry_counts, orbits, pair_orbits, run_nested
from synth.search import Search, Spec, _Runs, _words, useful
from synth.semantics import value
from synth.solve import Table, functional, pair_choice

TABLE1 = ["inc", "map_inc", "map_dec", "reduce", "parity", "fibonacci"]
ANC = ["access", "increment", "swap", "listk", "addition", "sort"]


def test_first_is_the_cheapest_match(rng):
    values = rng.integers(0, 4, size=(50, 12))
    tab = Table([None] * 50, np.arange(50), values, 4)
    points = rng.integers(0, 12, size=(30, 5))
    g = rng.integers(0, 50, size=30)
    need = values[g[:, None], points]
    got = tab.first(points, need)
    want = [next(k for k in range(50) if (values[k, p] == n).all()) for p, n in zip(points, need)]
    assert got.tolist() == want
    assert tab.first(points[:1], (need[:1] + 1) % 4)[0] in (-1, *range(50))
    valid = np.zeros_like(points, dtype=bool)
    assert (tab.first(points, need, valid) == 0).all()  # no point counts: the cheapest fits


def test_functional_detects_clashes():
    pts = np.array([[1, 2, 1], [1, 2, 3]])
    need = np.array([[5, 6, 5], [5, 6, 5]])
    assert functional(pts, need).tolist() == [True, True]
    assert functional(pts, np.array([5, 6, 7])).tolist() == [False, True]


def test_functional_agrees_with_a_set_for_dense_and_sparse_points():
    rng = np.random.default_rng(0)
    for hi in (8, 2**40):  # a table per query, and (sparse points, e.g. hashes) a sort per query
        pts = rng.integers(0, hi, (60, 20))
        pts[:, 1] = pts[:, 0]
        f = rng.integers(0, 3, (60, 20))
        need = np.where(rng.random((60, 20)) < 0.5, f, f[:, :1])
        want = [len(set(zip(p, n))) == len(set(p)) for p, n in zip(pts.tolist(), need.tolist())]
        assert functional(pts, need).tolist() == want
    # hashes (uint64) that happen to sit close together take the table path
    h = np.array([[2**63 + 5, 2**63 + 7, 2**63 + 5]], dtype=np.uint64)
    assert functional(h, np.array([1, 2, 1])).tolist() == [True]
    assert functional(h, np.array([1, 2, 3])).tolist() == [False]


def test_dead_variables_are_not_useful():
    live = for_list("i", "x", const(0), assign("a", var("x")))
    assert not useful(live)  # a is set and never read
    assert useful(for_list("i", "x", const(0), write(var("i"), var("x"))))


@pytest.mark.parametrize("name", TABLE1 + ANC)
def test_every_builtin_is_found_and_generalises(name, task):
    t = task(name)
    r = enumerate_programs(t.train, t.machine.M, cfg=SynthConfig(max_cost=14))
    assert r.solutions, name
    for c in r.solutions:  # each is correct on every train example
        assert t.train.correct(execute(c.term, t.train.inputs, t.machine.M)).all()
    assert any(t.test.correct(execute(c.term, t.test.inputs, t.machine.M)).all() for c in r.solutions), name


def test_search_is_deterministic(task):
    t = task("reduce")
    a = [
        str(c.term)
        for c in enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=8, stop_when_solved=False)).candidates
    ]
    b = [
        str(c.term)
        for c in enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=8, stop_when_solved=False)).candidates
    ]
    assert a == b and a


class NoFor(SizePrior):
    """A user heuristic in a few lines: list walks cost a lot to enumerate."""

    def costs(self, examples):
        return {"for": 9}


def test_a_plugged_in_heuristic_changes_the_enumeration_order(task):
    t = task("map_inc")
    base = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=12))
    mine = enumerate_programs(t.train, 8, NoFor(), SynthConfig(max_cost=12))
    assert base.solutions and mine.solutions
    # the walk costs 8 more: found later, or another loop kind is found first
    assert base.stats.max_cost == 2 and mine.stats.max_cost > 2
    assert any(n.op == "for" for n in base.solutions[0].term.walk())
    assert base.stats.enumerated < mine.stats.enumerated


def test_holes_keep_structures_the_examples_allow(task):
    t = task("map_inc")
    # with values solved from leaves only (no inc), the map survives as a hole
    cfg = SynthConfig(max_cost=2, stop_when_solved=False, holes=True, solve_cost=1, deep_cost=1)
    r = enumerate_programs(t.train, 8, cfg=cfg)
    texts = [str(c.term) for c in r.structures]
    assert "for i, x in list@0 { mem[i] ← ?0(x, i) }" in texts
    # ... at each size, the two-line hole costing one more
    one, two = (
        next(c for c in r.structures if str(c.term) == f"for i, x in list@0 {{ mem[i] ← {h}(x, i) }}")
        for h in ("?0", "?0:2")
    )
    assert two.cost == one.cost + 1
    assert not any(":3(" in x for x in texts)  # hole_lines = 2: no larger hole
    assert not r.solutions
    for c in r.structures:
        assert any(n.op == "hole" for n in c.term.walk())
    # a structure the examples contradict is dropped: the walk over list@1 misses cell 0
    assert not any("list@1" in str(c.term) for c in r.structures)


def test_an_open_fold_is_proposed_below_every_complete_fold(task):
    t = task("reduce")
    done = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=12))
    L = done.stats.max_cost
    r = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=L - 1, holes=True))
    assert not r.solutions
    texts = [str(c.term) for c in r.structures]
    assert "a ← 0; for i, x in list@1 { a ← ?0(a, x) }; mem[0] ← a" in texts
    # filling the open step with the solution's own step gives a correct program
    step = next(n for n in done.solutions[0].term.walk() if n.op == "set" and n.args[0] == "a" and "x" in str(n))
    fold = next(c.term for c in r.structures if str(c.term).startswith("a ← 0; for i, x in list@1 { a ← ?0(a, x)"))
    filled = _fill(fold, step.args[1])
    assert t.train.correct(execute(filled, t.train.inputs, 8)).all()


def test_an_open_fold_is_proposed_at_each_size(task):
    t = task("reduce")
    L = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=12)).stats.max_cost
    fold = "a ← 0; for i, x in list@1 {{ a ← {}(a, x) }}; mem[0] ← a"
    by_size = {}
    for lines in (1, 2):
        r = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=L - 1, holes=True, hole_lines=lines))
        by_size[lines] = {str(c.term): c.cost for c in r.structures}
    assert fold.format("?0") in by_size[1] and not any(":2(" in x for x in by_size[1])
    # a two-line step is a structure of its own, one level (one cost) above the one-line one
    assert by_size[2][fold.format("?0:2")] == by_size[2][fold.format("?0")] + 1
    assert set(by_size[1]) < set(by_size[2])
    with pytest.raises(ValueError, match="hole_lines"):
        enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=3, holes=True, hole_lines=0))


def test_open_folds_the_examples_contradict_are_dropped(task):
    # the targets of parity are not a function of the cursor's sequence alone (it is the
    # same for every list of one length), so no fold over the cursor is kept
    t = task("parity")
    r = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=7, holes=True, stop_when_solved=False))
    folds = [str(c.term) for c in r.structures if "a ← ?0(a, " in str(c.term)]
    assert folds and any("mem[c])" in f for f in folds)
    assert not any(f.endswith("?0(a, c) }; mem[0] ← a") for f in folds)


def test_a_straight_line_value_out_of_reach_is_left_open(task):
    t = task("inc")
    r = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=3, holes=True))
    assert not r.solutions
    assert [str(c.term) for c in r.structures] == ["mem[0] ← ?0(mem[0])"]


def _fill(t, e):
    """``t`` with its hole replaced by ``e``."""
    if t.op == "hole":
        return e
    return type(t)(t.op, tuple(_fill(a, e) if hasattr(a, "op") else a for a in t.args))


def test_more_levels_after_the_first_solution_give_more_solutions(task):
    t = task("reduce")
    one = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=12))
    more = enumerate_programs(t.train, 8, cfg=SynthConfig(max_cost=12, extra_levels=2))
    assert more.stats.max_cost == one.stats.max_cost + 2 and len(more.solutions) > len(one.solutions)


def test_orbits_match_stepping_every_example():
    """The gathered orbits equal stepping ``a <- f(a)`` per example, held after ``n`` steps."""
    rng = np.random.default_rng(0)
    for _ in range(30):
        M, G, copies, B, F = (int(x) for x in rng.integers([2, 1, 1, 1, 1], [17, 9, 4, 9, 12]))
        f = rng.integers(0, M, size=(G, M))
        a = np.repeat(rng.integers(0, M, size=(copies, B)), G, axis=0)
        n = rng.integers(0, F + 1, size=B)
        want = np.empty((len(a), B, F + 1), dtype=np.int64)
        want[:, :, 0] = a
        vals, rows = np.tile(f, (copies, 1)), np.arange(len(a))[:, None]
        for t in range(F):
            a = np.where((t < n)[None], vals[rows, a], a)
            want[:, :, t + 1] = a
        assert np.array_equal(orbits(f, want[:, :, 0], n, copies, F), want)


def test_an_open_straight_line_write_beside_a_computed_address_write():
    # mem[mem[0]] ← mem[1] and mem[7] ← table(mem[2]): the table is no expression the level
    # reaches, so cell 7 is left open (?0(mem[2])); the computed-address write next to it
    # must still be found (a hole size once shadowed the value table's length here)
    rng = np.random.default_rng(0)
    M, B = 8, 24
    X = rng.integers(0, M, (B, M))
    X[:, 0] = rng.integers(3, 7, B)
    Y = X.copy()
    Y[np.arange(B), X[:, 0]] = X[:, 1]
    Y[:, 7] = np.array([5, 2, 7, 0, 3, 6, 1, 4])[X[:, 2]]
    ex = Examples(X, Y, np.ones((B, M), bool))
    r = enumerate_programs(ex, M, cfg=SynthConfig(max_cost=6, holes=True, hole_lines=2, time_limit=60))
    assert "mem[7], mem[mem[0]] ← ?0(mem[2]), mem[1]" in {str(c.term) for c in r.structures}


def test_pair_orbits_match_stepping_every_example():
    """The pair orbits, gathered at ``min(t, n)``, equal stepping ``(a, b)`` per example."""
    rng = np.random.default_rng(1)
    for _ in range(20):
        M, N, B, F = (int(x) for x in rng.integers([2, 1, 1, 1], [9, 12, 6, 10]))
        fa, fb = rng.integers(0, M, size=(N, M * M)), rng.integers(0, M, size=(N, M * M))
        a0, b0 = (int(x) for x in rng.integers(0, M, 2))
        n = rng.integers(0, F + 1, size=B)
        a, b = np.full((N, B), a0), np.full((N, B), b0)
        want_a, want_b = [a], [b]
        r = np.arange(N)[:, None]
        for t in range(F):
            live = (t < n)[None]
            a, b = np.where(live, fa[r, a * M + b], a), np.where(live, fb[r, a * M + b], b)
            want_a.append(a)
            want_b.append(b)
        oa, ob = pair_orbits(fa, fb, a0, b0, M, F)
        t = np.minimum(np.arange(F + 1)[None], n[:, None])
        assert np.array_equal(oa[:, t], np.stack(want_a, 2)) and np.array_equal(ob[:, t], np.stack(want_b, 2))


def test_static_choices_answer_as_trying_every_choice_per_query(task):
    """Solving with static choices answered once (and kept for the next call) gives each
    query what trying every choice in order for that query alone gives."""
    rng = np.random.default_rng(2)
    t = task("inc")
    s = Search(Spec.of(t.train, 4), SizePrior(), SynthConfig(holes=True))
    M, P, N = 4, 6, 40
    values = rng.integers(0, M, size=(30, M * M))
    tab = Table([var(f"t{g}") for g in range(30)], np.arange(30), values, M * M)
    fixed = [(var(f"s{k}"), rng.integers(0, M, P), False) for k in range(3)]
    fits = values[7, fixed[0][1] * M + fixed[1][1]]  # the static pair (s0, s1) fits this
    for need in (fits, rng.integers(0, M, P)):  # a static answer, and (likely) none
        memo: dict = {}
        for _ in range(3):  # the memo carries over: the static choices and the need stay
            dyn = [(var(f"d{k}"), rng.integers(0, M, (N, P)), True) for k in range(2)]
            pairs = list(itertools.combinations([fixed[0], *dyn, *fixed[1:]], 2))
            choices = [pair_choice(tab, a, b, M) for a, b in pairs]
            holes = [pair_choice(None, a, b, M) for a, b in pairs]
            got = s.solve(N, need, choices, holes, memo)
            for q in range(N):
                want = None
                for ch in [*choices, *holes]:
                    pts = ch.points() if ch.static else ch.points(np.array([q]))[0]
                    if not functional(pts[None], need)[0]:
                        continue
                    if ch.table is None:
                        want = f"?0({', '.join(str(x) for x in ch.env)})"
                        break
                    g = tab.first(pts[None], need)[0]
                    if g >= 0:
                        want = str(substitute(tab.terms[g], ch.env))
                        break
                assert (None if got[q] is None else str(got[q])) == want


@pytest.mark.parametrize("inner", ["after", "pairs"])
def test_the_nested_runner_agrees_with_execute(task, inner):
    """Nested-loop programs run by the batched runner end where :func:`execute` ends them."""
    t = task("sort")
    M, X = t.machine.M, t.train.inputs
    s = Search(Spec.of(t.train, M), SizePrior(), SynthConfig())
    tf = s.level("uw", 3)
    rng = np.random.default_rng(3)
    f, g = rng.integers(0, len(tf), 40), rng.integers(0, len(tf), 40)
    for start in (0, 1):
        out, ok = run_nested(start, inner, tf.values[f], tf.values[g], X, M, s.F * s.F)
        assert ok.any()
        for n in np.flatnonzero(ok):
            want = execute(Search._nested_term(start, inner, tf.terms[f[n]], tf.terms[g[n]]), X, M)
            fine = (want != -1).all(1)  # execute's fuel is its own
            assert np.array_equal(out[n][fine], want[fine])


def _right_on(test: Examples, terms, M: int) -> list:
    """The ``terms`` right on every example of ``test``."""
    return [t for t in terms if test.correct(execute(t, test.inputs, M)).all()]


def _generalising(make, M: int, rng, **cfg) -> tuple:
    """Search 16 train examples of ``make(rng, B, M)`` with ``SynthConfig(**cfg)``; the
    result, and its solutions right on 200 test examples drawn after them."""
    train, test = make(rng, 16, M), make(rng, 200, M)
    r = enumerate_programs(train, M, cfg=SynthConfig(**cfg))
    return r, _right_on(test, [c.term for c in r.solutions], M)


def _lists(rng, B: int, M: int) -> tuple[np.ndarray, np.ndarray]:
    """``B`` memories with a 0-terminated list at cell 0 (1 to ``M - 2`` elements) and
    random cells after it; and the lists' lengths."""
    X = rng.integers(0, M, (B, M))
    n = rng.integers(1, M - 1, B)
    for b in range(B):
        X[b, : n[b]] = rng.integers(1, M, n[b])
        X[b, n[b]] = 0
    return X, n


def _after_loop(t) -> tuple:
    """A single-loop skeleton's loop and the writes after it."""
    stmts = t.args if t.op == "seq" else (t,)
    k = max(j for j, s in enumerate(stmts) if s.op in ("for", "repeat", "while", "do"))
    return stmts[k], [w for s in stmts[k + 1 :] for w in (s.args if s.op == "par" else (s,))]


def _cursor_task(kind: str, rng, B: int, M: int) -> Examples:
    X, n = _lists(rng, B, M)
    Y, r = X.copy(), np.arange(B)
    if kind == "sum at the end":  # the list's sum in its terminating cell
        Y[r, n] = np.array([x[:k].sum() % M for x, k in zip(X, n)])
    else:  # the list's last element in cell 0
        Y[:, 0] = X[r, n - 1]
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_write_after_a_loop_at_its_final_cursor():
    """The sum of a list written at its terminating cell: the write after the loop is at
    the loop's final cursor (``mem[i] ← a``), as no constant cell could be."""
    M, rng = 8, np.random.default_rng(4)
    _, good = _generalising(functools.partial(_cursor_task, "sum at the end"), M, rng, max_cost=9, time_limit=120)
    assert good
    for t in good:
        loop, after = _after_loop(t)
        assert any(loop.args[0] in reads(w.args[0]) for w in after), str(t)


def test_a_pure_walk_is_kept_when_a_write_after_it_reads_its_cursor():
    """The last element copied to cell 0: a loop with an empty body walks to the list's
    end, and the write after it reads ``mem[dec(i)]``. Every pure walk the search keeps
    uses its cursor after the loop."""
    M, rng = 12, np.random.default_rng(5)
    r, good = _generalising(functools.partial(_cursor_task, "last"), M, rng, max_cost=9, time_limit=120)
    assert good
    loop, after = _after_loop(good[0])
    assert loop.args[-1] == seq()
    assert any(read(app("dec", var(loop.args[0]))) in w.args[1].walk() for w in after), str(good[0])
    for c in (c for c in r.candidates if c.family == "loop"):
        loop, after = _after_loop(c.term)
        if loop.args[-1] == seq():
            assert any(loop.args[0] in reads(w) for w in after), str(c.term)


def _chase(rng, B: int, M: int) -> Examples:
    """Every cell an address: from cell 1, follow ``mem[0]`` (1 to 4) pointers ``p ←
    mem[p]`` and clear the cell reached. The address is a carried variable's final value,
    not a loop cursor's or a constant."""
    X = rng.integers(0, M, (B, M))
    X[:, 0] = rng.integers(1, 5, B)
    Y = X.copy()
    for b in range(B):
        p = 1
        for _ in range(X[b, 0]):
            p = X[b, p]
        Y[b, p] = 0
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_write_after_a_loop_at_a_carried_variables_final_value():
    """Pointers chased `mem[0]` times from cell 1 and the cell reached cleared: the write
    after the loop is at the carried pointer (`mem[a] ← 0`), not at the cursor or a constant."""
    M, rng = 8, np.random.default_rng(6)
    _, good = _generalising(_chase, M, rng, max_cost=8, time_limit=120)
    assert good
    for t in good:
        loop, after = _after_loop(t)
        assert any(reads(w.args[0]) and loop.args[0] not in reads(w.args[0]) for w in after), str(t)


def _two_largest(rng, B: int, M: int) -> Examples:
    X = rng.integers(0, M, (B, M))
    Y = X.copy()
    a, b, c = X[:, 0], X[:, 1], X[:, 2]
    Y[:, 3] = (np.maximum(a, b) + np.maximum(np.minimum(a, b), c)) % M
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_straight_line_value_past_the_bank_is_met_in_the_middle():
    """The sum of the two largest of three cells is past the bank's depth: it is found as
    a sum of two bank values with the target's values, and not on too few examples to
    tell it from chance."""
    M, rng = 8, np.random.default_rng(7)
    s = Search(Spec.of(_two_largest(rng, 16, M), M), SizePrior(), SynthConfig(time_limit=None))
    st = s._straight(8)
    assert st["cell"][3] < 0  # not in the bank
    t, k = s._straight_meet(3, st)
    assert (value(t, M, memory=s.spec.inputs) == s.spec.outputs[:, 3]).all(), str(t)
    assert k > st["table"].costs.max()
    few = Search(Spec.of(_two_largest(rng, 5, M), M), SizePrior(), SynthConfig(time_limit=None))
    assert few._straight_meet(3, few._straight(8)) is None


def _sum_but_largest(rng, B: int, M: int) -> Examples:
    """A list at cell 1; cell 0 becomes the sum of all its elements but the largest."""
    X, n = _lists(rng, B, M - 1)
    X = np.concatenate([rng.integers(0, M, (B, 1)), X], 1)
    Y = X.copy()
    Y[:, 0] = [(x[1 : 1 + k].sum() - x[1 : 1 + k].max()) % M for x, k in zip(X, n)]
    return Examples(X, Y, np.ones((B, M), bool))


def _met_accumulators(train: Examples, M: int) -> list:
    """The accumulator pairs a search meets from the one-variable configurations of cost
    at most ``ACCUMULATOR_COST`` of every control, held programs released."""
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    for budget in range(1, Search.ACCUMULATOR_COST + 1):
        for ctl in s.controls():
            carry = s.carries(ctl, budget)
            if carry is not None:
                s.accumulators(ctl, carry, np.arange(carry.N), budget)
    s._release(float("inf"))
    return [c.term for c in s.found.values() if c.family == "accumulators"]


def test_two_accumulators_in_one_loop_are_met_after_it():
    """A list's sum less its largest element: two folds in one loop (``a ← a + x``,
    ``b ← max(b, x)``) combined after it, met in the middle from the one-variable
    configurations; not on too few examples to tell it from chance."""
    M, rng = 8, np.random.default_rng(8)
    train, test = _sum_but_largest(rng, 16, M), _sum_but_largest(rng, 200, M)
    good = _right_on(test, _met_accumulators(train, M), M)
    assert good
    for t in good:
        loop, after = _after_loop(t)
        sets = loop.args[-1].args if loop.args[-1].op == "par" else (loop.args[-1],)
        assert {st.args[0] for st in sets} == {"a", "b"}, str(t)
        assert after[0].args[1].op in ("add", "sub"), str(t)
    assert not _met_accumulators(_sum_but_largest(rng, 4, M), M)


def test_a_program_found_ahead_of_its_level_is_held_until_then():
    """A correct program recorded past the level being searched is not a candidate
    until the search reaches its level (it must not end the search before cheaper ones),
    and one found wrong never is."""
    M = 8
    s = Search(Spec.of(_two_largest(np.random.default_rng(9), 16, M), M), SizePrior(), SynthConfig(time_limit=None))
    top2 = app("add", app("max", cell(0), cell(1)), app("max", cell(2), app("min", cell(0), cell(1))))
    right, wrong = write(const(3), top2), write(const(3), app("max", cell(0), cell(1)))
    s.current = 5
    s.record(right, "straight-line", 12)
    s.record(wrong, "straight-line", 12)
    assert not s.found and not s.solved
    s._release(11)
    assert not s.found
    s._release(12)
    assert list(s.found) == [str(right)]


def _argmax(rng, B: int, M: int) -> Examples:
    """A list at cell 1 (one element or more); cell 0 becomes the address of its first
    largest element."""
    X, n = _lists(rng, B, M - 1)
    X = np.concatenate([rng.integers(0, M, (B, 1)), X], 1)
    Y = X.copy()
    Y[:, 0] = [1 + int(np.argmax(x[1 : 1 + k])) if k else 0 for x, k in zip(X, n)]
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_witness_keeps_the_cursor_where_a_fold_last_changed():
    """A list's argmax: ``b`` keeps the cursor of the iteration where the running maximum
    last rose, ``a, b ← max(a, x), ifz(max(a, x) − a, b, i)``: met with its fold's
    configurations (``a ← 0; a ← max(a, x)``, budget 6), held past their level, and
    right on new examples."""
    M, rng = 8, np.random.default_rng(9)
    train, test = _argmax(rng, 16, M), _argmax(rng, 200, M)
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    for ctl in s.controls():
        carry = s.carries(ctl, 6)
        if carry is not None:
            s.witnesses(ctl, carry, np.arange(carry.N), 6)
    assert not s.found  # held for their level
    s._release(float("inf"))
    good = _right_on(test, [c.term for c in s.found.values()], M)
    assert good, [str(c.term) for c in s.found.values()]
    for t in good:
        loop, after = _after_loop(t)
        sets = loop.args[-1].args if loop.args[-1].op == "par" else (loop.args[-1],)
        b = next(st.args[1] for st in sets if st.args[0] == "b")
        a = next(st.args[1] for st in sets if st.args[0] == "a")
        assert b.op == "ifz" and b.args[0] == app("sub", a, var("a")), str(t)
        assert "b" in reads(after[0].args[1]), str(t)


def _swap_mirrored(rng, B: int, M: int) -> Examples:
    """A 0-terminated list at cell 0 (0 to ``M // 2 − 1`` elements) and one as long read
    down from cell ``M − 1``: each element trades places with its mirror."""
    X = rng.integers(1, M, (B, M))
    Y, K = X.copy(), np.zeros((B, M), bool)
    for b, n in enumerate(rng.integers(0, M // 2, B)):
        X[b, n] = Y[b, n] = 0
        a, m = np.arange(n), M - 1 - np.arange(n)
        Y[b, a], Y[b, m] = X[b, m], X[b, a]
        K[b, a] = K[b, m] = True
    return Examples(X, Y, K)


def test_a_body_of_two_writes_solves_each_write_on_its_own():
    """Swapping a list with the one mirrored from the last cell takes two writes an
    iteration, at the cursor and at its mirror: the two addresses never write one cell,
    so each value is solved for as a one-write body's is, its operands fresh for both."""
    M, rng = 12, np.random.default_rng(8)
    train, test = _swap_mirrored(rng, 16, M), _swap_mirrored(rng, 200, M)
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    for ctl in s.controls():
        carry = s.carries(ctl, 0)
        s.complete(ctl, carry, np.arange(carry.N))
    good = _right_on(test, [c.term for c in s.found.values()], M)
    assert good, [str(c.term) for c in s.found.values()]
    for t in good:
        loop, _ = _after_loop(t)
        body = loop.args[-1]
        assert body.op == "par" and [w.op for w in body.args] == ["write", "write"], str(t)


def test_a_spent_budget_stops_solving_a_controls_writes():
    """With the search's time spent, completing a control solves for none of its write
    sites (each site solves a body value per configuration: heldout14's ``lp_tile`` ran
    10 s past its deadline in them); with time left, the same call solves them."""
    M, rng = 12, np.random.default_rng(8)
    train = _swap_mirrored(rng, 16, M)
    for spent in (False, True):
        s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
        ctl = next(c for c in s.controls() if c.addresses)
        carry = s.carries(ctl, 0)
        if spent:
            s.deadline = 0.0
        s.complete(ctl, carry, np.arange(carry.N))
        assert (s.stats.completions == 0) == spent, s.stats.completions


@pytest.mark.parametrize("release", [True, False])
def test_a_program_held_past_max_cost_is_kept_only_if_held_programs_are_released(task, release):
    """A search that ends at ``max_cost`` keeps what it held for a later level, unless
    ``release_held`` is off (an honest cap on structure)."""
    t = task("inc")
    s = Search(Spec.of(t.train, 8), SizePrior(), SynthConfig(max_cost=1, release_held=release))
    ahead = write(const(0), app("inc", cell(0)))
    s.record(ahead, "straight-line", level=5)  # held: the search is at level 0
    assert str(ahead) not in s.found
    s.run()
    assert (str(ahead) in s.found) == release


def _count_task(rng, B: int, M: int) -> Examples:
    """A list at cell 1 and a value in cell 0; cell 0 becomes how many elements are below
    the value (every count from 0 up turns up in 16 examples)."""
    X, n = _lists(rng, B, M - 1)
    X = np.concatenate([rng.integers(1, M, (B, 1)), X], 1)
    Y = X.copy()
    Y[:, 0] = [(x[1 : 1 + k] < x[0]).sum() % M for x, k in zip(X, n)]
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_counter_counts_where_a_test_of_its_operands_holds():
    """``a ← ifz(w, a, inc(a))`` with ``w`` solved for: the elements below cell 0 are
    counted by a test of two operands (the element and cell 0) that no carried update of
    one operand states."""
    M, rng = 8, np.random.default_rng(5)
    _, good = _generalising(_count_task, M, rng, time_limit=120)
    assert good
    assert any(n.op == "ifz" and reads(n.args[0]) >= {"x"} for n in good[0].walk()), str(good[0])


@pytest.mark.parametrize("name", ["count", "map_inc", "reduce"])
def test_counters_keep_only_tests_whose_count_is_a_result(name, task):
    """Every test kept counts some iterations but not all, and its count is some changed
    cell's targets less one constant, on every example that compares the cell."""
    if name == "count":
        M, ex = 8, _count_task(np.random.default_rng(6), 16, 8)
    else:
        t = task(name)
        M, ex = t.machine.M, t.train
    s = Search(Spec.of(ex, M), SizePrior(), SynthConfig())
    kept = 0
    for ctl in s.controls()[:60]:
        tests, held = s._counters(ctl)
        kept += len(tests)
        assert held.shape == (len(tests), *ctl.v.shape)
        assert not (held & ~ctl.valid).any()
        assert all(h[ctl.valid].any() and not h[ctl.valid].all() for h in held)
        count = held.sum(2) % M  # (N, B)
        D, K, Y = s.spec.changed, s.spec.mask, s.spec.outputs
        for n in count:
            d = (Y - n[:, None]) % M
            assert any(len(set(d[K[:, c], c].tolist())) == 1 for c in np.flatnonzero(D.any(0)))
    assert kept or name != "count"


def test_every_counter_kept_counts_as_its_program_runs():
    """A counter's trajectory is what its program computes: each kept test's loop, run by
    :func:`execute` with its count written to a free cell, gives the carry's final count
    (a swapped ``ifz`` branch or sense would not)."""
    M, ex = 8, _count_task(np.random.default_rng(9), 16, 8)
    s = Search(Spec.of(ex, M), SizePrior(), SynthConfig())
    checked = 0
    for ctl in s.controls()[:40]:
        tests, held = s._counters(ctl)
        if not tests:
            continue
        c = carry_counts(tests, held, M)
        finals = c.finals(ctl, np.arange(len(tests)))[0][1]  # (N, B)
        for i in range(len(tests)):
            inits, sets = c.describe(i)
            out = execute(seq(*inits, ctl.term(par(*sets)), write(const(M - 1), var("a"))), ex.inputs, M)
            assert np.array_equal(out[:, M - 1], finals[i]), str(tests[i])
            checked += 1
    assert checked


def test_counts_run_as_carried_trajectories():
    rng = np.random.default_rng(7)
    held = rng.random((5, 3, 6)) < 0.5
    held[:, :, 4:] = False  # past the last iteration
    c = carry_counts([(var("w"), False)] * 5, held, 4)
    want = np.concatenate([np.zeros((5, 3, 1), int), np.cumsum(held, 2)], 2) % 4
    assert np.array_equal(c.traj["a"], want)
    (a0,), (step,) = c.describe(2)
    assert a0 == assign("a", const(0)) and step.args[1].op == "ifz"


def _erase_task(rng, B: int, M: int) -> Examples:
    """A list at cell 1 and a value in cell 0 (mostly one of the list's); the elements
    equal to it become ``M - 1`` (0 would end the list)."""
    X, n = _lists(rng, B, M - 1)
    X = np.concatenate([np.zeros((B, 1), int), X], 1)
    for b in range(B):
        X[b, 0] = X[b, 1 + rng.integers(n[b])] if rng.random() < 0.8 else rng.integers(1, M)
    Y = X.copy()
    for b in range(B):
        Y[b, 1 : 1 + n[b]] = np.where(X[b, 1 : 1 + n[b]] == X[b, 0], M - 1, X[b, 1 : 1 + n[b]])
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_body_value_can_be_one_of_two_operands_by_a_test():
    """``mem[i] ← ifz(w, e1, e2)``: no expression of the operands writes ``M - 1`` where
    the element equals cell 0 and the element elsewhere; the branches and the test are
    solved for."""
    M, rng = 8, np.random.default_rng(8)
    _, good = _generalising(_erase_task, M, rng, time_limit=120)
    assert good
    writes = [n for n in good[0].walk() if n.op == "write"]
    assert any(w.args[1].op == "ifz" for w in writes), str(good[0])


def test_loop_controls_stop_at_the_time_limit(task):
    """Deriving the loop controls' operands is the slow part at large M (51 ms a control
    at M = 64): it stops at the search's time limit, not after every control."""
    t = task("map_inc")
    s = Search(Spec.of(t.train, t.machine.M), SizePrior(), SynthConfig(time_limit=0.0))
    assert s.controls() == [] and s.stop == "time_limit"
    s = Search(Spec.of(t.train, t.machine.M), SizePrior(), SynthConfig())
    assert s.controls() and not s.stop


def _below_largest(rng, B: int, M: int) -> Examples:
    """A list at cell 0 (zeros after it); each element becomes how far it is below the
    list's largest."""
    X, n = np.zeros((B, M), dtype=np.int64), rng.integers(1, M - 1, B)
    for b in range(B):
        X[b, : n[b]] = rng.integers(1, M, n[b])
    Y = X.copy()
    for b in range(B):
        Y[b, : n[b]] = X[b, : n[b]].max() - X[b, : n[b]]
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_loop_after_a_fold_reads_the_value_it_leaves():
    """A loop's result (``a`` after it) is a value a loop after it may read: every result
    kept is what its loop leaves in ``a``, and with the list's maximum as ``a`` the second
    loop's body is solved for (``mem[i] ← a - x``)."""
    M, rng = 8, np.random.default_rng(6)
    train = _below_largest(rng, 16, M)
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    ctl = next(c for c in s.controls() if str(c.term(seq())).startswith("for i, x in list@0 "))
    for budget in range(1, s.AGGREGATE_COST - ctl.cost + 1):
        if (carry := s.carries(ctl, budget)) is not None:
            s._keep_aggregates(ctl, carry, np.arange(carry.N), ctl.cost + budget)
    kept = s.aggregates()
    assert kept
    for loop, _, vals in kept:
        assert any(n.op == "set" and n.args[0] == "a" and "a" in reads(n.args[1]) for n in loop.walk()), str(loop)
        out = execute(seq(loop, write(const(0), var("a"))), train.inputs, M)
        assert np.array_equal(out[:, 0], vals), str(loop)
    fold = "a ← 0; for i, x in list@0 { a ← max(a, x) }"
    level = next(c for loop, c, _ in kept if str(loop) == fold)
    carry = s.carries(ctl, level)
    s.complete(ctl, carry, np.arange(carry.N))
    assert f"{fold}; for i, x in list@0 {{ mem[i] ← (a - x) }}" in s.found


@pytest.mark.slow
def test_a_fold_then_a_map_over_its_result_is_found():
    """The whole search finds the two loops (level 10 at ``M = 8``: about a minute), and
    they generalise."""
    M, rng = 8, np.random.default_rng(6)
    _, good = _generalising(_below_largest, M, rng, time_limit=180)
    assert good
    assert sum(n.op == "for" for n in good[0].walk()) == 2, str(good[0])


def test_a_nested_loop_writing_only_its_outer_cell_is_a_fold():
    """An inner loop that writes ``mem[i]`` alone (the other write keeps its cell) is
    built as the fold it is, ``a`` carried, and runs as the batched runner runs the
    two-write loop; a write of a cell's own value is left out."""
    M, rng = 12, np.random.default_rng(7)
    X, _ = _lists(rng, 40, M)
    u, w = var("u"), var("w")
    uu, ww = np.divmod(np.arange(M * M), M)  # f's and g's values at every u * M + w
    for op, f_vals in (("add", (uu + ww) % M), ("max", np.maximum(uu, ww)), ("sub", (uu - ww) % M)):
        t = Search._nested_term(0, "after", app(op, u, w), w)
        assert any(n.op == "set" and n.args[0] == "a" for n in t.walk()), str(t)
        assert not any(n.op == "write" and n.args[0] == var("j") for n in t.walk()), str(t)
        out, ok = run_nested(0, "after", f_vals[None], ww[None], X, M, (M + 1) ** 2)
        want = execute(t, X, M)
        fine = ok[0] & (want != -1).all(1)
        assert fine.any() and np.array_equal(out[0][fine], want[fine])
    for inner in ("after", "pairs"):  # one write keeps its cell: only the other is made
        t = Search._nested_term(0, inner, u, app("add", u, w))
        assert sum(n.op == "write" for n in t.walk()) == 1, str(t)


def _first_above(rng, B: int, M: int) -> Examples:
    """A value in cell 0 and a list at cell 1; cell 0 becomes the list's first element
    above the value, or 0 if there is none."""
    X, n = _lists(rng, B, M - 1)
    X = np.concatenate([rng.integers(1, M, (B, 1)), X], 1)
    Y = X.copy()
    for b in range(B):
        xs = X[b, 1 : 1 + n[b]]
        Y[b, 0] = next((x for x in xs if x > X[b, 0]), 0)
    return Examples(X, Y, np.ones((B, M), bool))


def _first_equal(rng, B: int, M: int) -> Examples:
    """A value in cell 0 and a list at cell 1, zeros after it; cell 0 becomes the address of
    the first element equal to the value, or 0 if there is none."""
    X, n = _lists(rng, B, M - 1)
    X[np.arange(M - 1)[None] > n[:, None]] = 0
    X = np.concatenate([rng.integers(1, M, (B, 1)), X], 1)
    for b in range(0, B, 2):  # half the values are in the list, anywhere
        X[b, 0] = X[b, 1 + rng.integers(0, n[b])]
    Y = X.copy()
    for b in range(B):
        Y[b, 0] = next((1 + k for k in range(n[b]) if X[b, 1 + k] == X[b, 0]), 0)
    return Examples(X, Y, np.ones((B, M), bool))


def _linked_find(rng, B: int, M: int) -> Examples:
    """A value in cell 0 and a linked list of ``[value, next]`` nodes whose head's address
    is in cell 1 (``next`` 0 ends it); cell 0 becomes the address of the first node holding
    the value, or 0 if none does. The node at an address is not found by counting."""
    X = rng.integers(0, M, (B, M))
    for b in range(B):
        nodes = rng.permutation(np.arange(2, M - 1, 2))[: rng.integers(1, (M - 2) // 2 + 1)]
        X[b, 1] = nodes[0]
        X[b, nodes] = rng.integers(1, M, len(nodes))
        X[b, nodes + 1] = [*nodes[1:], 0]
        X[b, 0] = X[b, rng.choice(nodes)] if b % 2 else rng.integers(1, M)
    Y = X.copy()
    for b in range(B):
        p = X[b, 1]
        while p and X[b, p] != X[b, 0]:
            p = X[b, p + 1]
        Y[b, 0] = p
    return Examples(X, Y, np.ones((B, M), bool))


@pytest.mark.parametrize("make", [_first_above, _first_equal, _linked_find])
def test_every_exit_runs_as_its_loop_runs(make):
    """A loop with an exit (it also stops before the first iteration where a solved-for
    test of its operands holds) runs, as a term, the iterations and to the cursor the
    search computed for it (``for``, ``repeat`` and ``while`` loops); and an exit stops
    where the targets say."""
    M, rng = 10 if make is _linked_find else 8, np.random.default_rng(8)
    train = make(rng, 16, M)
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    for level in range(1, 9):
        s.add_exits(level)
    exits = [c for c in s.controls() if c.exit is not None]
    assert exits
    X = train.inputs
    for ctl in exits:
        counted = ctl.term(assign("a", app("inc", var("a"))))
        t = seq(assign("a", const(0)), counted, par(write(const(0), var("a")), write(const(1), var(ctl.name))))
        out = execute(t, X, M)
        assert np.array_equal(out[:, 0], ctl.n % M) and np.array_equal(out[:, 1], ctl.end % M), str(counted)
    stops = [X[np.arange(len(X)), c.end] if make is _first_above else c.end % M for c in exits]
    assert any((at == train.outputs[:, 0]).all() for at in stops)


@pytest.mark.slow
def test_the_first_element_above_a_value_is_found_by_an_exit():
    """The whole search (about 15 s at ``M = 8``) finds a loop that stops at the first
    element above the value, and it generalises."""
    M, rng = 8, np.random.default_rng(8)
    _, good = _generalising(_first_above, M, rng, time_limit=120)
    assert good and good[0].op == "seq" and good[0].args[0].op == "while", str(good[:1])


def _cut_at_value(rng, B: int, M: int) -> Examples:
    """A value in cell 0 and a 0-terminated list at cell 1 of values that repeat, random
    cells after it; the list's first element equal to the value becomes 0, which ends the
    list there (nothing changes if none is)."""
    X = rng.integers(0, M, (B, M))
    for b in range(B):
        n = rng.integers(1, M - 1)
        X[b, 1 : 1 + n] = rng.integers(1, 4, n)
        X[b, 1 + n] = 0
        X[b, 0] = X[b, rng.integers(1, 1 + n)] if b % 3 else rng.integers(1, M)
    Y = X.copy()
    for b in range(B):
        k = next(k for k in range(1, M) if X[b, k] in (0, X[b, 0]))
        Y[b, k] = 0
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_loop_that_stops_where_the_change_is_is_found_by_an_exit():
    """No cell's targets say where a list is cut (the changed cell moves from example to
    example, and its target is 0): an exit is kept because it stops, on every example that
    changes, at the changed cell, and the write after it at the cursor generalises."""
    M, rng = 8, np.random.default_rng(3)
    _, good = _generalising(_cut_at_value, M, rng, time_limit=60)
    assert good and good[0].args[0].op == "while" and good[0].args[-1].op == "write", str(good[:1])


def _swap_node_ends(rng, B: int, M: int) -> Examples:
    """A linked list of ``[next, value]`` nodes at even cells, its head's address in cell 0
    (0: empty), junk elsewhere (half of it 0, so that a walk over consecutive cells stops
    anywhere); the first and the last node swap values."""
    X = rng.integers(0, M, (B, M)) * rng.integers(0, 2, (B, M))
    Y = X.copy()
    for b in range(B):
        n = rng.integers(2, (M - 2) // 2 + 1) if b % 4 else b % 8 // 4  # mostly two nodes or more
        nodes = rng.permutation(np.arange(2, M - 1, 2))[:n]
        X[b, 0] = nodes[0] if len(nodes) else 0
        X[b, nodes] = [*nodes[1:], 0]
        X[b, nodes + 1] = rng.integers(1, M, len(nodes))
        Y[b] = X[b]
        if len(nodes):
            Y[b, nodes[0] + 1], Y[b, nodes[-1] + 1] = X[b, nodes[-1] + 1], X[b, nodes[0] + 1]
    return Examples(X, Y, np.ones((B, M), bool))


def test_writes_after_a_walk_go_to_a_pointer_read_from_a_fixed_cell():
    """After a walk to a linked list's tail, one write goes to the tail's value field and
    one to the head's, ``inc(mem[0])``, an address read from a fixed cell (the walk writes
    nothing, so it is the input's), whose value is read there too."""
    M, rng = 10, np.random.default_rng(5)
    _, good = _generalising(_swap_node_ends, M, rng, time_limit=60)
    assert good and "inc(mem[0])" in show(good[0]), [show(t) for t in good[:1]]


def _pop_zeros(rng, B: int, M: int) -> Examples:
    """A stack in cells ``1..sp - 1``, its pointer ``sp`` in cell 0, zeros on top of most
    (junk above it); the pointer drops below the zeros on top (to 1 if all are)."""
    X = rng.integers(0, M, (B, M))
    Y = X.copy()
    for b in range(B):
        sp = X[b, 0] = rng.integers(1, M)
        X[b, 1:sp] = rng.integers(0, 3, sp - 1)
        X[b, max(1, sp - rng.integers(0, 4)) : sp] = 0  # up to three zeros on top
        Y[b, 0] = 1 + max((k for k in range(1, sp) if X[b, k]), default=0)
    mask = np.zeros((B, M), bool)
    mask[:, 0] = True
    return Examples(X, Y, mask)


def test_a_loop_goes_on_while_a_cell_is_zero():
    """The pointer's target is one past where a walk down over the zeros stops: no exit's
    signal (its targets are neither the cursor nor the cell there), but a loop that goes
    on while ``mem[p]`` (or ``mem[dec(p)]``) is 0, then one write, generalises."""
    M, rng = 10, np.random.default_rng(6)
    _, good = _generalising(_pop_zeros, M, rng, time_limit=60)
    assert good and "= 0 then 1 else 0" in show(good[0]), [show(t) for t in good[:1]]


def _above_running_min(rng, B: int, M: int) -> Examples:
    """A list at cell 1 (junk after its 0); each element becomes how far it is above the
    smallest element up to it, itself included."""
    X, n = _lists(rng, B, M - 1)
    X = np.concatenate([rng.integers(0, M, (B, 1)), X], 1)
    Y = X.copy()
    for b in range(B):
        xs = X[b, 1 : 1 + n[b]]
        Y[b, 1 : 1 + n[b]] = xs - np.minimum.accumulate(xs)
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_body_value_reads_the_carried_update_it_is_written_beside():
    """``mem[i] ← (x − min(a, x))`` beside ``a ← min(a, x)``: the value costs 5 over the
    variable before the update, past the solving tables, and 3 over its value after it
    (``x − a'``); the body stays simultaneous, the update written out in the value."""
    M, rng = 10, np.random.default_rng(7)
    _, good = _generalising(_above_running_min, M, rng, time_limit=60)
    assert good and "(x - min(a, x))" in show(good[0]), [show(t) for t in good[:1]]


def _list_length(rng, B: int, M: int) -> Examples:
    """A list at cell 1 (zeros after it); cell 0 becomes its length."""
    X, n = np.zeros((B, M), dtype=np.int64), rng.integers(1, M - 1, B)
    for b in range(B):
        X[b, 1 : 1 + n[b]] = rng.integers(1, M, n[b])
    Y = X.copy()
    Y[:, 0] = n
    mask = np.zeros((B, M), bool)
    mask[:, 0] = True
    return Examples(X, Y, mask)


def test_of_exits_with_one_run_the_cheapest_is_added():
    """Exits of two controls may run alike (``i ← 1`` under a ``for`` loop and under a
    ``while`` loop, stopped by different tests): the one added is the cheapest, even when
    a cheaper control's exits were added at an earlier level."""
    M, top = 12, 11
    train = _list_length(np.random.default_rng(9), 16, M)
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    plain = {c.run_key() for c in s.controls()}
    costs: dict[bytes, list[int]] = {}
    for ctl in [c for c in s.controls() if c.cost <= top - 2]:
        for e in s.exits(ctl):
            costs.setdefault(e.run_key(), []).append(e.cost)
    assert any(len(set(c)) > 1 for c in costs.values())  # a run two exits make, at two costs
    for level in range(1, top + 1):
        s.add_exits(level)
    added = [c for c in s.controls() if c.exit is not None]
    assert sorted(c.run_key() for c in added) == sorted(k for k in costs if k not in plain)
    assert all(c.cost == min(costs[c.run_key()]) for c in added), [(c.cost, costs[c.run_key()]) for c in added]
    assert [c.cost for c in s.controls()] == sorted(c.cost for c in s.controls())


def test_exits_past_max_cost_are_left_out_and_the_rest_kept_in_order(task):
    """A search to cost 7 keeps exactly the exits one with no cost bound finds that cost
    at most 7, in the same order (the first of equal exits is kept): matching rows whose
    test costs too much only in the ways a cheap row meets loses and reorders none."""
    t = task("map_inc")
    wide = Search(Spec.of(t.train, 8), SizePrior(), SynthConfig(max_cost=40))
    s = Search(Spec.of(t.train, 8), SizePrior(), SynthConfig(max_cost=7))
    kept = over = 0
    for a, b in zip(s.controls(), wide.controls()):
        if a.cost <= 5:
            got = [(str(e.exit[0]), e.exit[1], e.cost) for e in s.exits(a)]
            want = [(str(e.exit[0]), e.exit[1], e.cost) for e in wide.exits(b)]
            assert got == [w for w in want if w[2] <= 7], (got, want)
            kept, over = kept + len(got), over + len(want) - len(got)
    assert kept and over  # both kinds occur


def test_an_exit_stops_at_the_first_point_its_test_holds():
    """``_Runs.stop`` on one example and on all: the first iteration of each example's run
    where the test is nonzero (or zero), or the whole run; runs of no iterations too."""
    rng = np.random.default_rng(4)
    for _ in range(200):
        n = rng.integers(0, 5, rng.integers(1, 6))
        nz = rng.random((rng.integers(1, 6), n.sum())) < rng.random()
        runs, starts = _Runs(nz, n), np.cumsum(n) - n
        for zero in (False, True):
            want = np.array(
                [[next((t for t in range(k) if row[s + t] != zero), k) for s, k in zip(starts, n)] for row in nz]
            ).reshape(len(nz), len(n))
            assert np.array_equal(runs.stop(slice(None), zero), want)
            rows = np.flatnonzero(rng.random(len(nz)) < 0.5)
            assert np.array_equal(runs.stop(rows, zero), want[rows])
            for b in range(len(n)):
                assert np.array_equal(runs.stop(rows, zero, b), want[rows, b])
                assert np.array_equal(runs.stop_all(b, zero), want[:, b])


def _histogram(rng, B: int, M: int) -> Examples:
    """A list of 1s and 2s at cell 3; cells 1 and 2 become how many elements equal 1 and 2."""
    X, n = np.zeros((B, M), dtype=np.int64), rng.integers(1, M - 3, B)
    for b in range(B):
        X[b, 3 : 3 + n[b]] = rng.integers(1, 3, n[b])
    Y = X.copy()
    for b in range(B):
        xs = X[b, 3 : 3 + n[b]]
        Y[b, 1], Y[b, 2] = (xs == 1).sum(), (xs == 2).sum()
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_scatter_writes_at_addresses_read_from_the_data():
    """``mem[x] ← inc(mem[x])`` writes each count many times; run for every ``f`` at once,
    the loops kept leave the targets on the train examples and count on new ones."""
    M, rng = 8, np.random.default_rng(9)
    train, test = _histogram(rng, 16, M), _histogram(rng, 200, M)
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    for ctl in s.controls():
        s.scatters(ctl, s.c("read") + 2 * s.c("var"))
    kept = [c.term for c in s.found.values()]
    assert "for i, x in list@3 { mem[x] ← inc(mem[x]) }" in map(str, kept)
    assert all(train.correct(execute(t, train.inputs, M)).all() for t in kept)
    assert _right_on(test, kept, M)


def _inverse(rng, B: int, M: int) -> Examples:
    """A permutation of ``0..M/2 − 1`` in the first half; the second half becomes its
    inverse (cell ``M/2 + p[i]`` gets ``i``)."""
    h = M // 2
    X = rng.integers(0, M, (B, M))
    X[:, :h] = [rng.permutation(h) for _ in range(B)]
    Y = X.copy()
    for b in range(B):
        Y[b, h + X[b, :h]] = np.arange(h)
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_scatter_writes_at_an_offset_from_the_data():
    """An inverse permutation writes each ``i`` at ``k + p[i]``: the scatter's address is
    an operand plus a constant, at the budget of ``mem[k + x] ← x``, and generalises."""
    M, rng = 8, np.random.default_rng(10)
    train, test = _inverse(rng, 16, M), _inverse(rng, 200, M)
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    for ctl in s.controls():
        s.scatters(ctl, s.c("read") + 2 * s.c("var"))
    assert not s.found  # at cell x itself, nothing fits
    for ctl in s.controls():
        s.scatters(ctl, s.c("read") + 2 * s.c("var") + s.c("add") + 2)
    kept = [c.term for c in s.found.values()]
    assert kept and all("(4 + mem[" in str(t) for t in kept), [str(t) for t in kept]
    assert _right_on(test, kept, M)


def _magnitude(rng, B: int, M: int) -> Examples:
    """A list at cell 0; each element, read as signed, becomes its magnitude ``min(x, M − x)``."""
    X, n = _lists(rng, B, M)
    Y = X.copy()
    for b in range(B):
        Y[b, : n[b]] = np.minimum(X[b, : n[b]], M - X[b, : n[b]])
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_body_value_past_the_solving_tables_is_solved_for_one_operand():
    """``min(x, 0 − x)`` costs 5, past the solving tables' 4: a function of one operand
    that takes many values is solved with deeper ones, and generalises."""
    M, rng = 8, np.random.default_rng(11)
    r, good = _generalising(_magnitude, M, rng, max_cost=4, time_limit=120)
    assert good, [str(c.term) for c in r.solutions]
    loop, _ = _after_loop(good[0])
    assert cost(loop.args[-1].args[1], {}) > SynthConfig().solve_cost, str(good[0])


def _from_both_ends(rng, B: int, M: int) -> Examples:
    """A list at cell 0 and a second list stored backwards from the last cell; each element
    of the first becomes itself less the second's element at the same position."""
    X, Y, mask = np.zeros((B, M), dtype=np.int64), None, np.zeros((B, M), bool)
    n = rng.integers(1, M // 2, B)
    for b in range(B):
        X[b, : n[b]] = rng.integers(1, M, n[b])
        X[b, M - n[b] :] = rng.integers(0, M, n[b])
        mask[b, : n[b] + 1] = True
    Y = X.copy()
    for b in range(B):
        Y[b, : n[b]] = (X[b, : n[b]] - X[b, M - 1 - np.arange(n[b])]) % M
    return Examples(X, Y, mask)


def test_a_body_reads_a_list_walked_from_its_other_end():
    """``mem[c − i]``: the cell mirrored from the cursor, as a second list stored from the
    end of memory is read; the solution generalises."""
    r, good = _generalising(_from_both_ends, 10, np.random.default_rng(4), max_cost=8)
    assert any("mem[(9 - i)]" in str(t) for t in good), [str(c.term) for c in r.solutions][:3]


def _hops(rng, B: int, M: int) -> Examples:
    """From cell 1, hop forward by each cell's value until a cell holding 0; cell 0 becomes
    where the hops stopped (the cells hopped over may hold 0 too)."""
    X = rng.integers(0, 4, (B, M))
    X[:, 0] = rng.integers(0, M, B)
    Y = X.copy()
    for b in range(B):
        p, k = 1, rng.integers(0, 5)
        for _ in range(k):
            h = int(rng.integers(1, 4))
            if p + h > M - 2:
                break
            X[b, p], p = h, p + h
        X[b, p], Y[b] = 0, X[b]
        Y[b, 0] = p
    return Examples(X, Y, np.eye(M, dtype=bool)[np.zeros(B, dtype=int)])


def test_a_loop_hops_by_the_value_of_its_cell():
    r, good = _generalising(_hops, 10, np.random.default_rng(5), max_cost=8)
    assert any("(mem[p] + p)" in str(t) for t in good), [str(c.term) for c in r.solutions][:3]


@pytest.mark.parametrize("P", [0, 1, 63, 64, 65, 130])
def test_bitset_words_hold_every_point(P):
    x = np.random.default_rng(P).random((5, P)) < 0.5
    w = _words(x)
    assert w.dtype == np.uint64 and w.shape == (5, max(1, -(-P // 64)))
    assert (np.unpackbits(w.view(np.uint8), axis=-1, bitorder="little")[:, :P].astype(bool) == x).all()
    assert not np.unpackbits(w.view(np.uint8), axis=-1, bitorder="little")[:, P:].any()


def test_of_operands_with_the_same_values_the_cheapest_is_kept():
    # cells 2 and 4.. hold one value per example: in a count-down from mem[0] (2 to 4), mem[(3 + c)]
    # and mem[2] read the same values, and the fixed cell is the cheaper
    M, B = 8, 16
    rng = np.random.default_rng(3)
    X = np.repeat(rng.integers(1, M, (B, 1)), M, axis=1)
    X[:, 0], X[:, 1], X[:, 3] = rng.integers(2, 5, B), 0, (X[:, 4] + 1) % M
    Y = X.copy()
    Y[:, 1] = X[:, 2]
    s = Search(Spec.of(Examples(X, Y, np.ones((B, M), bool)), M), SizePrior(), SynthConfig())
    ctl = next(c for c in s.controls() if str(c.term(seq())).startswith("repeat c ← mem[0]"))
    kept = [str(t) for t, _, _, _ in ctl.offsets]
    assert "mem[2]" in kept and "mem[(3 + c)]" not in kept, kept


def _pick(rng, B: int, M: int) -> Examples:
    """Cell 2 becomes cell 3 less one where cell 1 is cell 0 plus one, else cell 0 plus
    one (half the examples are the first case)."""
    X = rng.integers(0, M, (B, M))
    X[::2, 1] = (X[::2, 0] + 1) % M
    Y = X.copy()
    Y[:, 2] = np.where((X[:, 0] + 1) % M == X[:, 1], (X[:, 3] - 1) % M, (X[:, 0] + 1) % M)
    mask = np.zeros((B, M), bool)
    mask[:, 2] = True
    return Examples(X, Y, mask)


def test_a_straight_line_write_can_be_one_of_two_values_by_a_test():
    """``mem[2] ← ifz(w, e1, e2)`` on the input, the test solved for over the input cells:
    as one expression (cost 13) it is past the straight-line bank's depth."""
    M, rng = 8, np.random.default_rng(3)
    r, good = _generalising(_pick, M, rng, time_limit=60)
    assert good and good[0].op == "write" and good[0].args[1].op == "ifz", str(r.solutions[:1])


def test_a_straight_line_two_way_value_offers_each_branch_value_once(monkeypatch):
    """Its branches are 0, 1, ``M - 1`` and the bank's cheap expressions, which hold 0, 1
    and ``M - 1`` too: each value array on the compared examples is offered once (a repeat
    takes a second slot among the branch pairs tried and counts twice towards the chance
    floor), the constants kept."""
    M, rng = 8, np.random.default_rng(3)
    s = Search(Spec.of(_pick(rng, 16, M), M), SizePrior(), SynthConfig())
    offered, ifz = [], s._ifz
    monkeypatch.setattr(s, "_ifz", lambda need, arms, *a, **k: offered.append(arms) or ifz(need, arms, *a, **k))
    assert s._straight_ifz(2, s._straight(Search.ARM_COST)) is not None
    (arms,) = offered
    values = [v.tobytes() for _, v in arms]
    assert len(values) == len(set(values)), sorted(str(t) for t, _ in arms)
    assert [str(t) for t, _ in arms[:3]] == ["0", "1", str(M - 1)]


@pytest.mark.parametrize("M", [2, 3, 8])
def test_a_two_way_values_constant_branches_are_each_offered_once(M):
    """0, 1 and ``M - 1``: at ``M = 2`` the last is 1, which would take a second slot among
    the branch pairs tried."""
    X = np.random.default_rng(M).integers(0, M, (4, M))
    s = Search(Spec.of(Examples(X, X, np.ones((4, M), bool)), M), SizePrior(), SynthConfig())
    values = [int(v[0]) for _, v in s._constants(5)]
    assert values == sorted({0, 1, M - 1}) and all(len(v) == 5 for _, v in s._constants(5))


def _drop_last_link(rng, B: int, M: int) -> Examples:
    """A chain of pointers from cell 0 (each cell in it holds the next one's address, 0
    ends it); the link to the chain's last cell becomes 0 (cell 0 itself when it is the
    only link)."""
    X = np.zeros((B, M), dtype=np.int64)
    Y = X.copy()
    for b in range(B):
        chain = [0, *rng.permutation(np.arange(1, M))[: rng.integers(1, M - 2)]]
        X[b, chain[:-1]] = chain[1:]
        Y[b] = X[b]
        Y[b, chain[-2]] = 0
    return Examples(X, Y, np.ones((B, M), bool))


def test_a_walk_can_stop_before_the_last_step_by_looking_ahead():
    """``while mem[mem[p]] ≠ 0 { p ← mem[p] }`` stops on the cell whose next one ends the
    chain (the test looks where the step goes), so the link to the last cell is cut
    after it."""
    M, rng = 10, np.random.default_rng(5)
    r, good = _generalising(_drop_last_link, M, rng, time_limit=60)
    assert good, str(r.solutions[:1])
    loop, _ = _after_loop(good[0])
    assert loop.op == "while" and loop.args[2] == read(read(var("p"))), str(good[0])


def _swap_ends(rng, B: int, M: int) -> Examples:
    """A list at cell 0 (zeros after it; a quarter of them one element long): its first
    and last elements trade places."""
    X, n = np.zeros((B, M), dtype=np.int64), rng.integers(1, M - 1, B)
    n[::4] = 1
    for b in range(B):
        X[b, : n[b]] = rng.integers(1, M, n[b])
    Y = X.copy()
    Y[np.arange(B), 0], Y[np.arange(B), n - 1] = X[np.arange(B), n - 1], X[:, 0]
    return Examples(X, Y, np.ones((B, M), bool))


def test_writes_after_a_walk_may_meet_at_a_one_element_list():
    """``mem[0], mem[dec(i)] ← mem[dec(i)], mem[0]`` after a walk: on a one-element list
    both write cell 0, each its target, so the cover is kept (a pure walk, level 2)."""
    M, rng = 8, np.random.default_rng(2)
    r, good = _generalising(_swap_ends, M, rng, max_cost=3, time_limit=60)
    assert good, str(r.solutions[:1])
    loop, after = _after_loop(good[0])
    assert loop.args[-1] == seq() and len(after) == 2, str(good[0])


def _guarded(rng, B: int, M: int) -> Examples:
    """Where cell 6 is not 0 (half the examples are 0 there), the cell that cell 0 points
    at (one of cells 0..5) gets cell 6 and cell 6 gets cell 1 plus one; every cell
    compared."""
    X = rng.integers(0, M, (B, M))
    X[:, 0] %= 6
    X[::2, 6] = 0
    hidden = if_nonzero(cell(6), par(write(cell(0), cell(6)), write(const(6), app("inc", cell(1)))))
    return Examples(X, execute(hidden, X, M), np.ones((B, M), bool))


def test_straight_line_writes_under_a_guard_are_found_where_some_examples_change_nothing():
    M, rng = 8, np.random.default_rng(4)
    r, good = _generalising(_guarded, M, rng, time_limit=60)
    assert good and good[0].op == "if" and r.solutions[0].family == "guarded", str(r.solutions[:1])
    assert not any(c.family == "guarded" for c in r.solutions if c.term not in good)


def test_a_guards_test_is_zero_only_where_nothing_changes():
    M, rng = 8, np.random.default_rng(5)
    spec = Spec.of(_guarded(rng, 16, M), M)
    s = Search(spec, SizePrior(), SynthConfig())
    idle = ~spec.changed.any(1)
    guards = s._guards(s._straight(4), idle)
    assert guards and len(guards) <= Search.GUARDS
    zeros = [~on for _, on, _ in guards]
    assert all(not (z & ~idle).any() and z.sum() >= 2 for z in zeros)
    assert len({z.tobytes() for z in zeros}) == len(zeros)  # one test per zero pattern
    # ordered by how far past the chance floor each could be: never below it
    margins = [
        z.sum() * np.log(M) + (~idle).sum() * np.log(M / (M - 1)) - np.log(1000 * t)
        for z, (*_, t) in zip(zeros, guards)
    ]
    assert min(margins) >= 0 and margins == sorted(margins, reverse=True)
    for test, on, tried in guards:
        assert np.array_equal(value(test, M, memory=spec.inputs) != 0, on), str(test)
        assert 1 <= tried <= len({z.tobytes() for z in (s._straight(4)["table"].values == 0)})


@pytest.mark.parametrize("B", [4, 16])
def test_a_guard_is_kept_only_where_the_examples_rule_out_chance(B):
    """On four examples (two that change, two the writes alone would get wrong) some test
    of the input separates them by chance; on sixteen the guard is past the floor."""
    M, rng = 8, np.random.default_rng(7)
    s = Search(Spec.of(_guarded(rng, B, M), M), SizePrior(), SynthConfig())
    for level in range(1, 9):
        s.current = level
        s.guarded(level)
    assert bool(s.found) == (B == 16), [str(c.term) for c in s.found.values()]


def test_no_guard_where_fewer_than_two_examples_change_nothing():
    M, rng = 8, np.random.default_rng(6)
    ex = _guarded(rng, 16, M)
    X = ex.inputs.copy()
    X[::2, 6] = 1 + np.arange(8) % (M - 1)  # the test is 0 on no example now
    X[0, 6] = 0
    hidden = if_nonzero(cell(6), par(write(cell(0), cell(6)), write(const(6), app("inc", cell(1)))))
    s = Search(Spec.of(Examples(X, execute(hidden, X, M), ex.mask), M), SizePrior(), SynthConfig())
    for level in range(1, 9):
        s.current = level
        s.guarded(level)
    assert not s.found


def test_few_examples_with_few_compared_cells():
    # three examples, a few cells compared on each: past some level no new expression is a
    # computed address and every address already has its value, so the lookup of the
    # missing values was empty, and it raised in the bank's signature set
    M = 5
    X = np.array([[1, 0, 2, 2, 3], [2, 1, 4, 2, 1], [3, 0, 1, 1, 3]])
    Y = np.array([[2, 0, 2, 2, 3], [4, 1, 4, 2, 1], [1, 0, 1, 1, 3]])
    K = np.array([[1, 0, 1, 1, 1], [1, 1, 0, 0, 0], [0, 1, 1, 0, 0]], bool)
    spec = Spec.of(Examples(X, Y, K), M)
    s = Search(spec, SizePrior(), SynthConfig())
    for level in range(1, 10):
        s.current = level
        s.straight_line(level)
        s.guarded(level)
    assert "mem[0] ← mem[2]" in s.found
    assert all(spec.correct(execute(c.term, X, M)).all() for c in s.found.values())


def _filter(test: Term) -> Term:
    """``a ← 1; for i, x in list@1 { if test ≠ 0 { mem[a], a ← x, inc(a) } }; mem[a] ←
    0``: the list at cell 1 keeps the elements ``test`` passes, packed up, a 0 after them."""
    a = var("a")
    keep = if_nonzero(test, par(write(a, var("x")), assign("a", app("inc", a))))
    return seq(assign("a", const(1)), for_list("i", "x", const(1), keep), write(a, const(0)))


def _remove(rng, B: int, M: int) -> Examples:
    """A 0-terminated list at cell 1 (2 to ``M − 3`` elements, some equal to cell 0 and
    some not on every example) loses the elements equal to cell 0, the rest packed up
    from cell 1 with a 0 after them; cells 1 to the old list's end compared."""
    X, K = np.zeros((B, M), dtype=np.int64), np.zeros((B, M), dtype=bool)
    X[:, 0] = rng.integers(1, M, B)
    for b in range(B):
        n = int(rng.integers(2, M - 2))
        xs = rng.integers(1, M, n)
        xs[rng.integers(n)] = X[b, 0]
        if (xs == X[b, 0]).all():
            xs[0] = X[b, 0] % (M - 1) + 1
        X[b, 1 : n + 1], K[b, 1 : n + 2] = xs, True
    return Examples(X, execute(_filter(app("sub", var("x"), cell(0))), X, M), K)


def _filters(train: Examples, M: int, kinds: tuple[str, ...] = LOOPS) -> Search:
    """A search that has solved for the filters of every loop control of ``kinds`` (at
    each budget: only one solves), recording at once."""
    s = Search(Spec.of(train, M), SizePrior(), SynthConfig())
    s.current = 10**6  # nothing held
    for ctl in s.controls():
        if ctl.kind not in kinds:
            continue
        for budget in range(20):
            s.filters(ctl, budget)
    return s


def _good_filters(make, M: int, seed: int, kinds: tuple[str, ...] = LOOPS) -> tuple[Search, list]:
    """:func:`_filters` on 16 train examples of ``make(rng, B, M)``; the search, and the
    filters it found right on 200 test examples drawn after them."""
    rng = np.random.default_rng(seed)
    train, test = make(rng, 16, M), make(rng, 200, M)
    s = _filters(train, M, kinds)
    return s, _right_on(test, [c.term for c in s.found.values()], M)


def test_a_filter_keeps_the_values_its_solved_test_passes():
    s, good = _good_filters(_remove, 10, seed=3)
    assert good and all(c.family == "filter" for c in s.found.values()), [str(t) for t in s.found]
    loop, after = _after_loop(good[0])
    assert loop.op == "for" and loop.args[-1].op == "if" and len(after) == 1, str(good[0])
    # every value written, a moving past the kept ones: a do loop writes the terminator itself
    always = [t for t in good if _after_loop(t)[0].op == "do" and _after_loop(t)[0].args[-1].op == "seq"]
    assert any(not _after_loop(t)[1] for t in always), [str(t) for t in good]


@pytest.mark.parametrize("margin", [-1.0, 0.0])
def test_a_filter_is_kept_only_past_the_chance_floor(margin, monkeypatch):
    """The floor sees each keep pattern's drops and keeps (the hidden program's among
    them: the elements equal to cell 0, the others), and a pattern below it is dropped."""
    M, rng = 10, np.random.default_rng(4)
    train = _remove(rng, 16, M)
    seen = []

    def floor(z, n, M, tried):
        seen.extend(zip(np.atleast_1d(z).tolist(), np.atleast_1d(n).tolist()))
        return np.full(np.shape(z), margin)

    monkeypatch.setattr(search_module, "_chance_margin", floor)
    s = _filters(train, M)
    lists = [x[1 : list(x[1:]).index(0) + 1] for x in train.inputs]
    drops = sum(int((xs == x[0]).sum()) for xs, x in zip(lists, train.inputs))
    assert (drops, sum(map(len, lists)) - drops) in seen
    assert bool(s.found) == (margin >= 0), [str(t) for t in s.found]


def _records(rng, B: int, M: int) -> Examples:
    """A 0-terminated list at cell 0 (a quarter of them empty, with nonzero junk after the
    0) keeps the elements larger than every one before them, packed from cell 0 with a 0
    after them; cells 0 to the old list's end compared."""
    X, K = rng.integers(1, M, (B, M)), np.zeros((B, M), dtype=bool)
    for b in range(B):
        n = 0 if b % 4 == 0 else int(rng.integers(1, M - 2))
        X[b, n] = 0
        K[b, : n + 1] = True
    x = var("x")
    higher = app("sub", x, app("min", x, read(app("dec", var("a")))))
    return Examples(X, execute(_filter(higher), X, M), K)


def test_a_filters_test_may_read_the_last_value_kept():
    """Records of a list (each larger than all before it): the test compares the element
    with ``mem[dec(a)]``, the last value kept. On an empty list the loop from cell 1 runs
    over junk the example does not compare, and its final write lands there: free."""
    s, good = _good_filters(_records, 8, seed=5, kinds=("for",))
    assert good, [str(t) for t in s.found]
    loop, _ = _after_loop(good[0])
    assert read(app("dec", var("a"))) in loop.args[-1].args[0].walk(), str(good[0])


def _lookup(rng, B: int, M: int) -> Examples:
    """A 0-terminated list at cell 1 (2 to ``M − 4`` elements, random cells after it, a
    third of them 0) keeps the elements ``x`` whose cell ``mem[x]`` is not 0, packed from
    cell 1 with a 0 after them; cells 1 to the old list's end compared."""
    X, K = rng.integers(0, M, (B, M)), np.zeros((B, M), dtype=bool)
    X[rng.random((B, M)) < 1 / 3] = 0
    for b in range(B):
        n = int(rng.integers(2, M - 3))
        X[b, 1 : n + 1], X[b, n + 1] = rng.integers(1, M, n), 0
        K[b, 1 : n + 2] = True
    return Examples(X, execute(_filter(read(var("x"))), X, M), K)


def test_a_filters_test_may_read_the_cell_its_element_addresses():
    s, good = _good_filters(_lookup, 10, seed=6, kinds=("for",))
    assert good, [str(t) for t in s.found]
    loop, _ = _after_loop(good[0])
    assert any(n.op == "read" and n.args[0] == var("x") for n in loop.args[-1].args[0].walk()), str(good[0])


def _lp_prefix(rng, B: int, M: int) -> Examples:
    """A length-prefixed list (``n`` at cell 0, 0 to ``M − 2`` elements after it, zeros
    among them, nonzero junk after the list) becomes its running sums, in order; the list's
    cells compared."""
    X = rng.integers(1, M, (B, M))
    K = np.zeros((B, M), dtype=bool)
    for b in range(B):
        n = X[b, 0] = [0, 1, M - 2, rng.integers(2, M - 2)][b % 4]
        X[b, 1 : n + 1] *= rng.random(n) < 0.7
        K[b, 1 : n + 1] = True
    i, a = var("i"), var("a")
    body = seq(assign("a", app("add", a, read(i))), write(i, var("a")), assign("i", app("inc", i)))
    hidden = seq(assign("i", const(1)), repeat("c", cell(0), body))
    return Examples(X, execute(hidden, X, M), K)


def test_counted_walk_runs_a_list_to_its_length_in_order():
    """Running sums of a length-prefixed list, whose elements may be 0 and whose cells after
    it are not: a walk to a 0 stops too early or too late, a count down from ``mem[0]`` sums
    from the wrong end; the cursor stepped ``mem[0]`` times from cell 1 is right."""
    M = 8
    r, right = _generalising(_lp_prefix, M, np.random.default_rng(3))
    assert right, [show(c.term) for c in r.solutions]
    assert any(n.op == "repeat" for n in right[0].walk())


def test_covers_keeps_a_whole_cover_past_cheaper_partial_ones():
    # 50 cheap writes each covering one changed cell of one example crowd the 40 cheapest
    # patterns; a costlier write covering every changed cell alone must still be a cover
    from synth.solve import COVER_PATTERNS, covers

    B, M = 50, 8
    D = np.zeros((B, M), dtype=bool)
    D[np.arange(B), np.arange(B) % M] = True
    part = []
    for e in range(B):
        cov = np.zeros_like(D)
        cov[e, e % M] = True
        part.append((1, const(e % M), const(0), cov))
    whole = (9, var("p"), var("q"), D.copy())
    assert len(part) > COVER_PATTERNS
    found = list(covers([*part, whole], D, 3, 100))
    assert found and found[0] == [whole]


@pytest.mark.slow
def test_straight_line_value_read_one_past_the_table_depth():
    # Forth's PICK: mem[sp - 1] <- mem[sp - 2 - mem[sp - 1]], a value of cost 8 (one read
    # past the straight-line table's depth) at a computed address
    rng = np.random.default_rng(0)
    M, B = 8, 16
    X = rng.integers(0, M, size=(B, M))
    X[:, 0] = rng.integers(3, M, size=B)
    for e in range(B):
        sp = X[e, 0]
        X[e, sp - 1] = rng.integers(0, sp - 2)
    Y = X.copy()
    for e in range(B):
        sp = X[e, 0]
        Y[e, sp - 1] = X[e, sp - 2 - X[e, sp - 1]]
    spec = Spec(X, Y, np.ones_like(X, dtype=bool), M)
    s = Search(spec, SizePrior(), SynthConfig(max_cost=11, time_limit=None, stop_when_solved=True))
    s.run()
    correct = [c.term for c in s.found.values() if c.correct]
    assert correct
    assert all((execute(t, X, M) == Y).all() for t in correct)
