"""The minimal assembly language of Adaptive Neural Compilation (Bunel et al. 2016).

A :class:`Program` is a frozen value: sizes ``M`` (memory cells, value range, line count
limit) and ``R`` (registers), the initial register values ``init`` and a tuple of
:class:`Line` ``(op, a, b, o)``. Fields an op does not use are normalised to 0, so that two
programs that mean the same thing compare equal and ``parse(format(p)) == p``.

Text format (one instruction per line, ``;`` starts a comment, ``name:`` labels a line)::

    ; map_inc: add 1 to every cell of a 0-terminated list
    .machine M=8 R=5
    .init r0=0 r2=@end r3=0 r4=@loop
    loop:  r1 = READ r0
           JEZ r1, r2          ; end of list
           r1 = INC r1
           WRITE r0, r1
           r0 = INC r0
           JMP r4
    end:   STOP

``@label`` in ``.init`` is the label's line number (jump targets are register values, as in
ANC). Registers left out of ``.init`` start at 0. Errors are :class:`AsmError` and name the
line and column.
"""

from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple

OPS: tuple[str, ...] = (
    "STOP",
    "ZERO",
    "INC",
    "ADD",
    "SUB",
    "DEC",
    "MIN",
    "MAX",
    "READ",
    "WRITE",
    "JEZ",
    "NOOP",
    "JMP",
)
"""Op names; the index is the op code (0-10 are ANC's own numbering)."""

STOP, ZERO, INC, ADD, SUB, DEC, MIN, MAX, READ, WRITE, JEZ, NOOP, JMP = range(13)
OP_INDEX = {name: i for i, name in enumerate(OPS)}

INSTRUCTION_SETS: dict[str, tuple[int, ...]] = {"anc": tuple(range(11)), "full": tuple(range(13))}

VALUE_OPS = frozenset({ZERO, INC, ADD, SUB, DEC, MIN, MAX, READ})
"""Ops that write ``r[o]``; the others write no register (a deviation from ANC)."""

USES_A = frozenset({INC, ADD, SUB, DEC, MIN, MAX, READ, WRITE, JEZ})
USES_B = frozenset({ADD, SUB, MIN, MAX, WRITE, JEZ, JMP})
USES_O = VALUE_OPS


class AsmError(ValueError):
    """A malformed program: the message names the source, line and column."""

    def __init__(self, msg: str, line: int | None = None, col: int | None = None, source: str = "<program>"):
        self.msg, self.line, self.col, self.source = msg, line, col, source
        where = source if line is None else f"{source}:{line}:{col or 1}"
        super().__init__(f"{where}: {msg}")


class Line(NamedTuple):
    """One instruction ``r[o] <- op(r[a], r[b])``."""

    op: int
    a: int = 0
    b: int = 0
    o: int = 0

    def canonical(self) -> Line:
        """The same instruction with unused fields set to 0."""
        op = self.op
        return Line(op, self.a if op in USES_A else 0, self.b if op in USES_B else 0, self.o if op in USES_O else 0)


@dataclasses.dataclass(frozen=True)
class Program:
    """A program for the machine with ``M`` cells/values and ``R`` registers.

    ``lines`` has at most ``M`` entries; lines past the end behave as STOP. Construction
    validates every field and normalises unused operand fields to 0.
    """

    M: int
    R: int
    init: tuple[int, ...]
    lines: tuple[Line, ...]

    def __post_init__(self) -> None:
        M, R = self.M, self.R
        if not (isinstance(M, int) and M >= 2):
            raise AsmError(f"M must be an integer >= 2, got {M!r}")
        if not (isinstance(R, int) and R >= 1):
            raise AsmError(f"R must be an integer >= 1, got {R!r}")
        init = tuple(int(v) for v in self.init)
        if len(init) != R:
            raise AsmError(f"init has {len(init)} values for R={R} registers")
        if any(not 0 <= v < M for v in init):
            raise AsmError(f"init values must be in 0..{M - 1}, got {init}")
        if len(self.lines) > M:
            raise AsmError(f"{len(self.lines)} lines exceed M={M}")
        lines = []
        for i, ln in enumerate(self.lines):
            op, a, b, o = (int(v) for v in ln)
            if not 0 <= op < len(OPS):
                raise AsmError(f"line {i}: op code {op} is not in 0..{len(OPS) - 1}")
            if any(not 0 <= r < R for r in (a, b, o)):
                raise AsmError(f"line {i}: register index out of 0..{R - 1} in {(op, a, b, o)}")
            lines.append(Line(op, a, b, o).canonical())
        object.__setattr__(self, "init", init)
        object.__setattr__(self, "lines", tuple(lines))

    def __len__(self) -> int:
        return len(self.lines)

    def __str__(self) -> str:
        return format_program(self)

    def ops_used(self) -> frozenset[int]:
        return frozenset(ln.op for ln in self.lines)


# ---------------------------------------------------------------------------- formatting


def label_registers(p: Program) -> set[int]:
    """Registers used only as jump targets and never written: their init reads as a label."""
    written = {ln.o for ln in p.lines if ln.op in VALUE_OPS}
    other_reads = {ln.a for ln in p.lines if ln.op in USES_A} | {
        ln.b for ln in p.lines if ln.op in USES_B and ln.op not in (JEZ, JMP)
    }
    targets = {ln.b for ln in p.lines if ln.op in (JEZ, JMP)}
    return targets - written - other_reads


def format_line(ln: Line) -> str:
    """One instruction in the text format, e.g. ``r1 = ADD r0, r2``."""
    name, (op, a, b, o) = OPS[ln.op], ln
    if op in (STOP, NOOP):
        return name
    if op == ZERO:
        return f"r{o} = ZERO"
    if op in (INC, DEC, READ):
        return f"r{o} = {name} r{a}"
    if op in (ADD, SUB, MIN, MAX):
        return f"r{o} = {name} r{a}, r{b}"
    if op in (WRITE, JEZ):
        return f"{name} r{a}, r{b}"
    return f"{name} r{b}"  # JMP


def format_program(p: Program, name: str | None = None) -> str:
    """The program as text; ``parse_program(format_program(p)) == p``.

    Registers that only ever serve as jump targets are shown as labels (``@L3``).
    """
    labelled = {r: p.init[r] for r in sorted(label_registers(p)) if p.init[r] <= len(p.lines)}
    label_lines = set(labelled.values())
    out = [f"; {name}"] if name else []
    out.append(f".machine M={p.M} R={p.R}")
    out.append(
        ".init " + " ".join(f"r{r}=@L{labelled[r]}" if r in labelled else f"r{r}={v}" for r, v in enumerate(p.init))
    )
    for i, ln in enumerate(p.lines):
        label = f"L{i}:" if i in label_lines else ""
        out.append(f"{label:<6} {format_line(ln)}".rstrip())
    if len(p.lines) in label_lines:
        out.append(f"L{len(p.lines)}:")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------- parsing

_TOKEN = re.compile(
    r"\s*(?:(?P<reg>r\d+)|(?P<word>[A-Za-z_][\w]*)|(?P<num>\d+)|(?P<ref>@[A-Za-z_]\w*)|(?P<sym>[=,:])|(?P<bad>\S))"
)
_ARITY = {  # op -> (needs output, operand fields in order)
    STOP: (False, ()),
    NOOP: (False, ()),
    ZERO: (True, ()),
    INC: (True, ("a",)),
    DEC: (True, ("a",)),
    READ: (True, ("a",)),
    ADD: (True, ("a", "b")),
    SUB: (True, ("a", "b")),
    MIN: (True, ("a", "b")),
    MAX: (True, ("a", "b")),
    WRITE: (False, ("a", "b")),
    JEZ: (False, ("a", "b")),
    JMP: (False, ("b",)),
}


def _tokens(text: str, lineno: int, source: str) -> list[tuple[str, str, int]]:
    toks = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        col = m.start(kind) + 1
        if kind == "bad":
            raise AsmError(f"unexpected character {m.group(kind)!r}", lineno, col, source)
        toks.append((kind, m.group(kind), col))
    return toks


def parse_program(text: str, source: str = "<program>") -> Program:
    """Parse the text format; raise :class:`AsmError` naming line and column on bad input."""
    M = R = None
    init_refs: dict[int, tuple[str, int, int]] = {}  # reg -> (value token, lineno, col)
    labels: dict[str, int] = {}
    body: list[tuple[list, int]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        code = raw.split(";", 1)[0]
        if not code.strip():
            continue
        stripped = code.lstrip()
        col0 = len(code) - len(stripped) + 1
        if stripped.startswith("."):
            directive = stripped.split(None, 1)[0]
            pairs = []  # (key, value, column)
            for m in re.finditer(r"\S+", code[col0 - 1 + len(directive) :]):
                col = col0 + len(directive) + m.start()
                kv = re.fullmatch(r"([^=]+)=(\S+)", m.group())
                if kv is None:
                    raise AsmError(f"expected key=value, got {m.group()!r}", lineno, col, source)
                pairs.append((kv.group(1), kv.group(2), col))
            if directive == ".machine":
                for k, v, col in pairs:
                    if k not in ("M", "R") or not v.isdigit():
                        raise AsmError(f"bad .machine field {k}={v} (want M=<int> R=<int>)", lineno, col, source)
                    if k == "M":
                        M = int(v)
                    else:
                        R = int(v)
            elif directive == ".init":
                for k, v, col in pairs:
                    if not re.fullmatch(r"r\d+", k):
                        raise AsmError(f"expected a register name like r0, got {k!r}", lineno, col, source)
                    reg = int(k[1:])
                    if reg in init_refs:
                        raise AsmError(f"register {k} initialised twice", lineno, col, source)
                    if not (v.isdigit() or re.fullmatch(r"@[A-Za-z_]\w*", v)):
                        raise AsmError(f"init value must be a number or @label, got {v!r}", lineno, col, source)
                    init_refs[reg] = (v, lineno, col)
            else:
                raise AsmError(f"unknown directive {directive!r} (want .machine or .init)", lineno, col0, source)
            continue
        toks = _tokens(code, lineno, source)
        while len(toks) >= 2 and toks[1][0] == "sym" and toks[1][1] == ":":
            kind, name, col = toks[0]
            if kind != "word" or name.upper() in OP_INDEX:
                raise AsmError(f"bad label {name!r}", lineno, col, source)
            if name in labels:
                raise AsmError(f"label {name!r} defined twice", lineno, col, source)
            labels[name] = len(body)
            toks = toks[2:]
        if toks:
            body.append((toks, lineno))
    if M is None or R is None:
        raise AsmError("missing '.machine M=<int> R=<int>' directive", None, None, source)
    lines = [_parse_instruction(toks, lineno, R, source) for toks, lineno in body]
    if len(lines) > M:
        raise AsmError(f"program has {len(lines)} lines but M={M} allows at most {M}", body[M][1], 1, source)
    init = [0] * R
    for reg, (v, lineno, col) in init_refs.items():
        if reg >= R:
            raise AsmError(f"register r{reg} out of range for R={R}", lineno, col, source)
        if v.startswith("@"):
            if v[1:] not in labels:
                raise AsmError(f"undefined label {v[1:]!r}", lineno, col, source)
            val = labels[v[1:]]
        else:
            val = int(v)
        if not 0 <= val < M:
            raise AsmError(f"init value {val} of r{reg} out of range 0..{M - 1}", lineno, col, source)
        init[reg] = val
    return Program(M, R, tuple(init), tuple(lines))


def _parse_instruction(toks: list, lineno: int, R: int, source: str) -> Line:
    def reg(tok) -> int:
        kind, text, col = tok
        if kind != "reg":
            raise AsmError(f"expected a register, got {text!r}", lineno, col, source)
        if int(text[1:]) >= R:
            raise AsmError(f"register {text} out of range for R={R}", lineno, col, source)
        return int(text[1:])

    fields = {"a": 0, "b": 0, "o": 0}
    if len(toks) >= 2 and toks[1][:2] == ("sym", "="):
        fields["o"] = reg(toks[0])
        toks, has_out = toks[2:], True
    else:
        has_out = False
    if not toks or toks[0][0] != "word":
        col = toks[0][2] if toks else 1
        raise AsmError("expected an op name", lineno, col, source)
    name, col = toks[0][1].upper(), toks[0][2]
    if name not in OP_INDEX:
        raise AsmError(f"unknown op {toks[0][1]!r} (ops: {', '.join(OPS)})", lineno, col, source)
    op = OP_INDEX[name]
    needs_out, operands = _ARITY[op]
    if needs_out and not has_out:
        raise AsmError(f"{name} needs an output register, e.g. 'r0 = {name} ...'", lineno, col, source)
    if has_out and not needs_out:
        raise AsmError(f"{name} writes no register; remove 'r{fields['o']} ='", lineno, col, source)
    args = toks[1:]
    want = len(operands) * 2 - 1 if operands else 0
    if len(args) != want or any(t[:2] != ("sym", ",") for t in args[1::2]):
        form = ", ".join("r" + f.upper() for f in operands) or "no operands"
        raise AsmError(f"{name} takes {form}", lineno, (args[0][2] if args else col), source)
    for field, tok in zip(operands, args[0::2]):
        fields[field] = reg(tok)
    return Line(op, fields["a"], fields["b"], fields["o"])
