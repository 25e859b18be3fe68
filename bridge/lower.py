"""Lowering: skeletons (:mod:`synth.lang`) to the minimal assembly (:mod:`neural.asm`).

Code is emitted with symbolic operands — variables (``p``, ``x``, ``acc``, ``a``, ``b``,
``c``, temporaries ``t0``…), constants ``#k`` and labels ``@name`` — then assembled:
labels become line numbers, every distinct constant value (labels included) gets one
register initialised to it (ANC's convention: jump targets are register values), variables
get the remaining registers. A skeleton that needs more than ``M`` lines or ``R_max``
registers raises :class:`LoweringError`.

Templates (``f``, ``g`` compiled inline; ``JMP L`` is ``JEZ #0, L`` without JMP)::

    store k e      e -> t; WRITE #k, t; STOP
    map s f        loop: x = READ p; JEZ x, end; x = f(x); WRITE p, x; p = INC p; JMP loop; end: STOP
    fold s i g k   loop: x = READ p; JEZ x, end; acc = g(acc, x); p = INC p; JMP loop; end: WRITE #k, acc; STOP
    foldcells      loop: x = READ p; acc = g(acc, x); p = INC p; JEZ p, end; JMP loop; end: WRITE ...; STOP
    loop n a b fa fb k   c = READ #n; loop: JEZ c, end; (a, b) <- (fa, fb); c = DEC c; JMP loop; end: WRITE #k, a; STOP

A simultaneous assignment ``(a, b) <- (fa, fb)`` is done in sequence when one side does not
read the other's variable; otherwise a small inverse is searched with the synth enumerator
(for Fibonacci, ``b <- a + b`` then ``a <- b - a``), and only failing that a temporary is used.
``pad`` NOOPs go before every backward jump (the seed paper found padding helps tuning).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from neural.asm import OP_INDEX, Line, Program
from synth.enumerate import Bank
from synth.lang import Term
from synth.semantics import closed_value, eval_expr


class LoweringError(ValueError):
    """The skeleton does not fit the machine (lines, registers or instruction set)."""


@dataclasses.dataclass
class _Code:
    """Instructions with symbolic operands: ``(op, a, b, o)``; operands are names or None."""

    lines: list = dataclasses.field(default_factory=list)
    labels: dict = dataclasses.field(default_factory=dict)  # name -> line
    inits: dict = dataclasses.field(default_factory=dict)  # variable -> initial value
    temps: int = 0

    def emit(self, op: str, a=None, b=None, o=None) -> None:
        self.lines.append((op, a, b, o))

    def label(self, name: str) -> None:
        self.labels[name] = len(self.lines)

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps - 1}"


def _reads(e: Term) -> set[str]:
    if e.op == "var":
        return {e.args[0]}
    return set().union(*(_reads(c) for c in e.children())) if e.children() else set()


def _expr(code: _Code, e: Term, dest: str, env: dict[str, str]) -> str:
    """Emit code computing ``e``; returns the register holding it (``dest`` unless ``e`` is
    a leaf already held in a register). Never clobbers a register ``e`` still reads."""
    op = e.op
    if op == "const":
        return f"#{e.args[0]}"
    if op == "var":
        return env[e.args[0]]
    if op == "cell":
        code.emit("READ", f"#{e.args[0]}", None, dest)
        return dest
    if op in ("inc", "dec", "read"):
        r = _expr(code, e.args[0], dest, env)
        code.emit(op.upper(), r, None, dest)
        return dest
    if op in ("add", "sub", "min", "max"):
        left, right = e.args
        leaf = ("const", "var")
        if left.op in leaf:
            ra = _expr(code, left, dest, env)
        else:  # into dest, unless the right operand still has to read dest
            right_reads = {env[v] for v in _reads(right) if v in env}
            ra = _expr(code, left, code.temp() if dest in right_reads else dest, env)
        if right.op in leaf:
            rb = _expr(code, right, dest, env)
        else:  # into dest, unless dest holds the left operand
            rb = _expr(code, right, code.temp() if ra == dest else dest, env)
        code.emit(op.upper(), ra, rb, dest)
        return dest
    if op == "ifz":
        c, t, f = e.args
        n = len(code.labels)
        then, join = f"@then{n}", f"@join{n}"
        rc = _expr(code, c, code.temp(), env)
        code.emit("JEZ", rc, then)
        _move(code, _expr(code, f, dest, env), dest)
        code.emit("JMP", None, join)
        code.label(then)
        _move(code, _expr(code, t, dest, env), dest)
        code.label(join)
        return dest
    raise LoweringError(f"cannot lower expression op {op!r}")


def _move(code: _Code, src: str, dest: str) -> None:
    if src != dest:
        code.emit("MAX", src, src, dest)  # a copy: max(v, v) = v


def _assign(code: _Code, e: Term, dest: str, env: dict[str, str]) -> None:
    _move(code, _expr(code, e, dest, env), dest)


@lru_cache(maxsize=8)
def _ab_bank(M: int) -> Bank:
    bank = Bank("ab", M)
    for c in range(1, 5):
        bank.level(c)
    return bank


def _inverse(M: int, known: np.ndarray, want: np.ndarray, first_new: bool) -> Term | None:
    """A small ``g`` with ``g(a, b') = want`` (``first_new=False``: b' = known) or
    ``g(a', b) = want`` (``first_new=True``: a' = known), over the whole ``(a, b)`` domain."""
    p = np.arange(M * M)
    a, b = p // M, p % M
    idx = known * M + b if first_new else a * M + known
    for c in range(1, 5):
        lv = _ab_bank(M).level(c)
        if lv.terms:
            hit = np.flatnonzero((lv.values[:, idx] == want).all(1))
            if hit.size:
                return lv.terms[int(hit[0])]
    return None


def _simultaneous(code: _Code, fa: Term, fb: Term, env: dict[str, str], M: int) -> None:
    ra, rb = _reads(fa), _reads(fb)
    if "a" not in rb:  # a first, then b reads the old b only
        _assign(code, fa, env["a"], env)
        _assign(code, fb, env["b"], env)
    elif "b" not in ra:
        _assign(code, fb, env["b"], env)
        _assign(code, fa, env["a"], env)
    else:
        ta, tb = eval_expr(fa, "ab", M), eval_expr(fb, "ab", M)
        g = _inverse(M, tb, ta, first_new=False)
        if g is not None:  # b' = fb(a, b); a' = g(a, b')
            _assign(code, fb, env["b"], env)
            _assign(code, g, env["a"], env)
            return
        h = _inverse(M, ta, tb, first_new=True)
        if h is not None:  # a' = fa(a, b); b' = h(a', b)
            _assign(code, fa, env["a"], env)
            _assign(code, h, env["b"], env)
            return
        t = code.temp()
        _assign(code, fb, t, env)
        _assign(code, fa, env["a"], env)
        _move(code, t, env["b"])


def _emit_skeleton(t: Term, M: int, pad: int) -> _Code:
    code = _Code()
    a = t.args

    def back_jump(label: str) -> None:
        for _ in range(pad):
            code.emit("NOOP")
        code.emit("JMP", None, label)

    if t.op == "store":
        r = _expr(code, a[1], "x", {})
        code.emit("WRITE", f"#{a[0]}", r)
        code.emit("STOP")
    elif t.op == "map":
        code.inits["p"] = a[0]
        env = {"x": "x"}
        code.label("@loop")
        code.emit("READ", "p", None, "x")
        code.emit("JEZ", "x", "@end")
        _assign(code, a[1], "x", env)
        code.emit("WRITE", "p", "x")
        code.emit("INC", "p", None, "p")
        back_jump("@loop")
        code.label("@end")
        code.emit("STOP")
    elif t.op in ("fold", "foldcells"):
        start, init, step, out = a
        code.inits["p"], code.inits["acc"] = start, closed_value(init, M)
        env = {"acc": "acc", "x": "x"}
        code.label("@loop")
        code.emit("READ", "p", None, "x")
        if t.op == "fold":
            code.emit("JEZ", "x", "@end")
        _assign(code, step, "acc", env)
        code.emit("INC", "p", None, "p")
        if t.op == "foldcells":
            code.emit("JEZ", "p", "@end")  # the pointer wrapped past cell M-1
        back_jump("@loop")
        code.label("@end")
        code.emit("WRITE", f"#{out}", "acc")
        code.emit("STOP")
    elif t.op == "loop":
        n, a0, b0, fa, fb, out = a
        code.inits["a"], code.inits["b"] = closed_value(a0, M), closed_value(b0, M)
        code.emit("READ", f"#{n}", None, "c")
        code.label("@loop")
        code.emit("JEZ", "c", "@end")
        _simultaneous(code, fa, fb, {"a": "a", "b": "b"}, M)
        code.emit("DEC", "c", None, "c")
        back_jump("@loop")
        code.label("@end")
        code.emit("WRITE", f"#{out}", "a")
        code.emit("STOP")
    else:
        raise LoweringError(f"{t.op!r} is not a program op")
    return code


def lower(
    t: Term, M: int, R_max: int, ops: tuple[int, ...] = tuple(range(13)), pad: int = 0, R_min: int = 1
) -> Program:
    """Assemble skeleton ``t`` for a machine with ``M`` cells and at most ``R_max`` registers.

    The program uses as few registers as it needs (at least ``R_min``, the extra ones start
    at 0). Raises :class:`LoweringError` if it does not fit.
    """
    code = _emit_skeleton(t, M, pad if OP_INDEX["NOOP"] in ops else 0)
    lines = code.lines
    if OP_INDEX["JMP"] not in ops:  # ANC's set: jump on a register that is always 0
        lines = [("JEZ", "#0", b, None) if op == "JMP" else (op, a, b, o) for op, a, b, o in lines]
    used = {OP_INDEX[op] for op, *_ in lines}
    missing = sorted(used - set(ops))
    if missing:
        raise LoweringError(f"needs ops not in the instruction set: {missing}")
    if len(lines) > M:
        raise LoweringError(f"needs {len(lines)} lines; the machine has M={M}")
    values = {}  # constant value -> register name
    names: list[str] = []  # variables in order of first use

    def operand(x):
        if x is None:
            return None
        if x.startswith("@"):
            x = f"#{code.labels[x]}"
        if x.startswith("#"):
            v = int(x[1:]) % M
            values.setdefault(v, x)
            return ("const", v)
        if x not in names:
            names.append(x)
        return ("var", x)

    sym = [(op, operand(a), operand(b), operand(o)) for op, a, b, o in lines]
    for v in code.inits:
        if v not in names:
            names.append(v)
    const_values = sorted(values)
    R = max(R_min, len(names) + len(const_values))
    if R_max < R:
        raise LoweringError(
            f"needs {len(names) + len(const_values)} registers "
            f"({len(names)} variables, {len(const_values)} constants); R_max={R_max}"
        )
    reg = {("var", v): i for i, v in enumerate(names)}
    reg.update({("const", v): len(names) + i for i, v in enumerate(const_values)})
    init = [0] * R
    for v in names:
        init[reg[("var", v)]] = code.inits.get(v, 0) % M
    for v in const_values:
        init[reg[("const", v)]] = v
    out = [Line(OP_INDEX[op], reg.get(a, 0), reg.get(b, 0), reg.get(o, 0)) for op, a, b, o in sym]
    return Program(M, R, tuple(init), tuple(out))
