"""The discrete interpreter: the ground truth for every other part of synthdiff.

Semantics (``shared/spec/machine.md`` section 3)::

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

from .asm import ADD, DEC, INC, JEZ, JMP, MAX, MIN, READ, STOP, SUB, VALUE_OPS, WRITE, ZERO, OPS, Program


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


def run_batch(code: Code, inputs: np.ndarray, T: int) -> Result:
    """Run every program of ``code`` on every input.

    ``inputs`` is ``(B, M)`` (the same inputs for every program) or ``(N, B, M)``.
    Returns a :class:`Result` with leading axes ``(N, B)``.
    """
    N, M, R = len(code), code.M, code.R
    inputs = np.asarray(inputs)
    if inputs.ndim == 2:
        inputs = np.broadcast_to(inputs, (N, *inputs.shape))
    if inputs.ndim != 3 or inputs.shape[0] != N or inputs.shape[2] != M:
        raise ValueError(f"inputs must be (B, {M}) or ({N}, B, {M}), got {inputs.shape}")
    if inputs.size and (inputs.min() < 0 or inputs.max() >= M):
        raise ValueError(f"input values must be in 0..{M - 1}")
    B = inputs.shape[1]
    rows = N * B
    mem = inputs.reshape(rows, M).astype(np.intp)  # copy
    regs = np.repeat(code.init, B, axis=0).astype(np.intp)
    flat_mem, flat_regs = mem.reshape(-1), regs.reshape(-1)
    ir = np.zeros(rows, dtype=np.intp)
    steps = np.zeros(rows, dtype=np.intp)
    halted = np.zeros(rows, dtype=bool)
    code_rows = code.lines.reshape(N * M, 4)
    table = value_table(M).reshape(-1)

    live = np.arange(rows, dtype=np.intp)  # machines still running
    line_base = (live // B) * M  # row of each machine's program in code_rows
    for _ in range(T):
        if live.size == 0:
            break
        op, a, b, o = code_rows[line_base + ir[live]].T
        reg_base, mem_base = live * R, live * M
        x, y = flat_regs[reg_base + a], flat_regs[reg_base + b]
        steps[live] += 1
        # register writes (reads above saw the state before this line)
        val = table[(op * M + x) * M + y]
        is_read = op == READ
        val[is_read] = flat_mem[mem_base[is_read] + x[is_read]]
        w = _IS_VALUE[op]
        flat_regs[reg_base[w] + o[w]] = val[w]
        w = op == WRITE
        flat_mem[mem_base[w] + x[w]] = y[w]
        # control
        jump = (op == JMP) | ((op == JEZ) & (x == 0))
        ir[live] = np.where(jump, y, (ir[live] + 1) % M)
        stop = op == STOP
        if stop.any():
            halted[live[stop]] = True
            keep = ~stop
            live, line_base = live[keep], line_base[keep]
    shape = (N, B)
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
