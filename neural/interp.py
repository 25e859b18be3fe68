"""The discrete interpreter: the ground truth for every other part of synthdiff.

Semantics (``docs/machine.md`` section 3)::

    ir <- 0; steps <- 0; regs <- init; mem <- input
    while steps < T:
        line <- program[ir] if ir < P else STOP
        steps <- steps + 1
        execute line (reads see the state before this line)
        if STOP: halted
        ir <- jump target if a jump was taken, else (ir + 1) mod M

:func:`run_batch` executes ``N`` programs on ``B`` inputs each in lock-step with numpy: one
step of all ``N*B`` machines is a handful of gathers and scatters, and machines that halted
drop out of the working set. :func:`run_one` is the same semantics as a plain Python loop,
kept as the reference the batched version is tested against.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .asm import ADD, DEC, INC, JEZ, JMP, MAX, MIN, OPS, READ, STOP, SUB, VALUE_OPS, WRITE, ZERO, Program


@dataclasses.dataclass(frozen=True)
class Result:
    """Final machine states; leading axes are the batch axes of the call.

    ``steps`` counts executed lines, STOP included (ANC's "iterations" is ``steps + 1``).
    ``halted`` is False for a run that reached the step limit ``T`` (a timeout).
    """

    mem: np.ndarray  # (..., M)
    regs: np.ndarray  # (..., R)
    steps: np.ndarray  # (...)
    halted: np.ndarray  # (...) bool

    def __getitem__(self, i) -> Result:
        return Result(self.mem[i], self.regs[i], self.steps[i], self.halted[i])


@dataclasses.dataclass(frozen=True)
class Code:
    """``N`` programs of one machine size as arrays, padded to ``M`` lines with STOP."""

    lines: np.ndarray  # (N, M, 4) int: op, a, b, o
    init: np.ndarray  # (N, R) int
    M: int
    R: int

    def __len__(self) -> int:
        return self.lines.shape[0]


def encode(programs: Sequence[Program] | Program) -> Code:
    """Stack programs (all with the same ``M`` and ``R``) into :class:`Code`."""
    programs = [programs] if isinstance(programs, Program) else list(programs)
    if not programs:
        raise ValueError("encode needs at least one program")
    M, R = programs[0].M, programs[0].R
    lines = np.zeros((len(programs), M, 4), dtype=np.intp)  # op 0 is STOP
    init = np.zeros((len(programs), R), dtype=np.intp)
    for n, p in enumerate(programs):
        if (p.M, p.R) != (M, R):
            raise ValueError(f"program {n} has M={p.M} R={p.R}, expected M={M} R={R}")
        if p.lines:
            lines[n, : len(p.lines)] = p.lines
        init[n] = p.init
    return Code(lines, init, M, R)


@lru_cache(maxsize=64)
def value_table(M: int) -> np.ndarray:
    """``table[op, x, y]``: the value an op writes, for every op that needs no memory."""
    x, y = np.meshgrid(np.arange(M), np.arange(M), indexing="ij")
    t = np.zeros((len(OPS), M, M), dtype=np.intp)
    t[INC], t[DEC] = (x + 1) % M, (x - 1) % M
    t[ADD], t[SUB] = (x + y) % M, (x - y) % M
    t[MIN], t[MAX] = np.minimum(x, y), np.maximum(x, y)
    t[ZERO] = 0
    t.setflags(write=False)
    return t


_PLAIN_VALUE = {  # written out independently of value_table, so each checks the other
    ZERO: lambda x, y, M: 0,
    INC: lambda x, y, M: (x + 1) % M,
    DEC: lambda x, y, M: (x - 1) % M,
    ADD: lambda x, y, M: (x + y) % M,
    SUB: lambda x, y, M: (x - y) % M,
    MIN: lambda x, y, M: min(x, y),
    MAX: lambda x, y, M: max(x, y),
}
_IS_VALUE = np.array([op in VALUE_OPS for op in range(len(OPS))])


_FIELDS = ("a", "b", "val_base", "is_read", "is_write", "dest", "advance", "jump")


@lru_cache(maxsize=64)
def _line_tables(M: int, R: int) -> dict[str, np.ndarray]:
    """Per-line lookup tables, indexed by the line code ``((op*R + a)*R + b)*R + o``.

    The batched step works on a flat state row per machine, ``[r0..r{R-1}, mem0..mem{M-1},
    sink]``; every line writes exactly one cell of it (the ``sink`` for ops that write
    nothing), so a step is a fixed sequence of gathers and one scatter, with no masking.
    """
    op, a, b, o = (g.ravel() for g in np.meshgrid(*(np.arange(n) for n in (len(OPS), R, R, R)), indexing="ij"))
    sink = R + M
    is_write = op == WRITE
    dest = np.where(_IS_VALUE[op], o, np.where(is_write, R, sink))  # + x for WRITE
    jump = np.stack([op == JMP, (op == JMP) | (op == JEZ)], axis=1)  # [code, x == 0]
    tables = {
        "a": a,
        "b": b,
        "dest": dest,
        "is_write": is_write.astype(np.intp),
        "is_read": (op == READ).astype(np.intp),
        "val_base": op * M * M,
        "jump": jump.ravel().astype(np.intp),
        "advance": (op != STOP).astype(np.intp),
    }
    for t in tables.values():
        t.setflags(write=False)
    return tables


CHUNK_ROWS = 16384
"""Machines stepped together; measured fastest on a 2-core CPU (the working set stays in cache)."""


def run_batch(code: Code, inputs: np.ndarray, T: int) -> Result:
    """Run every program of ``code`` on every input.

    ``inputs`` is ``(B, M)`` (the same inputs for every program) or ``(N, B, M)``.
    Returns a :class:`Result` with leading axes ``(N, B)``.
    """
    N, M = len(code), code.M
    inputs = np.asarray(inputs)
    if inputs.ndim == 2:
        inputs = np.broadcast_to(inputs, (N, *inputs.shape))
    if inputs.ndim != 3 or inputs.shape[0] != N or inputs.shape[2] != M:
        raise ValueError(f"inputs must be (B, {M}) or ({N}, B, {M}), got {inputs.shape}")
    if inputs.size and (inputs.min() < 0 or inputs.max() >= M):
        raise ValueError(f"input values must be in 0..{M - 1}")
    step = max(1, CHUNK_ROWS // max(1, inputs.shape[1]))
    parts = [
        _run_chunk(Code(code.lines[s : s + step], code.init[s : s + step], M, code.R), inputs[s : s + step], T)
        for s in range(0, N, step)
    ]
    if len(parts) == 1:
        return parts[0]
    return Result(*(np.concatenate(f) for f in zip(*(dataclasses.astuple(p) for p in parts))))


def _run_chunk(code: Code, inputs: np.ndarray, T: int) -> Result:
    """:func:`run_batch` on validated ``(N, B, M)`` inputs, all machines in lock-step.

    A machine that executed STOP stays on that line and changes nothing, so halted machines
    need no masking; the working set is compacted once a third of it has halted.
    """
    N, M, R = len(code), code.M, code.R
    B = inputs.shape[1]
    rows, S = N * B, R + M + 1
    tab = _line_tables(M, R)
    values = value_table(M).reshape(-1)
    wrap = np.arange(M + 1) % M
    lines = code.lines
    line_code = (((lines[..., 0] * R + lines[..., 1]) * R + lines[..., 2]) * R + lines[..., 3]).reshape(-1)

    # State rows [r0..r{R-1}, mem0..mem{M-1}, sink] as int32: half the memory traffic of
    # int64, and gathers dominate the step.
    state = np.concatenate(
        [
            np.repeat(code.init.astype(np.int32), B, axis=0),
            inputs.reshape(rows, M).astype(np.int32),
            np.zeros((rows, 1), dtype=np.int32),
        ],
        axis=1,
    )
    final = np.empty_like(state)
    ran = np.zeros(rows, dtype=np.intp)  # non-STOP lines executed
    ir = np.zeros(rows, dtype=np.intp)
    idx = np.arange(rows, dtype=np.intp)  # original row of each working machine
    base = (idx // B) * M
    ran_live = np.zeros(rows, dtype=np.intp)
    take = np.take
    a_of, b_of, val_of, read_of, write_of, dest_of, advance_of, jump_of = (tab[k] for k in _FIELDS)
    rs = np.arange(0, state.size, S, dtype=np.intp)
    for _ in range(T):
        # Branch-free: every select is arithmetic on 0/1 table entries (np.where and
        # boolean indexing cost 5-10x more than a gather on unpredictable masks).
        flat = state.reshape(-1)
        c = take(line_code, base + ir)
        x = take(flat, rs + take(a_of, c))
        y = take(flat, rs + take(b_of, c))
        val = take(values, take(val_of, c) + x * M + y)
        mx = take(flat, rs + R + x)
        is_read, is_write = take(read_of, c), take(write_of, c)
        val += is_read * (mx - val) + is_write * (y - val)
        flat[rs + take(dest_of, c) + is_write * x] = val
        advance = take(advance_of, c)
        ran_live += advance
        nxt = take(wrap, ir + advance)
        ir = nxt + take(jump_of, 2 * c + (x == 0)) * (y - nxt)
        halted_now = advance.size - np.count_nonzero(advance)
        if halted_now * 3 > advance.size:
            done, keep = np.flatnonzero(advance == 0), np.flatnonzero(advance)
            final[idx[done]], ran[idx[done]] = state.take(done, axis=0), ran_live[done]
            state, ir, idx, base, ran_live = (a.take(keep, axis=0) for a in (state, ir, idx, base, ran_live))
            rs = np.arange(0, state.size, S, dtype=np.intp)
            if idx.size == 0:
                break
    final[idx], ran[idx] = state, ran_live
    halted = ran < T
    steps = np.where(halted, ran + 1, T)
    shape = (N, B)
    mem, regs = final[:, R : R + M].astype(np.intp), final[:, :R].astype(np.intp)
    return Result(mem.reshape(*shape, M), regs.reshape(*shape, R), steps.reshape(shape), halted.reshape(shape))


def run(program: Program, inputs: np.ndarray, T: int) -> Result:
    """Run one program on a batch of inputs ``(B, M)`` (or one input ``(M,)``)."""
    inputs = np.asarray(inputs)
    single = inputs.ndim == 1
    res = run_batch(encode(program), inputs[None] if single else inputs, T)[0]
    return res[0] if single else res


def run_one(program: Program, memory: Sequence[int], T: int, trace: list | None = None) -> Result:
    """Reference interpreter: one program, one input, one Python step at a time.

    If ``trace`` is a list, one ``(step, ir, line, regs, mem)`` tuple per executed line is
    appended to it (the state *before* the line).
    """
    M, P = program.M, len(program.lines)
    mem, regs = [int(v) for v in memory], list(program.init)
    ir = steps = 0
    halted = False
    while steps < T:
        op, a, b, o = program.lines[ir] if ir < P else (STOP, 0, 0, 0)
        if trace is not None:
            trace.append((steps, ir, program.lines[ir] if ir < P else None, tuple(regs), tuple(mem)))
        steps += 1
        x, y = regs[a], regs[b]
        nxt = (ir + 1) % M
        if op == STOP:
            halted = True
            break
        if op in _PLAIN_VALUE:
            regs[o] = _PLAIN_VALUE[op](x, y, M)
        elif op == READ:
            regs[o] = mem[x]
        elif op == WRITE:
            mem[x] = y
        elif op == JMP or (op == JEZ and x == 0):
            nxt = y
        ir = nxt
    return Result(np.array(mem), np.array(regs), np.array(steps), np.array(halted))
