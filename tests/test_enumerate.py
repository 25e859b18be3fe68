"""Expression banks: OE keeps exactly one expression per behaviour, cheapest first."""

import itertools

import numpy as np
import pytest

from synth.enumerate import Bank, SignatureSet, masked_row_hash, row_hash
from synth.lang import BINARY, UNARY
from synth.semantics import apply

M = 6


def brute_force(names, max_size, memory=None):
    """Every expression up to ``max_size`` (constants, variables, cells, the ops), no
    pruning: the set of their value tables over the bank's domain."""
    bank = Bank(names, M, memory)  # only for its domain and leaves
    leaves = [bank._leaf_values(t) for t in bank._leaves()]
    cost = {1: [v for t, v in zip(bank._leaves(), leaves) if not (t.op == "const" and t.args[0] > 1)]}
    cost[2] = [v for t, v in zip(bank._leaves(), leaves) if t.op == "const" and t.args[0] > 1]
    mem = bank._read_memory()
    for s in range(2, max_size + 1):
        vals = cost.setdefault(s, [])
        unary = list(UNARY) + (["read"] if memory is not None else [])
        vals += [apply(op, M, [v[None]], mem)[0] for op in unary for v in cost.get(s - 1, [])]
        for op in BINARY:
            for i in range(1, s - 1):
                vals += [apply(op, M, [p, q]) for p in cost.get(i, []) for q in cost.get(s - 1 - i, [])]
        for i, j in itertools.product(range(1, s - 2), repeat=2):
            k = s - 1 - i - j
            if k >= 1:
                vals += [
                    apply("ifz", M, [p, q, r])
                    for p in cost.get(i, [])
                    for q in cost.get(j, [])
                    for r in cost.get(k, [])
                ]
    return {tuple(np.asarray(v).tolist()) for vs in cost.values() for v in vs}


@pytest.mark.parametrize("names, size", [(("u",), 4), (("u", "w"), 3)])
def test_oe_never_drops_a_behaviour(names, size):
    bank = Bank(names, M)
    found = set()
    for c in range(1, size + 1):
        found |= {tuple(v.tolist()) for v in bank.level(c).values}
    assert found == brute_force(names, size)
    assert bank.enumerated > len(bank)  # pruning happened


def test_memory_context_reads_each_examples_memory(rng):
    X = rng.integers(0, M, size=(5, M))
    bank = Bank((), M, X)
    found = set()
    for c in range(1, 4):
        found |= {tuple(v.tolist()) for v in bank.level(c).values}
    assert found == brute_force((), 3, X)
    t = next(t for t in bank.level(2).terms if t.op == "read")
    assert bank.values(t).tolist() == X[np.arange(5), X[:, t.args[0].args[0]]].tolist()


def test_levels_are_cheapest_first_and_distinct():
    bank = Bank(("u",), M)
    seen = set()
    for c in range(1, 5):
        for t, v in zip(bank.level(c).terms, bank.level(c).values):
            assert t.size <= c + 1  # a constant above 1 costs one more than its size
            key = v.tobytes()
            assert key not in seen
            seen.add(key)
            assert np.array_equal(bank.values(t), v)


def test_signature_set_is_exact_despite_hash_collisions():
    s = SignatureSet(3)
    rows = np.array([[1, 2, 3], [1, 2, 3], [3, 2, 1], [0, 0, 0]])
    assert s.add(rows).tolist() == [0, 2, 3]
    assert s.add(rows).tolist() == []
    # a forged collision: a stored row under another row's hash must not hide that row
    t = SignatureSet(3)
    t.add(np.array([[1, 2, 3]]))
    t._packed[:, 0] = t.pack(np.array([[9, 9, 9]]))[:, 0]
    assert t.add(np.array([[1, 2, 3]])).tolist() == [0]
    assert t._hashes[0] == t._hashes[1]
    assert t.find(np.array([[1, 2, 3], [3, 2, 1]])).tolist() == [1, -1]


def test_signature_set_matches_a_python_set_across_growth():
    rng = np.random.default_rng(0)
    for small, width, hi in ((True, 5, 3), (False, 3, 1000), (True, 17, 2)):
        s, ref = SignatureSet(width, small=small), {}
        for _ in range(30):
            rows = rng.integers(0, hi, (int(rng.integers(0, 400)), width))
            want = []
            for i, r in enumerate(rows):
                if r.tobytes() not in ref:
                    ref[r.tobytes()] = len(ref)
                    want.append(i)
            assert s.add(rows).tolist() == want
        assert len(s) == len(ref)
        probe = rng.integers(0, hi, (300, width))
        assert s.find(probe).tolist() == [ref.get(r.tobytes(), -1) for r in probe]


def test_signature_set_takes_an_empty_batch():
    # the straight-line search looks up the values its addresses miss, and there may be none
    for small in (True, False):
        s = SignatureSet(3, small=small)
        assert s.add(np.zeros((0, 3), dtype=np.int64)).tolist() == []
        s.add(np.array([[1, 2, 3]]))
        assert s.find(np.zeros((0, 3), dtype=np.int64)).tolist() == []
        assert s.find(np.array([[1, 2, 3], [3, 2, 1]])).tolist() == [0, -1] and len(s) == 1


def test_row_hash_is_a_function_of_the_row():
    rows = np.random.default_rng(1).integers(-1, 9, (50, 7))
    h = row_hash(np.concatenate([rows, rows[::-1]]))
    assert (h[:50] == h[50:][::-1]).all() and len(set(h[:50].tolist())) == len({r.tobytes() for r in rows})


def test_masked_row_hash_is_row_hash_of_the_masked_rows():
    rng = np.random.default_rng(2)
    parts = [rng.integers(0, 9, (40, 12)), rng.integers(0, 9, (40, 12))]
    keep = [rng.random(12) < 0.6, rng.random(12) < 0.6]
    want = row_hash(np.concatenate([np.where(k, p, -1) for p, k in zip(parts, keep)], 1))
    assert (masked_row_hash(parts, keep) == want).all()
