"""synth: skeleton synthesis — bottom-up structure, solved writes, egglog, a ranked version space.

``synthesize(examples, M)`` searches skeletons of the language in :mod:`synth.lang`
cheapest structure first, keeps those correct on the train examples (and structures with
holes), merges provably equal ones in an e-graph, and returns a ranked
:class:`~synth.space.VersionSpace`.
"""

from .heuristics import ConstructWeights as ConstructWeights
from .heuristics import Heuristic as Heuristic
from .heuristics import SizePrior as SizePrior
from .lang import Term as Term
from .lang import show as show
from .search import Candidate as Candidate
from .search import SearchResult as SearchResult
from .search import SynthConfig as SynthConfig
from .search import enumerate_programs as enumerate_programs
from .semantics import execute as execute
from .space import VersionSpace as VersionSpace
from .space import raw_program_count as raw_program_count
from .space import synthesize as synthesize
