"""neural: the ANC machine — its assembly language, discrete interpreter and differentiable twin."""

from .asm import INSTRUCTION_SETS, OPS, AsmError, Line, Program, format_program, parse_program
from .examples import Examples, judge
from .interp import Code, Result, encode, run, run_batch, run_one

__all__ = [
    "INSTRUCTION_SETS",
    "OPS",
    "AsmError",
    "Code",
    "Examples",
    "Line",
    "Program",
    "Result",
    "encode",
    "format_program",
    "judge",
    "parse_program",
    "run",
    "run_batch",
    "run_one",
]

# The differentiable machine lives in neural.machine, neural.compile, neural.tune and
# neural.parallel; they import JAX, so they are not pulled in by `import neural`.
