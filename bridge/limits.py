"""Upper bounds on every size a user can type, and up-front memory estimates.

Each size has a hard bound (past it the input is refused with a message naming the option
or field). Sizes that multiply — restarts × examples × steps × cells — are also checked
together against the memory this machine allows, before any work starts: the estimates
below are fitted to what the parts allocate (XLA's own buffer analysis for a tuning step,
measured peaks for the interpreter and the search-space study) and err on the high side.
"""

from __future__ import annotations

import math
import os
import resource
from pathlib import Path

from neural import asm

from .inputs import InputError

MAX_M, MAX_R = asm.MAX_M, asm.MAX_R
MAX_T = 100_000
MAX_TRAIN = 10_000
MAX_TEST = 100_000
MAX_SEED = 2**32 - 1  # JAX keys keep 32 bits of a seed: larger seeds would repeat smaller ones
MAX_RESTARTS = 100_000
MAX_STEPS = 1_000_000
MAX_TOP_N = 10_000
MAX_ROUNDS = 1_000
MAX_PAD = MAX_M
MAX_SAMPLES = 10_000_000
MAX_SECONDS = 1e6
MAX_NAME = 200

MEMORY_VAR = "SYNTHDIFF_MEMORY"
PROCESS_BYTES = 600 << 20
"""What a process holding numpy, JAX and the synthesizer needs before it does any work."""


def fmt_bytes(n: float) -> str:
    """``1.5 GB``-style sizes for messages."""
    for unit, size in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n / 1024:,.1f} KB"


def _size(text: str) -> int:
    """``8G``, ``512M``, ``1.5T`` or a number of bytes."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    t = text.strip().upper().removesuffix("B")
    scale = units.get(t[-1:], 1)
    try:
        value = float(t[:-1] if scale > 1 else t)
    except ValueError:
        value = -1.0
    if not 0 < value < 1 << 60 or len(t) > 20:
        raise InputError(f"{MEMORY_VAR}={text[:20]!r}: expected a size such as 8G or 512M")
    return int(value * scale)


def memory_budget() -> int:
    """Bytes this process may use: ``$SYNTHDIFF_MEMORY`` if set, else physical memory lowered
    by a cgroup limit or RLIMIT_AS."""
    if os.environ.get(MEMORY_VAR):
        return _size(os.environ[MEMORY_VAR])
    budget = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        budget = min(budget, soft)
    try:
        cg = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if cg.isdigit():
            budget = min(budget, int(cg))
    except OSError:
        pass
    return budget


def require(need: float, what: str) -> None:
    """Refuse work estimated to need more memory than :func:`memory_budget`."""
    budget = memory_budget()
    if need > budget:
        raise InputError(
            f"{what} would need about {fmt_bytes(need)} of memory; this machine allows {fmt_bytes(budget)}"
        )


def examples_bytes(n: int, M: int) -> int:
    """Inputs, outputs (int64) and masks (bool) of ``n`` examples."""
    return n * M * 17


def tuning_bytes(K: int, B: int, M: int, R: int, T: int, steps: int) -> int:
    """One tuning call: ``K`` restarts on ``B`` train examples of a machine, ``steps`` Adam steps.

    XLA's buffers for a chunk of Adam steps (arguments, outputs, temporaries; the machine's
    step is checkpointed, so the backward pass keeps one carry and the arithmetic's product
    per step) fit ``K·B·T·(3.8·M² + 4.8·R·M + 17·M + 31) + 15·M³ + 49·K·B·M² +
    55·K·M·(13 + 4·R)`` bytes within 6% (measured with ``memory_analysis()`` on sixteen
    shapes, M = 4..64, R = 2..24); the estimate takes each coefficient about 12% higher,
    plus the loss curve.
    """
    kbt = K * B * T
    xla = kbt * (17 * M * M // 4 + 6 * R * M + 19 * M + 35) + 18 * M**3 + 55 * K * B * M * M
    weights = 62 * K * M * (13 + 4 * R)  # weights and Adam's moments
    return xla + weights + 8 * K * steps


def judge_bytes(K: int, n: int, M: int, R: int) -> int:
    """The discrete judge: ``K`` programs on ``n`` examples (final memories and registers)."""
    return K * n * (18 * M + 16 * R + 32)


def trace_bytes(T: int, M: int, R: int) -> int:
    """``run --trace``: the state before every one of up to ``T`` steps, as data and text."""
    return T * (40 * (M + R) + 600)


def study_bytes(samples: int, M: int, R: int, probes: int = 8) -> int:
    """The search-space study's sampled programs and their behaviours on the probe inputs."""
    return samples * (32 * M + 8 * probes * (3 * M + 2 * R + 4))


def per_worker(K: int, workers: int) -> int:
    """Restarts one of ``workers`` processes tunes when ``K`` are split evenly."""
    return math.ceil(K / max(1, workers))


MAX_COST = 64  # skeleton cost: the search is exponential in it long before this
