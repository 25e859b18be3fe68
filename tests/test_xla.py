"""XLA settings: the persistent compilation cache is under a user cache dir, and optional."""

import os
import subprocess
import sys
from pathlib import Path

from neural import xla

ROOT = Path(__file__).resolve().parent.parent
COMPILE = (
    "import jax; from neural import xla; xla.configure(); "
    "jax.jit(lambda x: 2 * x + 1)(jax.numpy.ones(3)).block_until_ready()"
)


def test_cache_dir_follows_the_variable_then_xdg():
    assert xla.cache_dir({"XDG_CACHE_HOME": "/c"}) == os.path.join("/c", "synthdiff", "jax")
    assert xla.cache_dir({xla.CACHE_VAR: "/mine", "XDG_CACHE_HOME": "/c"}) == "/mine"
    assert xla.cache_dir({xla.CACHE_VAR: "rel"}) == os.path.join(os.getcwd(), "rel")  # not moved by a chdir
    for off in ("", "off", "0", "OFF", "no", "false"):
        assert xla.cache_dir({xla.CACHE_VAR: off}) is None


def test_a_remote_environment_gets_flags_but_no_cache_path():
    env = {}
    xla.configure(single_thread=True, environ=env)
    assert "JAX_COMPILATION_CACHE_DIR" not in env
    assert env.get("XLA_FLAGS", "") == xla.cpu_flags(single_thread=True)


def _compile(tmp_path: Path, **extra: str) -> Path:
    env = {k: v for k, v in os.environ.items() if k not in (xla.CACHE_VAR, "JAX_COMPILATION_CACHE_DIR")}
    env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path), JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0")
    env.update(extra)
    subprocess.run([sys.executable, "-c", COMPILE], cwd=ROOT, env=env, check=True, capture_output=True)
    return tmp_path / "synthdiff" / "jax"


def test_compiled_code_lands_in_the_user_cache(tmp_path):
    # jax is imported before configure, as in the CLI and the pool's workers
    cache = _compile(tmp_path)
    assert any(cache.iterdir())


def test_the_cache_can_be_turned_off(tmp_path):
    assert not _compile(tmp_path, **{xla.CACHE_VAR: "off"}).exists()
