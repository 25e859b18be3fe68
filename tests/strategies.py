"""Hypothesis strategies shared by the tests: random programs and inputs."""

from hypothesis import strategies as st

from neural import OPS, Line, Program

ALL_OPS = tuple(range(len(OPS)))


@st.composite
def programs(draw, M=None, R=None, max_lines=None, ops=ALL_OPS):
    M = draw(st.integers(2, 12)) if M is None else M
    R = draw(st.integers(1, 5)) if R is None else R
    n = draw(st.integers(0, M if max_lines is None else min(M, max_lines)))
    reg = st.integers(0, R - 1)
    lines = draw(st.lists(st.builds(Line, st.sampled_from(ops), reg, reg, reg), min_size=n, max_size=n))
    init = draw(st.lists(st.integers(0, M - 1), min_size=R, max_size=R))
    return Program(M, R, tuple(init), tuple(lines))


@st.composite
def program_and_inputs(draw, max_batch=6, **kw):
    p = draw(programs(**kw))
    B = draw(st.integers(1, max_batch))
    cell = st.integers(0, p.M - 1)
    inputs = draw(st.lists(st.lists(cell, min_size=p.M, max_size=p.M), min_size=B, max_size=B))
    T = draw(st.integers(0, 3 * p.M))
    return p, inputs, T
