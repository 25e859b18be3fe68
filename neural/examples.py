"""Examples: what a task asks of a program, and the discrete judge of programs against them.

:class:`Examples` is the one example type of synthdiff: ``B`` initial memories, the
expected memories and a per-example mask of the cells that are compared. :func:`judge`
runs programs on them with the batched interpreter; a program is correct on an example
when it halts within ``T`` steps and every masked cell of its final memory matches (a run
that times out is wrong whatever its memory holds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from .asm import Program
from .interp import encode, run_batch


@dataclasses.dataclass(frozen=True)
class Examples:
    """``B`` examples: ``inputs``/``outputs`` are ``(B, M)`` ints, ``mask`` ``(B, M)`` bool."""

    inputs: np.ndarray
    outputs: np.ndarray
    mask: np.ndarray

    def __len__(self) -> int:
        return self.inputs.shape[0]

    def correct(self, mem: np.ndarray) -> np.ndarray:
        """Per example (over any leading batch axes of ``mem``): all masked cells match."""
        return ((mem == self.outputs) | ~self.mask).all(axis=-1)

    def passed(self, result) -> np.ndarray:
        """Per example: a run (a :class:`~neural.interp.Result` on these inputs) halted and
        its memory is correct — the one correctness predicate of synthdiff."""
        return self.correct(result.mem) & result.halted

    @staticmethod
    def stack(rows: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Examples:
        """Examples from ``(input, output, mask)`` rows."""
        ins, outs, masks = zip(*rows)
        return Examples(np.array(ins, dtype=np.int64), np.array(outs, dtype=np.int64), np.array(masks, dtype=bool))


def judge(programs: Sequence[Program], ex: Examples, T: int) -> tuple[np.ndarray, np.ndarray]:
    """Per program: halted and correct on every example (bool), and its mean steps over them."""
    res = run_batch(encode(programs), ex.inputs, T)
    return ex.passed(res).all(-1), res.steps.mean(-1)
