"""The bad-input corpus: command lines a demanding user might type, by class.

:func:`corpus` writes the files the cases need under a folder and returns the cases; each
has its class, its ``argv``, and words its one-line error must contain (the file or option
named, and the problem). Every case must exit with status 2 — never a traceback, a hang or
a memory blow-up — which ``tests/test_badinput.py`` checks through ``tests/clirunner.py``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

PROGRAMS = resources.files("bridge") / "programs"
INC = ".machine M=8 R=2\nr1 = READ r0\nr1 = INC r1\nWRITE r0, r1\nSTOP\n"
BIG = "9" * 5000  # past Python's 4,300-digit int() limit
EXAMPLE_TASK = {
    "name": "double",
    "machine": {"M": 8, "R": 4, "T": 64},
    "mask": [0],
    "train": [{"input": [3, 0, 0, 0, 0, 0, 0, 0], "output": [6, 0, 0, 0, 0, 0, 0, 0]}],
    "test": [{"input": [2, 0, 0, 0, 0, 0, 0, 0], "output": [4, 0, 0, 0, 0, 0, 0, 0]}],
}


def builtin(name: str = "inc", **kw) -> dict:
    return {"name": kw.pop("as_name", name), "builtin": name, **kw}


def suite_text(*tasks, name: str = "s") -> str:
    """Suite JSON; the strings "@BIG@" and "@EXP@" become a 5,000-digit number and 1e999."""
    text = json.dumps({"suite": name, "tasks": list(tasks) or [EXAMPLE_TASK]})
    return text.replace('"@BIG@"', BIG).replace('"@EXP@"', "1e999")


def corpus(d: Path) -> list[dict]:
    """Write the corpus's files under ``d``; the cases, each ``{"cls", "argv", "words"[, "env"]}``."""
    d.mkdir(parents=True, exist_ok=True)
    cases: list[dict] = []

    def f(name: str, content: str | bytes) -> str:
        p = d / name
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(p)

    def case(cls: str, argv: list[str], *words: str, env: dict | None = None) -> None:
        cases.append({"cls": cls, "argv": argv, "words": list(words), "env": env or {}, "cwd": str(d)})

    good = f("good.asm", INC)
    good_suite = f("good.json", suite_text())
    access = str(PROGRAMS / "access.asm")

    # -- text that is not what we expect: encodings, binary, empty, not a file, too big
    for name, data in [
        ("random.asm", bytes(range(256)) * 4),
        ("latin1.asm", "; café\n.machine M=8 R=2\nSTOP\n".encode("latin-1")),
        ("utf16.asm", INC.encode("utf-16")),
        ("utf32.asm", INC.encode("utf-32")),
    ]:
        p = f(name, data)
        case("encoding", ["run", p], p, "not UTF-8")
        case("encoding", ["adapt", p, "--task", "access"], p, "not UTF-8")
    for name, data in [
        ("random.json", bytes(range(256)) * 4),
        ("latin1.json", json.dumps({"tasks": [dict(EXAMPLE_TASK, name="café")]}, ensure_ascii=False).encode("latin-1")),
        ("utf16.json", suite_text().encode("utf-16")),
    ]:
        p = f(name, data)
        case("encoding", ["batch", p], p, "not UTF-8")
        case("encoding", ["solve", "double", "--suite", p], p, "not UTF-8")
        case("encoding", ["run", good, "--task", "double", "--suite", p], p, "not UTF-8")
    case("encoding", ["run", f("empty.asm", "")], "empty.asm", "missing '.machine")
    case("encoding", ["run", f("nul.asm", ".machine M=8 R=2\nST\0OP\n")], "nul.asm:2:3", "unexpected character")
    case("encoding", ["batch", f("empty.json", "")], "empty.json", "invalid JSON")
    case("encoding", ["run", str(d)], str(d), "is a directory")
    case("encoding", ["batch", str(d)], str(d), "is a directory")
    case("encoding", ["run", str(d / "missing.asm")], "missing.asm", "cannot read program")
    case("encoding", ["batch", str(d / "missing.json")], "missing.json", "cannot read suite")
    big_asm = f("big.asm", ".machine M=8 R=2\n" + ";" * (1 << 20) + "\n")
    case("encoding", ["run", big_asm], big_asm, "larger than 1,048,576 bytes")
    big_json = f("big.json", suite_text()[:-1] + " " * (32 << 20) + "}")
    case("encoding", ["batch", big_json], big_json, "larger than 33,554,432 bytes")

    # -- digits int() rejects, numbers past the digit limit, non-numbers
    for label, text, words in [
        ("superscript", ".machine M=² R=4\n", ("1:10", "bad .machine field")),
        ("arabic", ".machine M=٣ R=4\n", ("1:10", "bad .machine field")),
        ("fullwidth", ".machine M=８ R=4\n", ("1:10", "bad .machine field")),
        ("float", ".machine M=8.0 R=4\n", ("1:10", "bad .machine field")),
        ("negative", ".machine M=8 R=2\n.init r0=-1\n", ("2:7", "init value must be a number")),
        ("reg-digit", ".machine M=8 R=2\nr1 = INC r²\n", ("2:11", "unexpected character")),
        ("reg-arabic", ".machine M=8 R=2\nr٣ = INC r1\n", ("2:2", "unexpected character")),
        ("init-digit", ".machine M=8 R=2\n.init r0=²\n", ("2:7", "init value must be a number")),
        ("big-M", f".machine M={BIG} R=2\n", ("1:10", "out of range 2..256")),
        ("big-R", f".machine M=8 R={BIG}\n", ("1:14", "out of range 1..64")),
        ("big-reg", f".machine M=8 R=2\nr1 = INC r{BIG}\n", ("2:10", "out of range for R=2")),
        ("big-init-reg", f".machine M=8 R=2\n.init r{BIG}=1\n", ("2:7", "out of range")),
        ("big-init", f".machine M=8 R=2\n.init r0={BIG}\n", ("2:7", "out of range 0..7")),
        ("big-num-operand", f".machine M=8 R=2\nr1 = INC {BIG}\n", ("2:10", "expected a register")),
    ]:
        p = f(f"num-{label}.asm", text)
        case("numbers", ["run", p], p + ":" + words[0], words[1])
    for label, task, words in [
        ("M", {**EXAMPLE_TASK, "machine": {"M": "@BIG@"}}, "number 99999"),
        ("T", {**EXAMPLE_TASK, "machine": {"M": 8, "T": "@BIG@"}}, "number 99999"),
        ("input", {**EXAMPLE_TASK, "train": [{"input": ["@BIG@"] + [0] * 7, "output": [0] * 8}]}, "number 99999"),
        ("n_train", builtin(n_train="@BIG@"), "number 99999"),
        ("seed", builtin(seed="@BIG@"), "number 99999"),
        ("float-T", {**EXAMPLE_TASK, "machine": {"M": 8, "T": 64.0}}, ".machine.T: expected an integer"),
        ("exp", {**EXAMPLE_TASK, "machine": {"M": 8, "T": "@EXP@"}}, "expected an integer"),
        ("seed-2^63", builtin(seed=2**63), ".seed: 9223372036854775808 is out of range 0..4294967295"),
        ("seed-neg", builtin(seed=-1), ".seed: -1 is out of range"),
        ("bool-M", {**EXAMPLE_TASK, "machine": {"M": True}}, ".machine.M: expected an integer, got true"),
    ]:
        p = f(f"num-{label}.json", suite_text(task))
        case("numbers", ["batch", p], p, words)
    for const in ("NaN", "Infinity", "-Infinity"):
        p = f(f"num-{const}.json", suite_text().replace('"T": 64', f'"T": {const}'))
        case("numbers", ["batch", p], p, f"{const} is not a JSON number")
    for argv, *words in [
        (["tasks", "--seed", str(2**63)], "--seed: expected an integer in 0..4294967295"),
        (["run", good, "--seed", BIG], "--seed: expected an integer"),
        (["solve", "inc", "--restarts", BIG], "--restarts: expected an integer"),
        (["solve", "inc", "--restarts", "１０"], "--restarts: expected an integer"),
        (["solve", "inc", "--restarts", "0"], "--restarts: expected an integer in 1..100000"),
        (["solve", "inc", "--holes", "--hole-lines", "0"], "--hole-lines: expected an integer in 1..4"),
        (["run", good, "--input", BIG], "--input: expected comma-separated integers"),
        (["run", good, "--input", "²"], "--input: expected comma-separated integers"),
        (["run", good, "--input", "-1"], "--input: value -1 out of range"),
        (["batch", good_suite, "--time-limit", "1e309"], "--time-limit: expected a finite number"),
        (["batch", good_suite, "--time-limit", "nan"], "--time-limit: expected a finite number"),
        (["batch", good_suite, "--time-limit", "inf"], "--time-limit: expected a finite number"),
        (["batch", good_suite, "--time-limit", "0"], "--time-limit: expected a finite number > 0"),
        (["solve", "inc", "--lr", "inf"], "--lr: expected a finite number"),
        (["adapt", access, "--task", "access", "--noise", "nan"], "--noise: expected a finite number"),
    ]:
        case("numbers", argv, *words)

    # -- JSON nested thousands deep (RecursionError), or deeper than any suite needs
    for label, text in [
        ("lists", "[" * 5000 + "]" * 5000),
        ("objects", '{"a":' * 3000 + "1" + "}" * 3000),
        ("in-tasks", '{"suite": "s", "tasks": [' + "[" * 100 + "]" * 100 + "]}"),
        (
            "in-input",
            suite_text(
                {
                    **EXAMPLE_TASK,
                    "train": [
                        {
                            "input": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
                            "output": [0] * 8,
                        }
                    ],
                }
            ),
        ),
    ]:
        p = f(f"deep-{label}.json", text)
        case("depth", ["batch", p], p, "nested too deeply")
        case("depth", ["run", good, "--task", "x", "--suite", p], p, "nested too deeply")

    # -- the tokenizer was quadratic in a line's blanks (32,000 spaces: 40 s)
    for label, text, words in [
        ("spaces", ".machine M=8 R=2\nSTOP" + " " * 32000 + "\nSTOP" + " " * 500_000 + "x\n", "3:500005"),
        ("tabs", ".machine M=8 R=2\n" + "\t" * 900_000 + "$\n", "2:900001"),
        ("tokens", ".machine M=8 R=2\nr0 = INC " + "r0 " * 300_000 + "\n", "INC takes rA"),
        ("labels", ".machine M=8 R=2\n" + " ".join(f"l{i}:" for i in range(100_000)) + " FROB\n", "unknown op"),
        ("fields", ".machine M=8 R=2\n.init " + "r0=1 " * 150_000 + "\n", "initialised twice"),
        ("lines", ".machine M=8 R=2\n" + "NOOP\n" * 200_000, "more than 256 instructions"),
    ]:
        p = f(f"slow-{label}.asm", text)
        case("quadratic", ["run", p], p, words)
    p = f("slow-spaces.json", suite_text().replace(",", "," + " " * 200_000) + " " * 1_000_000 + "x")
    case("quadratic", ["batch", p], p, "invalid JSON")

    # -- a .machine line or key given twice, missing, out of range; errors name the file
    for label, text, words in [
        (
            "twice",
            ".machine M=8 R=2\n.machine M=4 R=1\nSTOP\n",
            "2:1: second .machine directive (the first is on line 1)",
        ),
        ("key-twice", ".machine M=8 M=4 R=2\n", "1:14: M given twice"),
        ("R-twice", ".machine M=8 R=2 R=3\n", "1:18: R given twice"),
        ("no-R", ".machine M=8\n", "1:1: .machine needs R"),
        ("empty", ".machine\n", "1:1: .machine needs M and R"),
        ("M=1", ".machine M=1 R=1\n", "1:10: M=1 is out of range 2..256"),
        ("R=0", ".machine M=8 R=0\n", "1:14: R=0 is out of range 1..64"),
        ("M=257", ".machine M=257 R=1\n", "M=257 is out of range"),
        ("R=10000", ".machine M=8 R=10000\n", "R=10000 is out of range 1..64"),
        ("M=10^6", ".machine M=1000000 R=1\n", "M=1000000 is out of range"),
        ("no-machine", "STOP\n", "missing '.machine"),
        ("long-token", ".machine M=8 R=2\n" + "X" * 100_000 + "\n", "unknown op 'XXXXXXXX"),
    ]:
        p = f(f"dup-{label}.asm", text)
        case("repeats", ["run", p], p, words)

    # -- names with newlines and control characters: the error stays one line
    for label, name, words in [
        ("newline", "a\nb", "contains a control character"),
        ("cr", "a\rb", "contains a control character"),
        ("nul", "a\0b", "contains a control character"),
        ("u2028", "a\u2028b", "contains a control character"),
        ("bidi", "a\u202eb", "contains a control character"),
        ("long", "x" * 10_000, "longer than 200 characters"),
        ("empty", "", "expected a non-empty string"),
    ]:
        p = f(f"name-{label}.json", suite_text({**EXAMPLE_TASK, "name": name}))
        case("names", ["batch", p], p, words)
    p = f("name-dup.json", suite_text(EXAMPLE_TASK, EXAMPLE_TASK))
    case("names", ["batch", p], p, "duplicate task name")
    case("names", ["solve", "x\ny", "--suite", good_suite], good_suite, "no task named 'x\\ny'")
    case("names", ["solve", "x\ny"], "unknown task 'x\\ny'")
    case("names", ["run", good, "--task", "a\nb"], "unknown task 'a\\nb'")
    case("names", ["solve", "inc", "--method", "a\nb"], "invalid choice")
    case("names", ["tasks", "--bogus", "a\nb"], "unrecognized arguments")
    case("names", ["run", f("x\ny.asm", "STOP\n")], "x\\ny.asm", "missing '.machine")

    # -- built-ins on a machine too small for their generators
    for name, M, need in [
        ("map_inc", 2, 3),
        ("map_dec", 2, 3),
        ("reduce", 2, 3),
        ("increment", 2, 3),
        ("listk", 8, 9),
        ("swap", 4, 6),
        ("swap", 5, 6),
        ("access", 4, 5),
        ("sort", 3, 4),
    ]:
        p = f(f"small-{name}-{M}.json", suite_text(builtin(name, machine={"M": M})))
        case(
            "small machine",
            ["batch", p],
            p,
            f"machine.M: {M} is too small for the {name} generator (needs M >= {need})",
        )
        case("small machine", ["solve", name, "--suite", p], p, "too small")

    # -- sizes: hard bounds, and memory estimated before the work
    for label, task, words in [
        ("n_test", builtin(n_test=10**7), ".n_test: 10000000 is out of range 1..100000"),
        ("n_train", builtin(n_train=10**6), ".n_train: 1000000 is out of range 1..10000"),
        ("T", {**EXAMPLE_TASK, "machine": {"M": 8, "T": 10**9}}, ".machine.T: 1000000000 is out of range 1..100000"),
        ("M", builtin(machine={"M": 10**6}), ".machine.M: 1000000 is out of range 2..256"),
        ("R", builtin(machine={"R": 10000}), ".machine.R: 10000 is out of range 1..64"),
    ]:
        p = f(f"size-{label}.json", suite_text(task))
        case("sizes", ["batch", p], p, words)
    many = [builtin(as_name=f"t{i}", n_test=100_000) for i in range(12)]
    p = f("size-many.json", suite_text(*many))
    case("sizes", ["batch", p], p, "at most 1,000,000 examples")
    case("sizes", ["run", good, "--task", "t0", "--suite", p], p, "at most 1,000,000 examples")
    wide = f("size-wide.json", suite_text(builtin("inc", machine={"M": 256, "R": 64, "T": 100_000}, n_train=10_000)))
    for argv, *words in [
        (["solve", "inc", "--restarts", str(10**9)], "--restarts: expected an integer in 1..100000"),
        (["solve", "inc", "--restarts", "100000", "--workers", "1"], "--restarts 100000", "would need about"),
        (
            ["solve", "inc", "--suite", wide, "--restarts", "4", "--workers", "1"],
            "'inc'",
            "M=256, T=100000",
            "would need",
        ),
        (["batch", wide, "--restarts", "8", "--method", "opt"], "--restarts 8", "would need about"),
        (["solve", "inc", "--workers", "1000"], "--workers 1000: this machine has"),
        (["batch", good_suite, "--workers", "1000"], "--workers 1000: this machine has"),
        (["solve", "inc", "--workers", "100000"], "--workers: expected an integer in 1..1024"),
        (["solve", "inc", "--steps", str(10**9)], "--steps: expected an integer in 1..1000000"),
        (["solve", "inc", "--top-n", str(10**9)], "--top-n: expected an integer in 1..10000"),
        (["solve", "inc", "--pad", str(10**6)], "--pad: expected an integer in 0..256"),
        (["run", good, "-T", str(10**9)], "-T: expected an integer in 1..100000"),
        (["space", "--max-lines", "5"], "--max-lines: expected an integer in 1..4"),
        (["space", "--samples", str(10**9)], "--samples: expected an integer in 1..10000000"),
        (["space", "--samples", "10000000", "--out", str(d / "sp")], "--samples 10000000", "would need about"),
        (["table1", "--restarts", "100000", "--out", str(d / "t1")], "--restarts 100000", "would need about"),
        (["adapt", access, "--task", "access", "--rounds", str(10**9)], "--rounds: expected an integer in 1..1000"),
        (["adapt", access, "--task", "access", "--n-train", str(10**7)], "--n-train: expected an integer"),
        (["adapt", access, "--task", "access", "--restarts", "100000", "--workers", "1"], "would need about"),
        (["export-suite", "table1", "--out", str(d / "e.json"), "--n-test", str(10**9)], "--n-test: expected"),
    ]:
        case("sizes", argv, *words)
    loop = f("loop.asm", ".machine M=256 R=64\nJMP r0\n")
    case(
        "sizes", ["run", loop, "--trace", "-T", "100000"], "--trace", "would need about", env={"SYNTHDIFF_MEMORY": "1G"}
    )
    case("sizes", ["run", loop, "--trace"], "SYNTHDIFF_MEMORY='lots'", env={"SYNTHDIFF_MEMORY": "lots"})

    # -- destinations, checked before the work
    a_dir = d / "adir"
    a_dir.mkdir(exist_ok=True)
    a_file = f("afile.txt", "x")
    for out, words in [
        ("/sys/synthdiff-test.jsonl", "cannot write results there"),
        ("/proc/synthdiff-test.jsonl", "cannot write results there"),
        ("/proc/self/x/y.jsonl", "cannot create its folder"),
        ("/dev/null", "is not a regular file"),
        (str(a_dir), "is a directory"),
        (a_file + "/x.jsonl", "cannot create its folder"),
    ]:
        case("paths", ["batch", good_suite, "--out", out], out, words)
        case("paths", ["batch", good_suite, "--out", out, "--resume"], out, words)
    for cmd in ("table1", "space"):
        case("paths", [cmd, "--out", a_file], f"--out {a_file}: is a file, not a directory")
        case("paths", [cmd, "--out", "/sys/synthdiff-test"], "--out /sys/synthdiff-test", "cannot create folder")
        case("paths", [cmd, "--out", "/proc/synthdiff-test"], "--out /proc/synthdiff-test", "cannot create folder")
        (a_dir / f"{cmd}.png").mkdir(exist_ok=True)
        case("paths", [cmd, "--out", str(a_dir)], f"{a_dir}/{cmd}.png is a directory, not a file")
    for argv, *words in [
        (["export-suite", "table1", "--out", str(a_dir)], f"--out {a_dir}: is a directory, not a file"),
        (["export-suite", "table1", "--out", "/sys/x.json"], "--out /sys/x.json: cannot write there"),
        (["export-suite", "table1", "--out", "/dev/null"], "--out /dev/null: is a device, pipe or socket, not a file"),
        (["adapt", access, "--task", "access", "--out", "/proc/x.asm"], "--out /proc/x.asm: cannot write there"),
        (["adapt", access, "--task", "access", "--out", str(a_dir)], f"--out {a_dir}: is a directory"),
    ]:
        case("paths", argv, *words)
    return cases
