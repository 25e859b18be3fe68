"""Search heuristics: the plug-in point for guiding enumeration and ranking.

A heuristic is any object with two methods (a :class:`typing.Protocol`, no base class):

- ``costs(examples) -> dict[str, int]``: a positive integer cost per op. Enumeration goes
  bottom-up by total cost (Probe-style), so cheap ops are combined first;
- ``score(terms, behaviours, examples) -> np.ndarray``: one number per candidate, higher
  is better, computed for a whole batch at once; used to rank the version space.
  ``behaviours`` has a row per candidate and a column per compared cell of each train
  example (``outputs[mask]``): the targets for a complete skeleton (every one kept is
  correct on them), -1 for a structure with holes.

``examples`` has ``inputs``, ``outputs`` and ``mask`` arrays. Writing your own::

    class PreferLists:
        def costs(self, examples):
            return {"for": 1, "repeat": 3}        # unlisted ops cost 1
        def score(self, terms, behaviours, examples):
            return np.array([-t.size + 2 * ("for" in t.ops()) for t in terms], float)

    synthesize(task_examples, M, heuristic=PreferLists())
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

from .lang import Term


class Heuristic(Protocol):
    def costs(self, examples) -> dict[str, int]: ...

    def score(self, terms: Sequence[Term], behaviours: np.ndarray, examples) -> np.ndarray: ...


class SizePrior:
    """Every op costs 1; smaller terms score higher (a description-length prior)."""

    def costs(self, examples) -> dict[str, int]:
        return {}

    def score(self, terms: Sequence[Term], behaviours: np.ndarray, examples) -> np.ndarray:
        return -np.array([t.size for t in terms], dtype=float)


class ConstructWeights:
    """A per-op probability table: cost ``1 + round(log2(p_max / p))`` (the likeliest op
    costs 1, an op half as likely 2, ...), score ``Σ log2 p`` over the term's ops.

    :meth:`fit` estimates the table from solved programs (add-one smoothing over ``ops``).
    """

    def __init__(self, probs: dict[str, float]):
        if not probs or any(p <= 0 for p in probs.values()):
            raise ValueError("ConstructWeights needs positive probabilities")
        self.probs = dict(probs)

    @classmethod
    def fit(cls, solved: Iterable[Term], ops: Iterable[str]) -> ConstructWeights:
        counts = Counter(op for t in solved for op in t.ops())
        ops = list(ops)
        total = sum(counts[o] + 1 for o in ops)
        return cls({o: (counts[o] + 1) / total for o in ops})

    def _log2(self, op: str) -> float:
        return math.log2(self.probs.get(op, min(self.probs.values())))

    def costs(self, examples) -> dict[str, int]:
        top = max(self.probs.values())
        return {op: 1 + round(math.log2(top / p)) for op, p in self.probs.items()}

    def score(self, terms: Sequence[Term], behaviours: np.ndarray, examples) -> np.ndarray:
        return np.array([sum(self._log2(op) for op in t.ops()) for t in terms], dtype=float)
