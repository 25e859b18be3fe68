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

MAX_M = 256
"""Largest memory/line count a program may declare (the suite format's limit too)."""
MAX_R = 64
"""Most registers a program may declare: the interpreter's tables grow as ``13·R³``."""

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
        if not (isinstance(M, int) and 2 <= M <= MAX_M):
            raise AsmError(f"M must be an integer in 2..{MAX_M}, got {M!r}")
        if not (isinstance(R, int) and 1 <= R <= MAX_R):
            raise AsmError(f"R must be an integer in 1..{MAX_R}, got {R!r}")
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


def widen(p: Program, R: int) -> Program:
    """The same program on ``R >= p.R`` registers (the new ones start at 0, unused)."""
    return p if R == p.R else Program(p.M, R, p.init + (0,) * (R - p.R), p.lines)


def check_ops(program: Program, ops) -> None:
    """Raise ``ValueError`` naming the first line whose op is not in the instruction set ``ops``."""
    for i, ln in enumerate(program.lines):
        if ln.op not in ops:
            allowed = " ".join(OPS[o] for o in ops)
            raise ValueError(f"line {i} uses op {OPS[ln.op]}, which is not in the instruction set ({allowed})")


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

# No leading ``\s*``: whitespace matches no alternative, so finditer skips it in constant
# time per character (``\s*(?:...)`` retried the whole run of blanks at every position:
# quadratic in a line's trailing spaces). ASCII only: ``\d`` would accept digits int() reads.
_TOKEN = re.compile(
    r"(?P<reg>r\d+)|(?P<word>[A-Za-z_]\w*)|(?P<num>\d+)|(?P<ref>@[A-Za-z_]\w*)|(?P<sym>[=,:])|(?P<bad>\S)", re.ASCII
)
_FIELD = re.compile(r"\S+")
_KEY_VALUE = re.compile(r"([^=]+)=(\S+)")
_REGISTER = re.compile(r"r(\d+)", re.ASCII)
_NUMBER = re.compile(r"\d+", re.ASCII)
_LABEL_REF = re.compile(r"@[A-Za-z_]\w*", re.ASCII)
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


def _clip(text: str, n: int = 40) -> str:
    """User text quoted in an error, cut to ``n`` characters."""
    return text if len(text) <= n else text[:n] + "..."


def _small_int(digits: str, limit: int) -> int | None:
    """``int(digits)`` for ASCII digits, or None past ``limit`` (never a 4,300-digit int())."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= len(str(limit)) and int(digits) <= limit else None


def _tokens(text: str, lineno: int, source: str) -> list[tuple[str, str, int]]:
    toks = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        col = m.start() + 1
        if kind == "bad":
            raise AsmError(f"unexpected character {m.group()!r}", lineno, col, source)
        toks.append((kind, m.group(), col))
    return toks


def _directive_fields(code: str, col0: int, directive: str, lineno: int, source: str) -> list[tuple[str, str, int]]:
    """``key=value`` fields after a directive: ``(key, value, column)``."""
    fields = []
    skip = col0 - 1 + len(directive)
    for m in _FIELD.finditer(code, skip):
        kv = _KEY_VALUE.fullmatch(m.group())
        if kv is None:
            raise AsmError(f"expected key=value, got {_clip(m.group())!r}", lineno, m.start() + 1, source)
        fields.append((kv.group(1), kv.group(2), m.start() + 1))
    return fields


def _machine(fields: list, lineno: int, col0: int, source: str) -> tuple[int, int]:
    """``M`` and ``R`` of a ``.machine`` line, each given once and within bounds."""
    sizes: dict[str, int] = {}
    for k, v, col in fields:
        if k not in ("M", "R") or not _NUMBER.fullmatch(v):
            raise AsmError(f"bad .machine field {_clip(k + '=' + v)} (want M=<int> R=<int>)", lineno, col, source)
        if k in sizes:
            raise AsmError(f"{k} given twice", lineno, col, source)
        lo, hi = (2, MAX_M) if k == "M" else (1, MAX_R)
        value = _small_int(v, hi)
        if value is None or value < lo:
            raise AsmError(f"{k}={_clip(v)} is out of range {lo}..{hi}", lineno, col, source)
        sizes[k] = value
    missing = [k for k in ("M", "R") if k not in sizes]
    if missing:
        raise AsmError(f".machine needs {' and '.join(missing)} (want M=<int> R=<int>)", lineno, col0, source)
    return sizes["M"], sizes["R"]


def parse_program(text: str, source: str = "<program>") -> Program:
    """Parse the text format; raise :class:`AsmError` naming line and column on bad input.

    Linear in the text; every number is bounded before it is converted, a directive or a
    field given twice is an error, and more than :data:`MAX_M` instructions stop the parse.
    """
    machine: tuple[int, int] | None = None
    machine_line = 0
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
            if directive not in (".machine", ".init"):
                raise AsmError(f"unknown directive {_clip(directive)!r} (want .machine or .init)", lineno, col0, source)
            fields = _directive_fields(code, col0, directive, lineno, source)
            if directive == ".machine":
                if machine is not None:
                    raise AsmError(
                        f"second .machine directive (the first is on line {machine_line})", lineno, col0, source
                    )
                machine, machine_line = _machine(fields, lineno, col0, source), lineno
                continue
            for k, v, col in fields:
                reg_match = _REGISTER.fullmatch(k)
                if reg_match is None:
                    raise AsmError(f"expected a register name like r0, got {_clip(k)!r}", lineno, col, source)
                reg = _small_int(reg_match.group(1), MAX_R)
                if reg is None:
                    raise AsmError(f"register {_clip(k)} out of range (at most r{MAX_R - 1})", lineno, col, source)
                if reg in init_refs:
                    raise AsmError(f"register {_clip(k)} initialised twice", lineno, col, source)
                if not (_NUMBER.fullmatch(v) or _LABEL_REF.fullmatch(v)):
                    raise AsmError(f"init value must be a number or @label, got {_clip(v)!r}", lineno, col, source)
                init_refs[reg] = (v, lineno, col)
            continue
        toks = _tokens(code, lineno, source)
        k = 0  # labels first: `name:` pairs
        while len(toks) >= k + 2 and toks[k + 1][0] == "sym" and toks[k + 1][1] == ":":
            kind, name, col = toks[k]
            if kind != "word" or name.upper() in OP_INDEX:
                raise AsmError(f"bad label {_clip(name)!r}", lineno, col, source)
            if name in labels:
                raise AsmError(f"label {_clip(name)!r} defined twice", lineno, col, source)
            labels[name] = len(body)
            k += 2
        toks = toks[k:]
        if toks:
            if len(body) == MAX_M:
                raise AsmError(f"more than {MAX_M} instructions (no machine has more lines)", lineno, col0, source)
            body.append((toks, lineno))
    if machine is None:
        raise AsmError("missing '.machine M=<int> R=<int>' directive", None, None, source)
    M, R = machine
    lines = [_parse_instruction(toks, lineno, R, source) for toks, lineno in body]
    if len(lines) > M:
        raise AsmError(f"program has {len(lines)} lines but M={M} allows at most {M}", body[M][1], 1, source)
    init = [0] * R
    for reg, (v, lineno, col) in init_refs.items():
        if reg >= R:
            raise AsmError(f"register r{reg} out of range for R={R}", lineno, col, source)
        if v.startswith("@"):
            if v[1:] not in labels:
                raise AsmError(f"undefined label {_clip(v[1:])!r}", lineno, col, source)
            val = labels[v[1:]]
        else:
            val = _small_int(v, M - 1)
        if val is None or not 0 <= val < M:
            raise AsmError(f"init value {_clip(v)} of r{reg} out of range 0..{M - 1}", lineno, col, source)
        init[reg] = val
    try:
        return Program(M, R, tuple(init), tuple(lines))
    except AsmError as e:  # checked above; should one slip through, it still names the file
        raise AsmError(e.msg, e.line, e.col, source) from None


def _parse_instruction(toks: list, lineno: int, R: int, source: str) -> Line:
    def reg(tok) -> int:
        kind, text, col = tok
        if kind != "reg":
            raise AsmError(f"expected a register, got {_clip(text)!r}", lineno, col, source)
        r = _small_int(text[1:], R - 1)
        if r is None:
            raise AsmError(f"register {_clip(text)} out of range for R={R}", lineno, col, source)
        return r

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
        raise AsmError(f"unknown op {_clip(toks[0][1])!r} (ops: {', '.join(OPS)})", lineno, col, source)
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
