"""Time one Adam step (forward + backward + update) of the differentiable machine.

Default configuration (issue #3): K=100 restarts x 32 examples, M=8, R=4, T=40, all 13
ops; then the same at M=16. Reports the jit compile time, the steady-state seconds per
Adam step (median over chunks), the FLOP count XLA reports for one step, the reached
GFLOP/s, and the peak resident memory of the process.

    python scripts/bench_neural.py [--K 100] [--B 32] [--M 8 16] [--impl matmul closed]

Environment knobs worth trying (set before the run; see the README):
``XLA_FLAGS=--xla_cpu_experimental_ynn_fusion_type=`` and
``GLIBC_TUNABLES=glibc.malloc.hugetlb=1``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import jax
import numpy as np

from neural.compile import random_weights
from neural.machine import Machine
from neural.tune import TuneConfig, _chunk_fn, one_hot_memory, stack

import optax


def bench(K: int, B: int, M: int, R: int, T: int, impl: str, chunk: int, repeats: int) -> dict:
    machine = Machine(M, R, T, impl=impl)
    keys = jax.random.split(jax.random.PRNGKey(0), K)
    w = stack([random_weights(k, M, R) for k in keys])
    rng = np.random.default_rng(0)
    inputs = rng.integers(M, size=(B, M))
    memory = one_hot_memory(inputs, M)
    target = jax.numpy.asarray(rng.integers(M, size=(B, M)))
    mask = jax.numpy.ones((B, M))
    cfg = TuneConfig(impl=impl)
    opt = optax.adam(cfg.lr)
    state = jax.vmap(opt.init)(w)
    fn = _chunk_fn(machine, opt, cfg)

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
    flops = _flops_per_step(machine, w, memory, target, mask, cfg)
    return {
        "K": K, "B": B, "M": M, "R": R, "T": T, "impl": impl, "compile_s": compile_s,
        "step_s": step_s, "flops_per_step": flops, "gflops": flops / step_s / 1e9 if flops else None,
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "finite": bool(np.isfinite(np.asarray(loss)).all()),
    }  # fmt: skip


def _flops_per_step(machine, w, memory, target, mask, cfg) -> float | None:
    """XLA's own FLOP count for one vmapped value-and-grad (None if it does not say)."""
    from neural.tune import loss_fn

    g = jax.vmap(jax.value_and_grad(loss_fn), in_axes=(0, None, None, None, None, None))
    try:
        lowered = jax.jit(lambda w: g(w, machine, memory, target, mask, cfg)).lower(w)
        cost = lowered.compile().cost_analysis()
        cost = cost[0] if isinstance(cost, list) else cost
        return float(cost.get("flops", 0.0)) or None
    except Exception:  # cost analysis is best-effort across jax versions
        return None


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
    ap.add_argument("--json", default="results/bench_neural.json")
    a = ap.parse_args()

    rows = [bench(a.K, a.B, M, a.R, a.T, impl, a.chunk, a.repeats) for M in a.M for impl in a.impl]
    print(f"devices: {jax.devices()}")
    print(f"{'M':>3} {'impl':<7} {'K':>4} {'B':>3} {'T':>3} {'s/step':>8} {'compile s':>9} {'GFLOP/step':>10} {'GFLOP/s':>8} {'peak GB':>7}")
    for r in rows:
        gf = f"{r['flops_per_step'] / 1e9:>10.2f}" if r["flops_per_step"] else f"{'?':>10}"
        gs = f"{r['gflops']:>8.1f}" if r["gflops"] else f"{'?':>8}"
        print(f"{r['M']:>3} {r['impl']:<7} {r['K']:>4} {r['B']:>3} {r['T']:>3} {r['step_s']:>8.3f} "
              f"{r['compile_s']:>9.1f} {gf} {gs} {r['peak_rss_gb']:>7.2f}")  # fmt: skip
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
