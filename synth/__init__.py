"""synth: bottom-up skeleton synthesis with observational equivalence and egglog.

``synthesize(examples, M)`` enumerates skeletons of the language in :mod:`synth.lang`
cheapest first, keeps one per behaviour on the train examples, merges provably equal ones
in an e-graph, and returns a ranked :class:`~synth.space.VersionSpace`.
"""

from .heuristics import ConstructWeights, Heuristic, SizePrior
from .lang import Term, show
from .search import ProgramClass, SearchResult, enumerate_programs
from .semantics import run
from .space import SpaceStats, VersionSpace, raw_program_count, synthesize

__all__ = [
    "ConstructWeights",
    "Heuristic",
    "ProgramClass",
    "SearchResult",
    "SizePrior",
    "SpaceStats",
    "Term",
    "VersionSpace",
    "enumerate_programs",
    "raw_program_count",
    "run",
    "show",
    "synthesize",
]
