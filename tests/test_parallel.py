"""The tuning pool: workers do not outlive a killed parent."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from neural.parallel import TunePool

    if __name__ == "__main__":
        pool = TunePool(2)
        for f in [pool._pool.submit(time.sleep, 1.0) for _ in range(2)]:  # both workers busy at once
            f.result()
        print(" ".join(str(p.pid) for p in pool._pool._processes.values()), flush=True)
        time.sleep(600)
    """
)


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return False
    return "\\tZ" not in status.read_text().split("State:")[1][:4]  # a zombie is gone too


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc")
def test_workers_exit_when_the_parent_is_killed(tmp_path):
    f = tmp_path / "pool.py"
    f.write_text(SCRIPT)
    proc = subprocess.Popen([sys.executable, str(f)], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 20
    while any(_alive(p) for p in pids) and time.time() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids)
