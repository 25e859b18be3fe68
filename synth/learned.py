"""A learned search heuristic (DeepCoder-style): predict from the examples which constructs
and ops a solution uses, and turn the predictions into enumeration costs and ranking scores
through the public :class:`~synth.heuristics.Heuristic` protocol — nothing private.

- :data:`LABELS` has one label per construct of the language (``synth.lang``'s statement and
  expression ops; a test keeps them in step);
- :func:`generate` samples random skeletons of the language (seeded, every loop kind,
  memory sizes from a list), runs them on random inputs shaped like the tasks'
  (0-terminated lists, bit vectors, counts, linked lists), keeps the ones with non-trivial
  behaviour, deduplicates by behaviour, prunes statements without effect (so a label means
  the behaviour needs the construct), and drops any that solve a task it is told to keep
  out (the built-in suites, the dev suite, a user's suite);
- :class:`Model` is a small equinox network: a per-example MLP over the cells' (input,
  output) features, a mean over examples (permutation-invariant), an MLP to one logit per
  label (multi-label);
- :func:`train` fits it with optax Adam on binary cross-entropy; :func:`save` / :func:`load`
  write the weights with equinox's leaf serialisation plus a JSON config (labels, sizes,
  how the training tasks were drawn) — parsed, never unpickled;
- :class:`LearnedHeuristic` is the plug-in: costs ``1 + round(s·log2(p_max / p))`` (``s`` the
  sharpness), score ``Σ log2 p`` over a term's ops.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from .lang import Term, par, seq
from .sample import program
from .semantics import DIVERGED, execute

# One label per construct of the language (synth.lang.STMT_OPS + EXPR_OPS; a test keeps
# them in step). ``hole`` is never drawn (it has no semantics), so it learns a low
# probability: the heuristic makes holes the last resort.
LABELS = (
    "for",
    "repeat",
    "while",
    "do",
    "write",
    "set",
    "par",
    "seq",
    "if",
    "inc",
    "dec",
    "add",
    "sub",
    "min",
    "max",
    "ifz",
    "read",
    "cell",
    "const",
    "var",
    "hole",
)
M_MAX = 24
FEATURES = 6


@dataclasses.dataclass(frozen=True)
class Sample:
    """One synthetic task: examples (``(B, M)`` arrays), its skeleton, its label vector."""

    inputs: np.ndarray
    outputs: np.ndarray
    mask: np.ndarray
    term: Term
    labels: np.ndarray  # (len(LABELS),) 0/1
    M: int = 8

    @property
    def key(self) -> bytes:
        """The behaviour: memory size, inputs and outputs (what deduplication compares)."""
        return bytes([self.M]) + np.concatenate([self.inputs.ravel(), self.outputs.ravel()]).astype(np.int16).tobytes()


def labels_of(t: Term) -> np.ndarray:
    """1 for every label whose construct occurs in ``t``."""
    ops = set(t.ops())
    return np.array([float(op in ops) for op in LABELS], dtype=np.float32)


def _inputs(rng: np.random.Generator, M: int, B: int) -> np.ndarray:
    """Inputs shaped like the tasks': a 0-terminated list at 0 or 1, bits, counts in the
    first cells, or a linked list of [next, value] nodes."""
    style = rng.integers(5)
    x = np.zeros((B, M), dtype=np.int64)
    for i in range(B):
        if style == 0:  # a 0-terminated list at 0
            L = rng.integers(1, M - 1)
            x[i, :L] = rng.integers(1, M, size=L)
        elif style == 1:  # a list at 1 after a 0 cell
            L = rng.integers(1, M - 1)
            x[i, 1 : L + 1] = rng.integers(1, M, size=L)
        elif style == 2:  # bits after a 0 cell
            x[i, 1:] = rng.integers(0, 2, size=M - 1)
        elif style == 3:  # a count or value in the first cells
            x[i, :2] = rng.integers(0, M, size=2)
        else:  # a linked list from cell 1: [next, value] nodes, the head pointer in cell 0
            n = rng.integers(1, max(2, (M - 1) // 2))
            addr = 1 + 2 * np.arange(n)
            x[i, addr] = np.append(addr[1:], 0)
            x[i, addr + 1] = rng.integers(1, M, size=n)
            x[i, 0] = addr[0]
    return x


def _deletions(t: Term) -> list[Term]:
    """``t`` with one statement of a ``seq`` or ``par`` (at any depth) left out."""
    out = []
    if t.op in ("seq", "par") and len(t.args) > 1:
        join = seq if t.op == "seq" else par
        out += [join(*t.args[:k], *t.args[k + 1 :]) for k in range(len(t.args))]
    for k, a in enumerate(t.args):
        if isinstance(a, Term) and a.is_stmt:
            out += [Term(t.op, (*t.args[:k], d, *t.args[k + 1 :])) for d in _deletions(a)]
    return out


def prune(t: Term, x: np.ndarray, y: np.ndarray, M: int) -> Term:
    """``t`` without the statements that do not change its outputs ``y`` on ``x``: the labels
    then name the constructs the behaviour needs, not dead code the sampler drew."""
    changed = True
    while changed:
        changed = False
        for u in _deletions(t):
            if np.array_equal(execute(u, x, M, fuel=4 * M), y):
                t, changed = u, True
                break
    return t


def _by_size(tasks: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict[int, tuple]:
    """Tasks' examples stacked per memory size, with each example's task number: one
    :func:`execute` call then checks a program against all of them."""
    out: dict[int, tuple] = {}
    for M in sorted({x.shape[1] for x, _, _ in tasks}):
        group = [(x, y, m) for x, y, m in tasks if x.shape[1] == M]
        ids = np.concatenate([np.full(len(x), k) for k, (x, _, _) in enumerate(group)])
        out[M] = (*(np.concatenate(a) for a in zip(*group)), ids, len(group))
    return out


def _solves_one(t: Term, M: int, X: np.ndarray, Y: np.ndarray, K: np.ndarray, ids: np.ndarray, n: int) -> bool:
    """Whether ``t`` is correct on every example of some task of the group."""
    ok = ((execute(t, X, M, fuel=4 * M) == Y) | ~K).all(1)
    return bool((np.bincount(ids, weights=~ok, minlength=n) == 0).any())


def generate(
    n: int,
    seed: int,
    sizes: Sequence[int] = (8,),
    B: int = 16,
    exclude: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]] = (),
) -> list[Sample]:
    """``n`` synthetic tasks, deterministic in ``seed``: random skeletons of the language
    (:func:`synth.sample.program`, on a memory size drawn from ``sizes``) run on
    task-shaped inputs, keeping those that change the memory and never diverge, one per
    behaviour; each skeleton is :func:`pruned <prune>` of statements without effect.

    ``exclude`` holds ``(inputs, outputs, mask)`` of tasks to keep out of training: a
    sampled skeleton that solves one of them (same ``M``) is dropped.
    """
    if not sizes or any(not 2 <= M <= M_MAX for M in sizes):
        raise ValueError(f"memory sizes must be in 2..{M_MAX}, got {tuple(sizes)}")
    rng = np.random.default_rng(seed)
    groups = _by_size(exclude)
    seen: set[bytes] = set()
    out: list[Sample] = []
    attempts = 0
    while len(out) < n and attempts < 50 * n:
        attempts += 1
        M = int(sizes[rng.integers(len(sizes))])
        t = program(rng, M)
        x = _inputs(rng, M, B)
        y = execute(t, x, M, fuel=4 * M)
        if (y == DIVERGED).any() or (y == x).all():
            continue
        mask = (y != x).any(0)[None].repeat(B, 0)
        t = prune(t, x, y, M)
        s = Sample(x, y, mask, t, labels_of(t), M)
        if s.key in seen or (M in groups and _solves_one(t, M, *groups[M])):
            continue
        seen.add(s.key)
        out.append(s)
    return out


def features(inputs: np.ndarray, outputs: np.ndarray, mask: np.ndarray, M: int) -> np.ndarray:
    """``(B, M_MAX·FEATURES)`` per-example features, padded to ``M_MAX`` cells."""
    B = inputs.shape[0]
    f = np.zeros((B, M_MAX, FEATURES), dtype=np.float32)
    n = min(M, M_MAX)
    x, y = inputs[:, :n], outputs[:, :n]
    f[:, :n, 0] = x / M
    f[:, :n, 1] = np.where(mask[:, :n], y, 0) / M
    f[:, :n, 2] = np.where(mask[:, :n], (y - x) % M, 0) / M
    f[:, :n, 3] = x == 0
    f[:, :n, 4] = mask[:, :n] & (y == x)
    f[:, :n, 5] = mask[:, :n]
    return f.reshape(B, -1)


class Model(eqx.Module):
    """DeepSets over examples: ``rho(mean_b phi(example_b))`` -> one logit per label."""

    phi: eqx.nn.MLP
    rho: eqx.nn.MLP

    def __init__(self, key: jax.Array, hidden: int = 128):
        k1, k2 = jax.random.split(key)
        self.phi = eqx.nn.MLP(M_MAX * FEATURES, hidden, hidden, 2, key=k1)
        self.rho = eqx.nn.MLP(hidden, len(LABELS), hidden, 2, key=k2)

    def __call__(self, x: jax.Array) -> jax.Array:  # x: (B, M_MAX·FEATURES)
        return self.rho(jax.vmap(self.phi)(x).mean(0))


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    hidden: int = 128
    steps: int = 3000
    lr: float = 1e-3
    batch: int = 64
    seed: int = 0


def train(samples: list[Sample], cfg: TrainConfig = TrainConfig()) -> tuple[Model, list[float]]:
    """Fit a :class:`Model` on samples; returns it and the loss every 100 steps."""
    X = jnp.asarray(np.stack([features(s.inputs, s.outputs, s.mask, s.M) for s in samples]))
    Y = jnp.asarray(np.stack([s.labels for s in samples]))
    key = jax.random.PRNGKey(cfg.seed)
    model = Model(key, cfg.hidden)
    opt = optax.adam(cfg.lr)
    state = opt.init(eqx.filter(model, eqx.is_array))

    @eqx.filter_jit
    def step(model, state, idx):
        def loss(m):
            logits = jax.vmap(m)(X[idx])
            return optax.sigmoid_binary_cross_entropy(logits, Y[idx]).mean()

        value, grads = eqx.filter_value_and_grad(loss)(model)
        updates, state = opt.update(grads, state, eqx.filter(model, eqx.is_array))
        return eqx.apply_updates(model, updates), state, value

    rng = np.random.default_rng(cfg.seed)
    curve = []
    for i in range(cfg.steps):
        model, state, value = step(model, state, jnp.asarray(rng.integers(0, len(samples), size=cfg.batch)))
        if i % 100 == 0:
            curve.append(float(value))
    return model, curve


def predict(model: Model, inputs: np.ndarray, outputs: np.ndarray, mask: np.ndarray, M: int) -> np.ndarray:
    """Per-label probabilities for one task."""
    return np.asarray(jax.nn.sigmoid(model(jnp.asarray(features(inputs, outputs, mask, M)))))


def save(model: Model, cfg: TrainConfig, path: str | Path, data: dict | None = None) -> None:
    """``path`` (weights, equinox leaf serialisation) and ``path.json`` (config, labels, and
    ``data``: how the training tasks were drawn, so an evaluation can keep clear of them)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    eqx.tree_serialise_leaves(path, model)
    meta = {"config": dataclasses.asdict(cfg), "labels": LABELS, "m_max": M_MAX, "features": FEATURES}
    meta["data"] = data or {}
    path.with_suffix(path.suffix + ".json").write_text(json.dumps(meta, indent=1))


def training_data(path: str | Path) -> dict:
    """The ``data`` a model was saved with (``{}`` if none)."""
    path = Path(path)
    try:
        return dict(json.loads(path.with_suffix(path.suffix + ".json").read_text()).get("data", {}))
    except (OSError, json.JSONDecodeError, TypeError, ValueError) as e:
        raise ValueError(f"{path}.json: not a synthdiff heuristic config ({e})") from None


def load(path: str | Path) -> Model:
    """Read a model written by :func:`save` (JSON config + raw leaves; nothing is unpickled)."""
    path = Path(path)
    meta_path = path.with_suffix(path.suffix + ".json")
    try:
        meta = json.loads(meta_path.read_text())
        cfg = TrainConfig(**meta["config"])
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as e:
        raise ValueError(f"{meta_path}: not a synthdiff heuristic config ({e})") from None
    if tuple(meta.get("labels", ())) != LABELS or meta.get("m_max") != M_MAX:
        raise ValueError(f"{meta_path}: model was trained for other labels or sizes")
    try:  # numpy's loader without pickles: arrays only
        return eqx.tree_deserialise_leaves(path, Model(jax.random.PRNGKey(0), cfg.hidden))
    except (OSError, ValueError, EOFError, RuntimeError) as e:  # equinox wraps read errors in RuntimeError
        raise ValueError(f"{path}: not a synthdiff heuristic model for this config ({e})") from None


class LearnedHeuristic:
    """The plug-in: predicted label probabilities -> enumeration costs and ranking scores.

    ``sharpness`` 0.5 by measurement (scripts/eval_heuristic.py, 60 held-out generated
    tasks, 12 built-ins, 31 dev tasks): at 1.0 the model's low probability for arithmetic
    inside loops lost built-in and dev tasks the size prior solves (7 vs 9, 19 vs 26); at
    0.5 it solves 49 vs 48, 10 vs 9 and 21 vs 26, with 3.7x, 2.6x and 2.4x fewer candidates
    before the first correct skeleton (median, tasks both solve)."""

    def __init__(self, model: Model, M: int, floor: float = 0.02, sharpness: float = 0.5):
        self.model, self.M, self.floor, self.sharpness = model, M, floor, sharpness
        self._cache: dict[bytes, dict[str, float]] = {}

    def probs(self, examples) -> dict[str, float]:
        """Per-label probabilities, computed once per distinct set of examples."""
        arrays = (np.asarray(examples.inputs), np.asarray(examples.outputs), np.asarray(examples.mask, dtype=bool))
        key = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)  # content, not id(): ids are reused
        if key not in self._cache:
            p = predict(self.model, *arrays, self.M)
            self._cache[key] = {op: max(self.floor, float(v)) for op, v in zip(LABELS, p)}
        return self._cache[key]

    def costs(self, examples) -> dict[str, int]:
        p = self.probs(examples)
        top = max(p.values())
        return {op: 1 + round(self.sharpness * math.log2(top / v)) for op, v in p.items()}

    def score(self, terms: Sequence[Term], behaviours: np.ndarray, examples) -> np.ndarray:
        p = self.probs(examples)
        return np.array([sum(math.log2(p.get(op, self.floor)) for op in t.ops()) for t in terms], dtype=float)
