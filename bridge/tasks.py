"""Tasks: input/output examples on a machine configuration (``docs/tasks.md``).

A :class:`Task` carries train and test :class:`Examples` (initial memories, expected
memories, and a per-example mask of the cells that are compared). Built-in tasks add a
seeded generator, ANC's *biased* generator where it has one, and a hand-written reference
program shipped in ``bridge/programs/NAME.asm``.

Generators follow ANC's Lua configs (adaptation/examples/*.lua) where tasks.md names them,
with these choices of ours: ``swap`` draws ``p, q`` from the whole list (ANC's ``randint``
never picks the last element); ``listk`` draws ``k`` in ``1..L`` and fills unused cells
with random values in range (ANC used random floats); ``addition`` draws ``a + b < M``
uniformly in ``a`` then ``b``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from neural import INSTRUCTION_SETS, Examples, Program, parse_program

if TYPE_CHECKING:
    from neural.machine import SoftMachine


@dataclasses.dataclass(frozen=True)
class Machine:
    """Machine size: ``M`` cells/values/lines, ``R`` registers, step limit ``T``, op set."""

    M: int
    R: int
    T: int
    ops: str = "full"

    @property
    def op_codes(self) -> tuple[int, ...]:
        """The instruction set as op codes."""
        return INSTRUCTION_SETS[self.ops]

    def soft(self, R: int | None = None, impl: str = "matmul") -> SoftMachine:
        """The differentiable twin of this machine (with ``R`` registers if given)."""
        from neural.machine import SoftMachine

        return SoftMachine(self.M, R or self.R, self.T, self.op_codes, impl)


Generator = Callable[[np.random.Generator, int], Examples]


@dataclasses.dataclass(frozen=True)
class Task:
    """A task to solve: a machine, train examples (seen by the solver), test examples (judge)."""

    name: str
    machine: Machine
    train: Examples
    test: Examples
    builtin: str | None = None


def contradiction(*sets: tuple[str, Examples]) -> str:
    """Two examples no program can both be correct on, named, or ``""``: the same input
    (the machine is deterministic, so one final memory) and different expected values in
    a cell both compare. ``sets``: ``(label, examples)``, e.g. ``("train", task.train)``.
    Linear in the examples: per distinct input, each cell's wanted value and who wants it."""
    names: list[tuple[str, int]] = []
    wanted: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}  # input -> (values, who: index into names, -1: none)
    for label, ex in sets:
        for i in range(len(ex)):
            values, who = wanted.setdefault(
                ex.inputs[i].tobytes(), (ex.outputs[i].copy(), np.full(ex.mask.shape[1], -1))
            )
            bad = np.flatnonzero(ex.mask[i] & (who >= 0) & (ex.outputs[i] != values))
            if bad.size:
                c = int(bad[0])
                other, j = names[who[c]]
                return (
                    f"{other}[{j}] and {label}[{i}] have the same input but want {values[c]} and "
                    f"{ex.outputs[i, c]} in cell {c}"
                )
            new = ex.mask[i] & (who < 0)
            values[new], who[new] = ex.outputs[i][new], len(names)
            names.append((label, i))
    return ""


# ------------------------------------------------------------------------ the generators
# Each takes (rng, M) and returns one (input, output, mask) triple.


def _blank(M: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(M, dtype=np.int64), np.zeros(M, dtype=bool)


def _inc(rng, M):
    mem, mask = _blank(M)
    mem[0] = rng.integers(M)
    out = mem.copy()
    out[0] = (mem[0] + 1) % M
    mask[0] = True
    return mem, out, mask


def _length(rng: np.random.Generator, M: int, fixed: bool) -> int:
    """A list length: ``1..M-2`` drawn, or (``fixed``, the paper-like variant) ``M - 2``."""
    return M - 2 if fixed else int(rng.integers(1, M - 1))


def map_list(delta: int, fixed: bool = False):
    """Generator: a 0-terminated list at ``mem[0..]``, every element ``+ delta``."""

    def gen(rng, M):
        mem, mask = _blank(M)
        L = _length(rng, M, fixed)
        mem[:L] = rng.integers(1, M, size=L)
        out = mem.copy()
        out[:L] = (mem[:L] + delta) % M
        mask[:L] = True
        return mem, out, mask

    return gen


def sum_list(fixed: bool = False):
    """Generator: ``mem[0] <- `` the sum of the 0-terminated list at ``mem[1..]``."""

    def gen(rng, M):
        mem, mask = _blank(M)
        L = _length(rng, M, fixed)
        mem[1 : L + 1] = rng.integers(1, M, size=L)
        out = mem.copy()
        out[0] = mem.sum() % M
        mask[0] = True
        return mem, out, mask

    return gen


def _parity(rng, M):
    mem, mask = _blank(M)
    mem[1:] = rng.integers(0, 2, size=M - 1)
    out = mem.copy()
    out[0] = mem.sum() % 2
    mask[0] = True
    return mem, out, mask


def _fib(rng, M):
    mem, mask = _blank(M)
    n = mem[0] = rng.integers(M)
    a, b = 0, 1
    for _ in range(n):
        a, b = b, (a + b) % M
    out = mem.copy()
    out[0] = a
    mask[0] = True
    return mem, out, mask


def _access(biased):
    def gen(rng, M):
        mem = rng.integers(M, size=M)
        mem[0] = 3 if biased else rng.integers(M - 1)  # k + 1 stays inside memory
        out = mem.copy()
        out[0] = mem[mem[0] + 1]
        mask = np.zeros(M, dtype=bool)
        mask[0] = True
        return mem, out, mask

    return gen


def _increment(biased):
    def gen(rng, M):
        mem, mask = _blank(M)
        if biased:  # every element equal, the list fills memory
            L = M - 1
            mem[:L] = rng.integers(1, M - 1)
            mask[:] = True
        else:
            L = rng.integers(1, M - 1)
            mem[:L] = rng.integers(1, M, size=L)
            mask[: L + 1] = True
        out = mem.copy()
        out[:L] = (mem[:L] + 1) % M
        return mem, out, mask

    return gen


def _swap(biased):
    def gen(rng, M):
        mem, mask = _blank(M)
        if biased:
            L = rng.integers(3, M - 2)
            p, q = 0, 2
        else:
            L = rng.integers(2, M - 2)
            p, q = rng.integers(L, size=2)
        mem[0], mem[1] = p, q
        mem[2 : 2 + L] = rng.integers(1, M, size=L)
        out = mem.copy()
        out[2 + p], out[2 + q] = mem[2 + q], mem[2 + p]
        mask[2 + p] = mask[2 + q] = True
        return mem, out, mask

    return gen


def _listk(biased):
    def gen(rng, M):
        slots = (M - 3) // 2  # node slots at cells 3+2s (next pointer), 4+2s (value)
        mem = rng.integers(M, size=M)
        L = rng.integers(2, slots)
        values = rng.integers(1, M, size=L)
        order = np.arange(L) if biased else rng.permutation(slots)[:L]
        k = rng.integers(1, L) if biased else rng.integers(1, L + 1)
        addr = 3 + 2 * order
        mem[addr] = np.append(addr[1:], 0)  # last node points to 0
        mem[addr + 1] = values
        mem[0], mem[1], mem[2] = addr[0], k, 2
        out = mem.copy()
        out[2] = values[k - 1]
        mask = np.zeros(M, dtype=bool)
        mask[2] = True
        return mem, out, mask

    return gen


def _addition(rng, M):
    mem, mask = _blank(M)
    a = rng.integers(M)
    b = rng.integers(M - a)
    mem[0], mem[1] = a, b
    out = mem.copy()
    out[0] = a + b
    mask[0] = True
    return mem, out, mask


def _sort(biased):
    def gen(rng, M):
        mem, mask = _blank(M)
        if biased:  # length 3; only the first two may be out of order
            first = rng.integers(1, M // 2 + 1, size=2)
            rest = np.sort(rng.integers(first.max(), M, size=1))
            vals = np.concatenate([first, rest])
        else:
            vals = rng.integers(1, M, size=rng.integers(1, 4))
        L = len(vals)
        mem[:L] = vals
        out = mem.copy()
        out[:L] = np.sort(vals)
        mask[:L] = True
        return mem, out, mask

    return gen


@dataclasses.dataclass(frozen=True)
class Builtin:
    """A built-in task: its default machine, generators and reference program."""

    name: str
    machine: Machine
    sample: Callable[[np.random.Generator, int], tuple]
    description: str
    biased: Callable[[np.random.Generator, int], tuple] | None = None
    suite: str = "table1"
    anc_iterations: float | None = None  # ANC's reported mean for its generic program
    min_M: int = 2  # the smallest machine both generators can fill (lists need room for a terminator)

    def check_M(self, M: int) -> None:
        """Refuse a machine too small for the generators (they would fail on sampling)."""
        if self.min_M > M:
            raise ValueError(f"task {self.name!r} needs M >= {self.min_M}, got M={M}")

    def generate(self, n: int, seed: int, biased: bool = False, M: int | None = None) -> Examples:
        """``n`` examples from the (biased) generator, deterministic in ``seed``."""
        gen = self.biased if biased else self.sample
        if gen is None:
            raise ValueError(f"task {self.name!r} has no biased generator")
        rng = np.random.default_rng(seed)
        M = M or self.machine.M
        self.check_M(M)
        return Examples.stack([gen(rng, M) for _ in range(n)])

    def reference(self) -> Program:
        """The hand-written reference program (``bridge/programs/NAME.asm``)."""
        return reference_program(self.name)

    def task(
        self,
        n_train: int = 16,
        n_test: int = 256,
        seed: int = 0,
        M: int | None = None,
        R: int | None = None,
        T: int | None = None,
        biased: bool = False,
    ) -> Task:
        """A :class:`Task` with train/test examples drawn from independent seeded streams
        (of the biased generator with ``biased``)."""
        m = self.machine
        machine = Machine(M or m.M, R or m.R, T or m.T, m.ops)
        self.check_M(machine.M)
        gen = self.biased if biased else self.sample
        if gen is None:
            raise ValueError(f"task {self.name!r} has no biased generator")
        train_seed, test_seed = np.random.SeedSequence(seed).spawn(2)
        rng_train, rng_test = np.random.default_rng(train_seed), np.random.default_rng(test_seed)
        train = Examples.stack([gen(rng_train, machine.M) for _ in range(n_train)])
        test = Examples.stack([gen(rng_test, machine.M) for _ in range(n_test)])
        return Task(self.name, machine, train, test, builtin=self.name)


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in [
        Builtin("inc", Machine(8, 4, 16), _inc, "mem[0] <- mem[0]+1"),
        Builtin("map_inc", Machine(8, 5, 48), map_list(+1), "every cell of a 0-terminated list +1", min_M=3),
        Builtin("map_dec", Machine(8, 5, 48), map_list(-1), "every cell of a 0-terminated list -1", min_M=3),
        Builtin("reduce", Machine(8, 5, 48), sum_list(), "mem[0] <- sum of the list at mem[1..]", min_M=3),
        Builtin("parity", Machine(8, 6, 56), _parity, "mem[0] <- XOR of the bits in mem[1..]"),
        Builtin("fibonacci", Machine(8, 5, 48), _fib, "mem[0] <- F(mem[0]) mod M"),
        Builtin(
            "access", Machine(10, 2, 16, "anc"), _access(False), "mem[0] <- mem[mem[0]+1]", _access(True), "anc", 6, 5
        ),
        Builtin(
            "increment",
            Machine(7, 5, 48, "anc"),
            _increment(False),
            "every list element +1",
            _increment(True),
            "anc",
            40,
            3,
        ),
        Builtin("swap", Machine(10, 5, 16, "anc"), _swap(False), "swap list[p] and list[q]", _swap(True), "anc", 10, 6),
        Builtin(
            "listk",
            Machine(20, 6, 48, "anc"),
            _listk(False),
            "k-th value of a linked list",
            _listk(True),
            "anc",
            None,
            9,
        ),
        Builtin("addition", Machine(15, 5, 80, "anc"), _addition, "mem[0] <- mem[0]+mem[1]", None, "anc", 20.6),
        Builtin(
            "sort", Machine(21, 10, 128, "anc"), _sort(False), "sort a list of length 1-3", _sort(True), "anc", 37.2, 4
        ),
    ]
}

SUITES: dict[str, tuple[str, ...]] = {
    "table1": tuple(n for n, b in BUILTINS.items() if b.suite == "table1"),
    "anc": tuple(n for n, b in BUILTINS.items() if b.suite == "anc"),
}


@cache
def reference_program(name: str, biased: bool = False) -> Program:
    """Parse a shipped program for a built-in task.

    ``biased=False``: the straightforward reference (``programs/NAME.asm``), correct on the
    whole input distribution. ``biased=True``: the shortest program we could write by hand
    for ANC's biased distribution (``programs/biased/NAME.asm``), the target of ANC's
    adaptation experiment.
    """
    if name not in BUILTINS:
        raise KeyError(f"no built-in task {name!r}; known: {', '.join(BUILTINS)}")
    path = ("programs", "biased", f"{name}.asm") if biased else ("programs", f"{name}.asm")
    node = resources.files("bridge").joinpath(*path)
    if not node.is_file():
        raise KeyError(f"no {'biased ' if biased else ''}program shipped for task {name!r}")
    return parse_program(node.read_text(), source="/".join(path))
