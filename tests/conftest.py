"""Shared fixtures: built-in tasks by name, small example sets, a seeded generator."""

import os

import numpy as np
import pytest

from bridge.tasks import BUILTINS

os.environ.setdefault("SYNTHDIFF_JAX_CACHE", "off")  # tests compile afresh and leave no cache behind


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def task():
    """``task(name, n_train=16, n_test=256, seed=0)``: a built-in task, built once."""
    cache = {}

    def make(name: str, n_train: int = 16, n_test: int = 256, seed: int = 0):
        key = (name, n_train, n_test, seed)
        if key not in cache:
            cache[key] = BUILTINS[name].task(n_train=n_train, n_test=n_test, seed=seed)
        return cache[key]

    return make
