"""XLA settings for the CPU, measured on the 2-core machines this project runs on.

``scripts/bench_neural.py`` (K=100 restarts x 32 examples, M=8, T=40) on one process:
0.130 s per Adam step with XLA's defaults, 0.085 s with YNNPACK fusions disabled, 0.075 s
adding ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` (must be set before Python starts).
Two single-threaded processes pinned one per core, 50 restarts each, took 0.045 s per step.

These only ever *add* flags at a program's entry point, before JAX starts its backend, and
never when the user has set ``XLA_FLAGS`` themselves. An XLA flag the installed jaxlib does
not know aborts the process, so the YNNPACK flag is only added for jaxlib versions it was
measured on.

Compiling a tuning chunk takes 6-40 s per process and shape (one per machine size, optimizer
and batch bucket, in each worker); :func:`configure` also points JAX's persistent
compilation cache at a user cache directory (:func:`cache_dir`), so a later run loads them
instead. Never required: ``SYNTHDIFF_JAX_CACHE=off`` turns it off, and a directory that
cannot be made is skipped.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
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


CACHE_VAR = "SYNTHDIFF_JAX_CACHE"
_OFF = ("", "0", "off", "no", "false")


def cache_dir(environ: Mapping[str, str]) -> str | None:
    """Where compiled computations persist between runs: ``$SYNTHDIFF_JAX_CACHE`` (empty,
    ``0``, ``off``, ``no`` or ``false``: nowhere), else ``$XDG_CACHE_HOME/synthdiff/jax``
    (``~/.cache`` if unset); nowhere if there is no home directory to put it in."""
    v = environ.get(CACHE_VAR)
    if v is not None:
        return None if v.strip().lower() in _OFF else os.path.abspath(v)
    home = os.path.expanduser("~")
    base = environ.get("XDG_CACHE_HOME") or (None if home.startswith("~") else os.path.join(home, ".cache"))
    return None if base is None else os.path.join(base, "synthdiff", "jax")


def configure(single_thread: bool = False, environ: dict | None = None) -> None:
    """Add :func:`cpu_flags` to ``XLA_FLAGS`` unless the user already set it; for this
    process (``environ`` None) also turn on the compilation cache (:func:`cache_dir`) unless
    ``JAX_COMPILATION_CACHE_DIR`` is set already.

    Call before the first JAX computation of the process (XLA reads the variable when its
    backend starts). ``environ`` defaults to ``os.environ``; another mapping (a remote
    worker's environment) gets the flags only, as a cache path is this machine's.
    """
    env = os.environ if environ is None else environ
    if "XLA_FLAGS" not in env:
        flags = cpu_flags(single_thread)
        if flags:
            env["XLA_FLAGS"] = flags
    if environ is None and "JAX_COMPILATION_CACHE_DIR" not in env:
        path = cache_dir(env)
        try:
            if path is not None:
                os.makedirs(path, exist_ok=True)
        except OSError:
            path = None
        if path is not None:
            env["JAX_COMPILATION_CACHE_DIR"] = path  # read by JAX when imported (spawned workers)
            if "jax" in sys.modules:  # imported already: set its config, read at the first compile
                sys.modules["jax"].config.update("jax_compilation_cache_dir", path)
