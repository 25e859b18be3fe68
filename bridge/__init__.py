"""bridge: tasks, suites, lowering and the pipeline that joins synth and neural.

``solve(task, method)`` runs the seed paper's algorithm on one task; ``solve_suite`` runs
it on every task of a suite; ``lower`` turns a skeleton into an assembly program.
"""

from .batch import solve_suite as solve_suite
from .lower import Lowered as Lowered
from .lower import LoweringError as LoweringError
from .lower import lower as lower
from .pipeline import LowerConfig as LowerConfig
from .pipeline import SolveConfig as SolveConfig
from .pipeline import SolveResult as SolveResult
from .pipeline import solve as solve
from .suite import load_suite as load_suite
from .tasks import BUILTINS as BUILTINS
from .tasks import Machine as Machine
from .tasks import Task as Task
