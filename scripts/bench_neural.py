"""Time one Adam step (forward + backward + update) of the differentiable machine.

Default configuration (issue #3): K=100 restarts x 32 examples, M=8, R=4, T=40, all 13
ops; then the same at M=16. Reports the jit compile time, the steady-state seconds per
Adam step (median over chunks), a model FLOP count, the reached GFLOP/s, and the peak
resident memory.

FLOP model: per example and step the forward pass is dominated by ``(x⊗y) @ A`` with the
``(M², 4M)`` 0/1 matrix A: ``8M³`` FLOP, plus ``O(M² + RM)`` for READ, the writes and the
controller; backward costs about twice the forward, so one Adam step is about
``3·(8M³ + 10M² + 4RM)·K·B·T`` FLOP: 1.9 GFLOP at M=8 and 13.7 GFLOP at M=16 for K=100,
B=32, T=40. Measured on the 2-core AMD EPYC (AVX-512 on 256-bit units, ~190 GFLOP/s fp32
peak for both cores at ~3 GHz): M=8 0.132 s/step with XLA's defaults (14 GFLOP/s, 7% of
peak), 0.071 s with YNNPACK fusions off (26 GFLOP/s, 14%), 0.044-0.053 s with two pinned
single-threaded workers (35-42 GFLOP/s, ~20%); M=16 0.248 / 0.214 / 0.169 s (81 GFLOP/s,
43%). Most of those FLOPs multiply zeros of A: the useful arithmetic is ~1/M of it.

The FLOPs are not what bounds the step, though (issue 15; measured A/B in one process,
one pinned single-threaded worker, K=50, on a loaded machine, so compare ratios only):
the backward pass of the step scan costs ~5x its forward. Checkpointing the scan step
(what ``SoftMachine`` does now) took the M=8 Adam step from 0.21 to 0.16 s there, and
0.54 / 0.44 -> 0.31 / 0.32 s in this script with 2 workers (M=16: 1.80 / 1.54 -> 1.65 /
1.14 s). Computing INC/DEC/ADD/SUB as one convolution ``(x⊗c) @ A_add`` (``2M³``) and
MIN/MAX from cumulative sums left M=16 within noise (0.427 vs 0.424 s): most time is in
``M²``-sized elementwise passes over memory, not in the product. A hand-written reverse
pass (``jax.custom_vjp`` over the whole run, states only as residuals, closed-form ops,
batch axes last) matched autodiff to 1e-15 in float64 but was slower under XLA CPU:
0.17-0.21 vs 0.14-0.15 s at M=8, 1.6 vs 0.65 s at M=16 (XLA fuses, and so recomputes, the
ops' intermediates inside every consumer of the reverse step).

7 Dec: ``SoftMachine`` runs a batch of examples with them on the last axis of every state
(the arithmetic one ``(4M, M²) @ (M², B)`` GEMM per restart) and its checkpointed step
keeps that GEMM's output. ``--M 8 16 --impl matmul --workers 2``, two alternations with
the code before, best of each: M=8 0.064 -> 0.052 s, M=16 0.236 -> 0.211 s (per
alternation 0.074 -> 0.057 and 0.064 -> 0.052; 0.266 -> 0.247 and 0.236 -> 0.211).

    python scripts/bench_neural.py [--K 100] [--B 32] [--M 8 16] [--impl matmul closed]

Environment knobs worth trying (set before the run; see the README):
``XLA_FLAGS=--xla_cpu_experimental_ynn_fusion_type=`` and
``GLIBC_TUNABLES=glibc.malloc.hugetlb=1``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jax
import numpy as np

from neural.compile import random_weights
from neural.machine import SoftMachine
from neural.tune import TuneConfig, adam_steps, line_mask, one_hot_memory, stack


def bench(K: int, B: int, M: int, R: int, T: int, impl: str, chunk: int, repeats: int) -> dict:
    machine = SoftMachine(M, R, T, impl=impl)
    keys = jax.random.split(jax.random.PRNGKey(0), K)
    w = stack([random_weights(k, M, R) for k in keys])
    rng = np.random.default_rng(0)
    inputs = rng.integers(M, size=(B, M))
    memory = one_hot_memory(inputs, M)
    target = jax.numpy.asarray(rng.integers(M, size=(B, M)))
    mask = jax.numpy.ones((B, M))
    cfg = TuneConfig(impl=impl)
    opt = cfg.transform()
    state = jax.vmap(opt.init)(w)
    every = line_mask(w, range(M))
    fn = lambda w, s, memory, target, mask, n: adam_steps(
        w, s, machine, memory, target, mask, every, cfg.objective(), opt, n
    )

    t0 = time.perf_counter()
    w2, s2, loss = fn(w, state, memory, target, mask, chunk)
    jax.block_until_ready(loss)
    compile_s = time.perf_counter() - t0  # includes one chunk of execution
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        w2, s2, loss = fn(w2, s2, memory, target, mask, chunk)
        jax.block_until_ready(loss)
        times.append((time.perf_counter() - t0) / chunk)
    step_s = float(np.median(times))
    compile_s -= step_s * chunk
    flops = model_flops(K, B, M, R, T)
    return {
        "K": K,
        "B": B,
        "M": M,
        "R": R,
        "T": T,
        "impl": impl,
        "compile_s": compile_s,
        "step_s": step_s,
        "flops_per_step": flops,
        "gflops": flops / step_s / 1e9 if flops else None,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "finite": bool(np.isfinite(np.asarray(loss)).all()),
    }


def model_flops(K: int, B: int, M: int, R: int, T: int) -> float:
    """FLOP of one Adam step by the model in the module docstring."""
    return 3.0 * (8 * M**3 + 10 * M**2 + 4 * R * M) * K * B * T


def _parallel(a, M: int, impl: str) -> dict:
    """Run ``a.workers`` pinned single-threaded copies of this script concurrently."""
    from neural.xla import cpu_flags

    env = {**os.environ, "XLA_FLAGS": cpu_flags(single_thread=True)}
    cores = sorted(os.sched_getaffinity(0))
    procs, outs = [], []
    for w in range(a.workers):
        fd, out = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        sizes = {"--K": a.K // a.workers, "--B": a.B, "--M": M, "--R": a.R, "--T": a.T, "--chunk": a.chunk}
        cmd = [sys.executable, __file__, "--impl", impl, "--repeats", str(a.repeats), "--json", out]
        cmd += [x for k, v in sizes.items() for x in (k, str(v))]
        core = cores[w % len(cores)]
        procs.append(
            subprocess.Popen(
                cmd, env=env, stdout=subprocess.DEVNULL, preexec_fn=lambda c=core: os.sched_setaffinity(0, {c})
            )
        )
        outs.append(out)
    for p in procs:
        p.wait()
    rows = [json.loads(Path(o).read_text())[0] for o in outs]
    slowest = max(rows, key=lambda r: r["step_s"])
    flops = model_flops(a.K, a.B, M, a.R, a.T)
    return {
        **slowest,
        "K": a.K,
        "workers": a.workers,
        "flops_per_step": flops,
        "gflops": flops / slowest["step_s"] / 1e9,
        "peak_rss_gb": sum(r["peak_rss_gb"] for r in rows),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--K", type=int, default=100)
    ap.add_argument("--B", type=int, default=32)
    ap.add_argument("--M", type=int, nargs="+", default=[8, 16])
    ap.add_argument("--R", type=int, default=4)
    ap.add_argument("--T", type=int, default=40)
    ap.add_argument("--impl", nargs="+", default=["matmul", "closed"])
    ap.add_argument("--chunk", type=int, default=5, help="Adam steps per timed call")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument(
        "--workers",
        type=int,
        default=1,
        help="run K/workers restarts in each of this many single-threaded processes pinned one per core, "
        "at the same time (what TunePool does); s/step is the slowest worker's",
    )
    ap.add_argument("--json", default="results/bench_neural.json")
    a = ap.parse_args()

    if a.workers > 1:
        rows = [_parallel(a, M, impl) for M in a.M for impl in a.impl]
    else:
        rows = [bench(a.K, a.B, M, a.R, a.T, impl, a.chunk, a.repeats) for M in a.M for impl in a.impl]
    print(f"devices: {jax.devices()}")
    print(
        f"{'M':>3} {'impl':<7} {'K':>4} {'B':>3} {'T':>3} {'s/step':>8} {'compile s':>9} "
        f"{'GFLOP/step':>10} {'GFLOP/s':>8} {'peak GB':>7}"
    )
    for r in rows:
        gf = f"{r['flops_per_step'] / 1e9:>10.2f}" if r["flops_per_step"] else f"{'?':>10}"
        gs = f"{r['gflops']:>8.1f}" if r["gflops"] else f"{'?':>8}"
        print(
            f"{r['M']:>3} {r['impl']:<7} {r['K']:>4} {r['B']:>3} {r['T']:>3} {r['step_s']:>8.3f} "
            f"{r['compile_s']:>9.1f} {gf} {gs} {r['peak_rss_gb']:>7.2f}"
        )
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
