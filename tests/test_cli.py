import json
import subprocess
import sys
from importlib import resources

import pytest

from bridge.cli import main

PROGRAMS = resources.files("bridge") / "programs"


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as e:  # argparse rejects an option
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def test_tasks_lists_the_twelve(capsys):
    code, out, _ = run_cli(capsys, "tasks", "--json")
    assert code == 0 and len(json.loads(out)["tasks"]) == 12


def test_run_on_an_input(capsys):
    code, out, _ = run_cli(capsys, "run", str(PROGRAMS / "map_inc.asm"), "--input", "3,4,5", "--json")
    data = json.loads(out)
    assert code == 0 and data["memory"][:4] == [4, 5, 6, 0] and data["halted"] and data["steps"] == 21


def test_run_on_a_task(capsys):
    code, out, _ = run_cli(capsys, "run", str(PROGRAMS / "reduce.asm"), "--task", "reduce", "--json")
    data = json.loads(out)
    assert code == 0 and data["solved"] == data["total"] == 256
    code, out, _ = run_cli(capsys, "run", str(PROGRAMS / "map_dec.asm"), "--task", "map_inc")
    assert code == 0 and "solves 0/256" in out and "first failure" in out


def test_run_trace(capsys):
    code, out, _ = run_cli(capsys, "run", str(PROGRAMS / "inc.asm"), "--input", "2", "--trace")
    assert code == 0 and "r1 = INC r1" in out and "memory:    3 0" in out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["run", "missing.asm"], "cannot read program"),
        (["run", str(PROGRAMS / "inc.asm"), "--input", "1,x"], "comma-separated integers"),
        (["run", str(PROGRAMS / "inc.asm"), "--input", "8"], "out of range 0..7"),
        (["run", str(PROGRAMS / "inc.asm"), "--task", "nope"], "unknown task 'nope'"),
        (["run", str(PROGRAMS / "access.asm"), "--task", "inc"], "program has M=10"),
        (["adapt", str(PROGRAMS / "swap.asm"), "--task", "access"], "solves 58/512 test examples"),
        (["adapt", str(PROGRAMS / "map_inc.asm"), "--task", "map_inc", "--biased"], "no biased distribution"),
        (["adapt", str(PROGRAMS / "access.asm"), "--task", "access", "--noise", "-1"], "expected a finite number >= 0"),
        (["adapt", str(PROGRAMS / "access.asm"), "--task", "access", "--restarts", "2"], "fewer than the 4 noise"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    code, _out, err = run_cli(capsys, *argv)
    assert code == 2 and words in err and err.count("\n") == 1


def test_malformed_program_names_line_and_column(capsys, tmp_path):
    f = tmp_path / "p.asm"
    f.write_text(".machine M=8 R=2\nr0 = INC r0\nr1 = FROB r0\n")
    code, _, err = run_cli(capsys, "run", str(f))
    assert code == 2 and f"{f}:3:6: unknown op 'FROB'" in err


def test_export_suite(capsys, tmp_path):
    out = tmp_path / "t.json"
    code, _, _ = run_cli(capsys, "export-suite", "table1", "--out", str(out))
    assert code == 0 and len(json.loads(out.read_text())["tasks"]) == 6


def test_console_script_bad_option_exits_2():
    proc = subprocess.run([sys.executable, "-m", "bridge.cli", "run"], capture_output=True, text=True)
    assert proc.returncode == 2 and "the following arguments are required: program" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_adapt_writes_a_correct_program_no_slower(capsys, tmp_path):
    out = tmp_path / "fast.asm"
    code, text, _ = run_cli(
        capsys,
        "adapt",
        str(PROGRAMS / "access.asm"),
        "--task",
        "access",
        "--biased",
        "--restarts",
        "4",
        "--rounds",
        "1",
        "--steps",
        "25",
        "--workers",
        "1",
        "--out",
        str(out),
        "--json",
    )
    data = json.loads(text)
    assert code == 0 and data["best_steps"] <= data["start_steps"] == 5.0 and len(data["rounds"]) == 1
    code, text, _ = run_cli(capsys, "run", str(out), "--task", "access", "--json")  # plain access: k varies
    code_b, text_b, _ = run_cli(
        capsys,
        "adapt",
        str(out),
        "--task",
        "access",
        "--biased",
        "--restarts",
        "4",
        "--rounds",
        "1",
        "--steps",
        "1",
        "--workers",
        "1",
        "--json",
    )
    assert code == code_b == 0 and json.loads(text_b)["start_steps"] == data["best_steps"]
