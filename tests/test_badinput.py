"""Every bad input is one clear line and status 2: never a traceback, a hang or a blow-up.

The corpus (``tests/badinput.py``) runs through ``tests/clirunner.py``: each case in a
process of its own, with its address space capped (``RLIMIT_AS``: 2 GiB more than the
imports need) and an alarm. Each must exit 2 with exactly one line on stderr naming the
file or option and the problem, within seconds, under 2 GiB resident. Hypothesis then
throws random program and suite text at the command line in-process.
"""

import collections
import json
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge.cli import main
from tests.badinput import EXAMPLE_TASK, INC, corpus
from tests.clirunner import ROOT, run_cases

SECONDS = 10
GiB = 1 << 30


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    cases = corpus(tmp_path_factory.mktemp("corpus"))
    return cases, run_cases(cases)


def _problems(case: dict, report: dict) -> list[str]:
    err = report["stderr"]
    out = []
    if report["code"] != 2:
        out.append(f"exit {report['code']}")
    if err.count("\n") != 1 or not err.endswith("\n"):
        out.append(f"{err.count(chr(10))} lines on stderr")
    if "Traceback" in err:
        out.append("traceback")
    out += [f"missing {w!r}" for w in case["words"] if w not in err]
    if report["seconds"] > SECONDS:
        out.append(f"{report['seconds']:.1f} s")
    if report["maxrss"] > 2 * GiB:
        out.append(f"{report['maxrss'] / GiB:.1f} GiB")
    return out


def test_every_bad_input_is_one_line_exit_2_in_seconds_and_bounded_memory(reports):
    cases, got = reports
    bad = [f"{c['cls']}: {c['argv']!r:.200} -> {_problems(c, r)}: {r['stderr'][-300:]!r}" for c, r in zip(cases, got)]
    bad = [b for b, c, r in zip(bad, cases, got) if _problems(c, r)]
    assert not bad, "\n".join(bad)


def test_corpus_covers_every_class_and_entry_point(reports):
    cases, got = reports
    by_class = collections.Counter(c["cls"] for c in cases)
    assert set(by_class) == {
        "encoding",
        "numbers",
        "depth",
        "quadratic",
        "repeats",
        "names",
        "small machine",
        "sizes",
        "paths",
    }
    assert {c["argv"][0] for c in cases} == {
        "tasks",
        "run",
        "solve",
        "batch",
        "adapt",
        "table1",
        "space",
        "export-suite",
    }
    print(dict(sorted(by_class.items())), "cases;", f"slowest {max(r['seconds'] for r in got):.2f} s,")
    print(f"largest {max(r['maxrss'] for r in got) / GiB:.2f} GiB resident")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["run", "{d}/u.asm"], "not UTF-8"),
        (["batch", "{d}/deep.json"], "nested too deeply"),
        (["solve", "inc", "--seed", str(2**63)], "--seed"),
        (["adapt", "{d}/m1.asm", "--task", "access"], "m1.asm:1:10: M=1 is out of range"),
        (["table1", "--out", "{d}/u.asm"], "is a file, not a directory"),
        (["space", "--max-lines", "5"], "--max-lines"),
        (["export-suite", "table1", "--out", "/dev/null"], "is a device, pipe or socket"),
        (["tasks", "--x"], "unrecognized arguments"),
    ],
)
def test_entry_points_through_python_m(tmp_path, argv, words):
    (tmp_path / "u.asm").write_bytes(INC.encode("utf-16"))
    (tmp_path / "deep.json").write_text("[" * 5000 + "]" * 5000)
    (tmp_path / "m1.asm").write_text(".machine M=1 R=1\n")
    argv = [a.replace("{d}", str(tmp_path)) for a in argv]
    p = subprocess.run(
        [sys.executable, "-m", "bridge.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "SYNTHDIFF_MEMORY": "2G"},
    )
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and words in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


def test_solve_says_does_not_fit_when_padding_leaves_no_room(capsys):
    argv = ["solve", "fibonacci", "--pad", "100", "--restarts", "4", "--steps", "5", "--workers", "1", "--json"]
    # no solution fits, so the search runs to its limit: 8 s finds fibonacci's solutions
    code = main([*argv, "--synth-time-limit", "8"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["does_not_fit"] and not data["solved"] and data["trials"]
    assert all(not s["lowered"] and "the machine has M=8" in s["why"] for s in data["trials"])


# ------------------------------------------------------------------------------ fuzzing

PROGRAM_ALPHABET = st.sampled_from(
    [*".=,:;@ \t\n\r\x00rRMI0123456789²٣８abcdefADINCSTOPWREJMZXmachineit", "\u2028", "\ufeff", "é", "𝟘"]
)


def _one_line_or_ok(capsys, argv) -> None:
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    _, err = capsys.readouterr()
    assert code in (0, 2), (code, err)
    if code == 2:
        assert err.count("\n") == 1 and "Traceback" not in err, err


def _fuzz_program(tmp_path, capsys, text) -> None:
    p = tmp_path / "fuzz.asm"
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    _one_line_or_ok(capsys, ["run", str(p), "-T", "64"])


def _fuzz_suite(tmp_path, capsys, text) -> None:
    p = tmp_path / "fuzz.json"
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    prog = tmp_path / "p.asm"
    prog.write_text(INC)
    _one_line_or_ok(capsys, ["run", str(prog), "--task", "double", "--suite", str(p), "-T", "64"])


programs = st.one_of(
    st.text(PROGRAM_ALPHABET, max_size=200).map(lambda s: ".machine M=8 R=3\n" + s),
    st.text(PROGRAM_ALPHABET, max_size=200),
    st.binary(max_size=200),
    st.builds(lambda a, b: INC[:a] + b + INC[a:], st.integers(0, len(INC)), st.text(PROGRAM_ALPHABET, max_size=20)),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=6),
    lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=8), c, max_size=5),
    max_leaves=25,
)
TASK_PATHS = [(), ("machine",), ("machine", "M"), ("machine", "T"), ("mask",), ("train",), ("train", 0),
              ("train", 0, "input"), ("train", 0, "input", 0), ("test", 0, "output"), ("name",)]  # fmt: skip


@st.composite
def suites(draw):
    """A valid suite with one part replaced by a random JSON value, or random text."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.text(max_size=300))
    task = json.loads(json.dumps(EXAMPLE_TASK))
    if kind == 1:
        path = draw(st.sampled_from(TASK_PATHS))
        value = draw(json_values)
        if not path:
            task = value
        else:
            obj = task
            for k in path[:-1]:
                obj = obj[k]
            obj[path[-1]] = value
        return json.dumps({"suite": "s", "tasks": [task]})
    if kind == 2:
        b = {"name": "double", "builtin": draw(st.sampled_from(["inc", "listk", "swap", "map_inc", "sort", "x"]))}
        for k in draw(st.lists(st.sampled_from(["machine", "n_train", "n_test", "seed", "bogus"]), max_size=3)):
            b[k] = draw(json_values | st.fixed_dictionaries({"M": st.integers(-3, 300)}) | st.integers(-3, 10**6))
        return json.dumps({"suite": "s", "tasks": [b]})
    text = json.dumps({"suite": "s", "tasks": [task]})
    i = draw(st.integers(0, len(text)))
    return text[:i] + draw(st.text(max_size=10)) + text[i + draw(st.integers(0, 5)) :]


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FUZZ_SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(programs)
def test_fuzzed_programs(tmp_path, capsys, text):
    _fuzz_program(tmp_path, capsys, text)


@FUZZ
@given(suites())
def test_fuzzed_suites(tmp_path, capsys, text):
    _fuzz_suite(tmp_path, capsys, text)


@pytest.mark.slow
@FUZZ_SLOW
@given(programs)
def test_fuzzed_programs_many(tmp_path, capsys, text):
    _fuzz_program(tmp_path, capsys, text)


@pytest.mark.slow
@FUZZ_SLOW
@given(suites())
def test_fuzzed_suites_many(tmp_path, capsys, text):
    _fuzz_suite(tmp_path, capsys, text)


def _cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * GiB, 4 * GiB))  # JAX maps ~1.5 GB of address space


@pytest.mark.slow
def test_every_bad_input_through_python_m(tmp_path):
    """The whole corpus again, each case a real ``python -m bridge.cli`` process."""
    bad = []
    for c in corpus(tmp_path):
        env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "SYNTHDIFF_MEMORY": "2G", **c["env"]}
        p = subprocess.run(
            [sys.executable, "-m", "bridge.cli", *c["argv"]],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=c["cwd"],
            preexec_fn=_cap_memory,
        )
        if p.returncode != 2 or p.stderr.count("\n") != 1 or any(w not in p.stderr for w in c["words"]):
            bad.append(f"{c['cls']}: {c['argv']!r:.200} -> {p.returncode}: {p.stderr[-300:]!r}")
    assert not bad, "\n".join(bad)


def _silent_server():
    """A port where something accepts connections and closes them: not Ray."""
    import socket
    import threading

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)

    def serve():
        while True:
            c, _ = s.accept()
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    return s.getsockname()[1]


@pytest.mark.parametrize("where", ["refused", pytest.param("silent", marks=pytest.mark.slow)])
def test_ray_address_where_no_cluster_answers_is_one_line_in_seconds(tmp_path, where):
    pytest.importorskip("ray")
    (tmp_path / "s.json").write_text(json.dumps({"tasks": [EXAMPLE_TASK]}))
    address = "127.0.0.1:1" if where == "refused" else f"127.0.0.1:{_silent_server()}"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "RAY_ADDRESS": address}
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "batch", "s.json", "--backend", "ray"],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and f"RAY_ADDRESS={address}" in p.stderr, p.stderr
    assert time.perf_counter() - t0 < 30 and not (tmp_path / "results").exists()
