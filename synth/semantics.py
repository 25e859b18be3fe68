"""Semantics of the skeleton language, vectorised over examples (numpy).

:func:`execute` runs one program on ``B`` input memories at once: every expression is a
``(B,)`` array, and a loop keeps a mask of the examples still iterating. It is the ground
truth the enumerator's batched runners (:mod:`synth.loops`) and the lowering
(``bridge.lower``) are tested against.

Loops follow the machine: a list walk whose list has no 0 wraps around memory, and reads
and writes are mod ``M`` by construction. Every example has a budget of ``fuel`` loop
iterations in all; an example that runs out has *diverged* and gets :data:`DIVERGED` in
every cell, which matches no target.

:func:`apply` is the one place where an op's arithmetic is written; the expression banks
use it on whole tables of values at once.
"""

from __future__ import annotations

import numpy as np

from .lang import BINARY, LOOPS, UNARY, Term, desugar

DIVERGED = -1


def apply(op: str, M: int, args: list[np.ndarray], memory: np.ndarray | None = None) -> np.ndarray:
    """An op on argument value arrays (matching or broadcastable shapes).

    ``read`` needs ``memory`` ``(B, M)``; its address array's last axis runs over the
    ``B`` examples.
    """
    if op == "inc":
        return (args[0] + 1) % M
    if op == "dec":
        return (args[0] - 1) % M
    if op == "add":
        return (args[0] + args[1]) % M
    if op == "sub":
        return (args[0] - args[1]) % M
    if op == "min":
        return np.minimum(args[0], args[1])
    if op == "max":
        return np.maximum(args[0], args[1])
    if op == "ifz":
        return np.where(args[0] == 0, args[1], args[2])
    if op == "read":
        v = args[0]
        return memory[np.arange(v.shape[-1]), v]
    raise ValueError(f"unknown expression op {op!r}")


class _Run:
    """The state of one :func:`execute` call: memory, variables, fuel, divergence."""

    def __init__(self, inputs: np.ndarray, M: int, fuel: int):
        self.M, self.B = M, inputs.shape[0]
        self.mem = np.array(inputs, dtype=np.int64)
        self.env: dict[str, np.ndarray] = {}
        self.fuel = np.full(self.B, fuel)
        self.diverged = np.zeros(self.B, dtype=bool)
        self.rows = np.arange(self.B)

    def value(self, e: Term) -> np.ndarray:
        op, a = e.op, e.args
        if op == "const":
            return np.full(self.B, a[0] % self.M, dtype=np.int64)
        if op == "var":
            return self.env.get(a[0], np.zeros(self.B, dtype=np.int64))
        if op == "cell":
            return self.mem[:, a[0]].copy()
        if op == "read":
            return self.mem[self.rows, self.value(a[0])]
        if op in UNARY or op in BINARY or op == "ifz":
            return apply(op, self.M, [self.value(c) for c in a])
        if op == "hole":
            raise ValueError("a skeleton with holes has no semantics until its holes are filled")
        raise ValueError(f"{op!r} is not an expression")

    def effects(self, s: Term) -> list[tuple[str, object, np.ndarray]]:
        """A write's or set's effect, evaluated now and applied later (for ``par``)."""
        if s.op == "write":
            return [("mem", self.value(s.args[0]), self.value(s.args[1]))]
        if s.op == "set":
            return [("var", s.args[0], self.value(s.args[1]))]
        if s.op == "par":
            return [e for x in s.args for e in self.effects(x)]
        if s.op == "seq" and not s.args:  # skip
            return []
        raise ValueError(f"{s.op!r} cannot be part of a par")

    def commit(self, effects, active: np.ndarray) -> None:
        for kind, where, value in effects:
            if kind == "mem":
                self.mem[self.rows[active], where[active]] = value[active]
            else:
                self.env[where] = np.where(active, value, self.value(Term("var", (where,))))

    def exec(self, s: Term, active: np.ndarray) -> None:
        op, a = s.op, s.args
        if op in ("write", "set", "par"):
            self.commit(self.effects(s), active)
        elif op == "seq":
            for x in a:
                self.exec(x, active)
        elif op == "if":
            self.exec(a[1], active & (self.value(a[0]) != 0))
        elif op in LOOPS:
            v, init, cond, step, body = desugar(s).args
            self.commit([("var", v, self.value(init))], active)
            first = op == "do"  # a do loop runs its body before the first test
            live = active & ~self.diverged & (first | (self.value(cond) != 0))
            while live.any():
                self.fuel -= live
                out = live & (self.fuel < 0)
                self.diverged |= out
                live &= ~out
                self.exec(body, live)
                if first:
                    live &= ~self.diverged & (self.value(cond) != 0)
                    self.commit([("var", v, self.value(step))], live)
                else:
                    self.commit([("var", v, self.value(step))], live)
                    live &= ~self.diverged & (self.value(cond) != 0)
        else:
            raise ValueError(f"{op!r} is not a statement")


def execute(t: Term, inputs: np.ndarray, M: int, fuel: int | None = None) -> np.ndarray:
    """Output memories ``(B, M)`` of program ``t`` on ``inputs`` ``(B, M)``.

    ``fuel``: loop iterations per example (default ``M²``, enough for two nested walks over
    memory); an example that needs more has diverged (:data:`DIVERGED` in every cell).
    """
    return final_state(t, inputs, M, fuel)[0]


def final_state(
    t: Term, inputs: np.ndarray, M: int, fuel: int | None = None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """:func:`execute`'s output memories and each variable's final values ``(B,)``
    (a search that solved for part of a program reads them: a filter's final ``a``)."""
    inputs = np.asarray(inputs, dtype=np.int64)
    run = _Run(inputs, M, M * M if fuel is None else fuel)
    run.exec(t, np.ones(run.B, dtype=bool))
    out = run.mem
    out[run.diverged] = DIVERGED
    return out, run.env


def value(e: Term, M: int, env: dict[str, np.ndarray] | None = None, memory: np.ndarray | None = None) -> np.ndarray:
    """An expression's values for ``B`` points: variables from ``env`` (``(B,)`` arrays),
    reads from ``memory`` (``(B, M)``); ``B`` is taken from whichever is given."""
    env = env or {}
    B = memory.shape[0] if memory is not None else next((len(v) for v in env.values()), 1)
    run = _Run(np.zeros((B, M), dtype=np.int64) if memory is None else memory, M, 0)
    run.env = {k: np.asarray(v, dtype=np.int64) for k, v in env.items()}
    return run.value(e)
