import numpy as np

from bridge.study import code_from_indices, raw_space
from neural import Line, Program, run_one

FULL = tuple(range(13))


def test_exhaustive_behaviours_match_one_at_a_time_runs():
    M, R, T = 4, 2, 16
    (row,) = raw_space(M, R, 1, FULL, T, n_probes=8, seed=3)
    probes = np.random.default_rng(3).integers(0, M, size=(8, M))
    seen = set()
    for op in FULL:
        for a in range(R):
            for b in range(R):
                for o in range(R):
                    p = Program(M, R, (0,) * R, (Line(op, a, b, o),))
                    runs = [run_one(p, x, T) for x in probes]
                    seen.add(tuple((*tuple(r.mem.tolist()), bool(r.halted)) for r in runs))
    assert row.exact and row.raw == 13 * R**3 and row.behaviours == len(seen)


def test_code_from_indices_decodes_lines():
    R = 3
    idx = np.array([[(2 * R + 1) * R**2 + 2 * R + 0]])  # op index 2 (INC), a=1, b=2, o=0
    code = code_from_indices(idx, 8, R, FULL)
    assert code.lines[0, 0].tolist() == [2, 1, 2, 0] and (code.lines[0, 1:, 0] == 0).all()


def test_sampled_estimate_is_close_to_the_exhaustive_count():
    exact = raw_space(4, 2, 2, FULL, 16, seed=0)[1]
    est = raw_space(4, 2, 2, FULL, 16, seed=0, exhaustive_limit=1000, samples=20_000)[1]
    assert exact.exact and not est.exact
    assert 0.7 * exact.behaviours <= est.behaviours <= 1.3 * exact.behaviours
