"""XLA settings for the CPU, measured on the 2-core machines this project runs on.

``scripts/bench_neural.py`` (K=100 restarts x 32 examples, M=8, T=40) on one process:
0.130 s per Adam step with XLA's defaults, 0.085 s with YNNPACK fusions disabled, 0.075 s
adding ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` (must be set before Python starts).
Two single-threaded processes pinned one per core, 50 restarts each, took 0.045 s per step.

These only ever *add* flags at a program's entry point, before JAX starts its backend, and
never when the user has set ``XLA_FLAGS`` themselves. An XLA flag the installed jaxlib does
not know aborts the process, so the YNNPACK flag is only added for jaxlib versions it was
measured on.
"""

from __future__ import annotations

import os
from importlib import metadata

YNN_OFF = "--xla_cpu_experimental_ynn_fusion_type="
SINGLE_THREAD = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
_YNN_VERSIONS = ("0.10.",)


def cpu_flags(single_thread: bool = False) -> str:
    """The XLA_FLAGS value we use on CPU (empty if none apply to this jaxlib)."""
    try:
        version = metadata.version("jaxlib")
    except metadata.PackageNotFoundError:
        version = ""
    flags = [YNN_OFF] if version.startswith(_YNN_VERSIONS) else []
    if single_thread:
        flags.append(SINGLE_THREAD)
    return " ".join(flags)


def configure(single_thread: bool = False, environ: dict | None = None) -> None:
    """Add :func:`cpu_flags` to ``XLA_FLAGS`` unless the user already set it.

    Call before the first JAX computation of the process (XLA reads the variable when its
    backend starts). ``environ`` defaults to ``os.environ``.
    """
    env = os.environ if environ is None else environ
    if "XLA_FLAGS" not in env:
        flags = cpu_flags(single_thread)
        if flags:
            env["XLA_FLAGS"] = flags
