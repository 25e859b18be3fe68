"""Lowering: skeletons (:mod:`synth.lang`) to the minimal assembly (:mod:`neural.asm`).

A small compiler. Code is emitted over *virtual registers*; constants and jump labels are
virtual registers with an initial value (ANC's convention: jump targets are register
values), and so is a variable whose first assignment is a constant. Then:

- **common subexpressions** are computed once per straight-line stretch (a read of
  ``mem[a]`` is reused until memory is written; a write forwards its value to the next
  read of the same address);
- **registers** are allocated by liveness on the control-flow graph (a :mod:`networkx`
  graph of the lines) and greedy colouring of the interference graph, so a constant used
  once at the start and a loop variable can share a register;
- **copies coalesced**: the two sides of a copy that never hold different live values
  share a register and the copy is dropped (at the cost of a register, sometimes);
- **no trailing STOP**: lines past the end are STOP, so a loop's exit jumps there.

A guarded block ``if c ≠ 0 { body }`` is ``JEZ c, end; body; end:``.
Loops: ``for i, x in list@s`` is ``x = READ i; JEZ x, end; body; i = INC i; JMP head``;
``repeat`` and ``while`` test their condition at the head the same way, ``do`` after
the body. A simultaneous
assignment computes every right-hand side before it changes anything, and orders the
sets so that no move is needed unless two variables read each other; then, for two, a
small inverse is searched with the synth enumerator (Fibonacci's ``(a, b) ← (a + b, a)``
becomes ``a ← a + b; b ← a − b``), and only failing that a temporary is used.

A hole (``hole k n (u, w)``) becomes ``n`` free lines (its size; ``hole_lines`` overrides
it): NOOPs, then ``out = MAX u, w`` — a placeholder that names the registers the hole reads
and writes; every free line of a hole reads all its operands, so they stay live (and out of
``out``'s register) through the hole. :class:`Lowered` lists the free lines, for
compilation to leave them open, and the registers the holes may read and write to stay
functions of their operands (their operands, constants and temporaries; their outputs and
registers dead after them), for tuning to hold them to. ``pad`` NOOPs go
before every backward jump (the seed paper found padding helps tuning). A skeleton that
needs more than ``M`` lines or ``R_max`` registers raises :class:`LoweringError`.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable
from functools import lru_cache, partial
from numbers import Integral
from typing import NamedTuple

import networkx as nx
import numpy as np

from neural.asm import OP_INDEX, Line, Program
from synth.enumerate import Bank
from synth.lang import COMMUTATIVE, LOOPS, Term, desugar, hole_operands, hole_size, holes, reads, substitute


class LoweringError(ValueError):
    """The skeleton does not fit the machine (lines, registers or instruction set);
    ``registers``: where it fits the lines, the registers it needs (0 otherwise)."""

    def __init__(self, msg: str, registers: int = 0):
        super().__init__(msg)
        self.registers = registers


@dataclasses.dataclass(frozen=True)
class Lowered:
    """A lowered skeleton: the program and the lines that are holes (free for tuning).

    ``reads`` and ``writes`` are the registers a hole line may read and write for the
    hole to stay what the skeleton says it is, a function of its operands that sets its
    output: it reads its operands, the constants it is given (:data:`HOLE_CONSTANTS`)
    and, with more than one line, the registers it may use as temporaries, and writes its
    output and registers nothing reads after it (dead there; before a hole line writes
    one, it holds a stale value). A register live past the hole that is not its output (a
    loop counter, a label, the constant kept for it) is never written (both empty without
    holes; over several holes, the union: one hole's lines may then write what is dead
    only after another, such as a later hole's operand or constant).
    ``outputs``: per hole, its last line and its output register (a hole's last line
    sets its output: tuning holds it there)."""

    program: Program
    free: tuple[int, ...] = ()
    reads: tuple[int, ...] = ()
    writes: tuple[int, ...] = ()
    outputs: tuple[tuple[int, int], ...] = ()


@dataclasses.dataclass
class _Instr:
    op: str
    a: int | None = None  # virtual registers
    b: int | None = None
    o: int | None = None
    free: bool = False
    reads: tuple[int, ...] = ()  # a free line's operands beyond a, b (kept live through it)


VALUE_OPS = frozenset({"ZERO", "INC", "ADD", "SUB", "DEC", "MIN", "MAX", "READ"})
HOLE_CONSTANTS = (1,)
"""Constants a hole of two or more lines may read besides its operands (kept in registers
through it): a one-line hole is one op over its operands, but a longer one can combine
them with a constant, and 1 is the one no op makes (``ZERO`` makes 0): ``min(a − x, 1)``,
parity's fold step, has no two-line form over ``a`` and ``x`` alone."""


class _Compiler:
    """Emits code over virtual registers for one skeleton."""

    def __init__(
        self,
        M: int,
        ops: tuple[int, ...],
        pad: int,
        hole_lines: int | None,
        cse: bool = True,
        branch: bool = True,
        rotate: bool = False,
        zero_jumps: bool = False,
    ):
        self.M, self.pad, self.hole_lines, self.reuse = M, pad, hole_lines, cse
        self.branch = branch  # loop tests ifz(c, t, f) branch on c (else their value is tested)
        self.branched = False  # some loop test did
        self.rotate = rotate  # loops that go on while a test is 0: while tested at the foot, do stepped at the head
        self.rotatable = False  # some loop could
        self.zero_jumps = zero_jumps  # a jump to line 0 goes through a register zeroed just before it
        self.has_jmp = OP_INDEX["JMP"] in ops
        self.code: list[_Instr] = []
        self.labels: dict[int, int | None] = {}  # label vreg -> line (resolved when placed)
        self.init: dict[int, int] = {}  # vreg -> initial value (constants, folded sets)
        self.consts: dict[int, int] = {}  # value -> vreg
        self.vars: dict[str, int] = {}
        self.n = 0
        self.cse: dict[tuple, int] = {}
        self.touched: set[str] = set()  # variables emitted code has read or written
        self.depth = 0  # loops and guarded blocks the code being emitted is inside
        self.holes: list[tuple[int, tuple[int, ...], int, int]] = []  # (last line, reads, out, lines) per hole

    # -------------------------------------------------------------------- registers

    def new(self) -> int:
        self.n += 1
        return self.n - 1

    def const(self, k: int) -> int:
        k %= self.M
        if k not in self.consts:
            self.consts[k] = self.new()
            self.init[self.consts[k]] = k
        return self.consts[k]

    def var(self, name: str) -> int:
        if name not in self.vars:
            self.vars[name] = self.new()
        return self.vars[name]

    def label(self) -> int:
        r = self.new()
        self.labels[r] = None
        return r

    def place(self, label: int) -> None:
        self.labels[label] = len(self.code)

    def emit(self, op: str, a=None, b=None, o=None, free: bool = False, reads: tuple[int, ...] = ()) -> None:
        self.code.append(_Instr(op, a, b, o, free, reads))

    # ---------------------------------------------------------------- common values

    def invalidate(self, reg: int | None = None, memory: bool = False) -> None:
        """Forget cached values that read ``reg`` or live in it, or that read memory."""
        drop = []
        for key, r in self.cse.items():  # a conditional's value goes with any change
            if r == reg or reg in key[1:] or (memory and key[0] == "READ") or key[0] == "IFZ":
                drop.append(key)
        for key in drop:
            del self.cse[key]

    # ------------------------------------------------------------------ expressions

    def expr(self, e: Term, dest: int | None = None) -> int:
        """A register holding ``e``'s value (``dest`` if ``e`` is computed here and ``dest``
        is given). Never clobbers a register ``e`` still reads."""
        op, a = e.op, e.args
        if op == "reg":  # a value the compiler already holds (a simultaneous set's temporary)
            return a[0]
        if op == "const":
            return self.const(a[0])
        if op == "var":
            self.touched.add(a[0])
            return self.var(a[0])
        if op == "cell":
            return self.value("READ", (self.const(a[0]),), dest)
        if op == "read":
            return self.value("READ", (self.expr(a[0]),), dest)
        if op in ("inc", "dec"):
            return self.value(op.upper(), (self.expr(a[0]),), dest)
        if op in ("add", "sub", "min", "max"):
            x = self.expr(a[0])
            y = self.expr(a[1])
            return self.value(op.upper(), (x, y), dest, op in COMMUTATIVE)
        if op == "ifz":  # computed once until a register or memory changes (a simultaneous
            key = ("IFZ", e)  # block's writes and sets of one conditional value)
            if key not in self.cse or not self.reuse:
                self.cse[key] = self.ifz(e, dest)
                return self.cse[key]
            if dest is not None:
                self.move(self.cse[key], dest)
                return dest
            return self.cse[key]
        if op == "hole":
            args = [self.expr(x) for x in hole_operands(e)]
            out = dest if dest is not None else self.new()
            n = self.hole_lines or hole_size(e)
            first, last = (args[0], args[-1]) if args else (None, None)
            extra = [*args[1:-1], *(self.const(k) for k in HOLE_CONSTANTS if n > 1)]
            self.holes.append((len(self.code) + n - 1, (*args, *extra), out, n))
            for k in range(n):
                self.emit("NOOP" if k < n - 1 else "HOLE", first, last, out, True, tuple(extra))
            return out
        raise LoweringError(f"cannot lower expression op {op!r}")

    def value(self, op: str, args: tuple[int, ...], dest: int | None, commutative: bool = False) -> int:
        key = (op, *(sorted(args) if commutative else args))
        if not self.reuse:
            self.cse.clear()
        if key in self.cse and dest is None:
            return self.cse[key]
        if key in self.cse:
            self.move(self.cse[key], dest)
            return dest
        out = dest if dest is not None else self.new()
        self.emit(op, args[0], args[1] if len(args) > 1 else None, out)
        if out not in args:
            self.cse[key] = out
        return out

    def move(self, src: int, dest: int) -> None:
        if src != dest:
            self.emit("MAX", src, src, dest)  # a copy: max(v, v) = v

    def ifz(self, e: Term, dest: int | None) -> int:
        c, t, f = e.args
        out = dest if dest is not None else self.new()
        rc = self.expr(c)
        then, join = self.label(), self.label()
        self.emit("JEZ", rc, then)
        saved = dict(self.cse)
        self.move(self.expr(f, out), out)
        self.jump(join)
        self.place(then)
        self.cse = dict(saved)
        self.move(self.expr(t, out), out)
        self.place(join)
        self.cse = saved
        return out

    def branch_zero(self, e: Term, target: int) -> None:
        """Jump to ``target`` if ``e`` is 0, else fall through. A test ``ifz(c, t, f)``
        branches on ``c`` and then tests ``t`` or ``f`` instead of computing its value:
        never more steps, and fewer lines where a branch is a constant or a copy; but a
        line more where both branches compute their values (a jump past the other
        branch's test), so :func:`lower` falls back to testing the value when this does
        not fit."""
        e = _test_form(e, self.M, self.branch)
        if e.op == "const":
            if e.args[0] % self.M == 0:
                self.jump(target)
            return
        if e.op != "ifz" or not self.branch:
            self.emit("JEZ", self.expr(e), target)
            return
        self.branched = True
        c, t, f = e.args
        rc = self.expr(c)
        saved = dict(self.cse)
        zero = lambda x: x.op == "const" and x.args[0] % self.M == 0
        if zero(t):  # c = 0 means the test is 0
            self.emit("JEZ", rc, target)
            self.branch_zero(f, target)
        elif t.op == "const":  # c = 0 means the test is not 0
            join = self.label()
            self.emit("JEZ", rc, join)
            self.branch_zero(f, target)
            self.place(join)
        else:
            then, join = self.label(), self.label()
            self.emit("JEZ", rc, then)
            self.branch_zero(f, target)
            if not zero(f):
                self.jump(join)
            self.place(then)
            self.cse = dict(saved)
            self.branch_zero(t, target)
            self.place(join)
        self.cse = saved

    def jump(self, label: int) -> None:
        if self.zero_jumps and self.labels.get(label) == 0:  # the loop head: no register holds 0 throughout
            label = self.new()
            self.labels[label] = 0
            self.emit("ZERO", None, None, label)
            self.emit("JMP", None, label) if self.has_jmp else self.emit("JEZ", label, label)
            return
        if self.has_jmp:
            self.emit("JMP", None, label)
        else:  # ANC's set has no JMP: jump on a register that is always 0
            self.emit("JEZ", self.const(0), label)

    # ------------------------------------------------------------------- statements

    def stmt(self, s: Term) -> None:
        op, a = s.op, s.args
        if op == "seq":
            for x in a:
                self.stmt(x)
        elif op in ("write", "set", "par"):
            self.parallel(list(a) if op == "par" else [s])
        elif op == "if":
            self.if_block(*a)
        elif op == "for":
            self.for_loop(*a)
        elif op == "do":
            self.do_loop(*a)
        elif op in LOOPS:
            self.while_loop(*desugar(s).args)
        else:
            raise LoweringError(f"{op!r} is not a statement")

    def if_block(self, c: Term, body: Term) -> None:
        """``JEZ c, end; body; end:``. What is cached after it is what both ways keep;
        the body runs only sometimes, so a constant it sets is a line, not an initial
        value (as in a loop)."""
        end = self.label()
        self.branch_zero(c, end)
        saved = dict(self.cse)
        self.depth += 1
        self.stmt(body)
        self.depth -= 1
        self.place(end)
        self.cse = {k: r for k, r in saved.items() if self.cse.get(k) == r}

    def assign(self, name: str, e: Term) -> None:
        """``name ← e``; a constant given to a variable nothing has used yet, outside any
        loop, is the register's initial value instead of a line."""
        r = self.var(name)
        if e.op == "const" and not self.depth and name not in self.touched:
            self.init[r] = e.args[0] % self.M
            self.touched.add(name)
            return
        self.touched.add(name)
        self.move(self.expr(e, r), r)
        self.invalidate(r)

    def parallel(self, effects: list[Term]) -> None:
        """Writes and sets at once: every address and value that reads memory first, then
        the writes (each computing what it has left), then the sets, ordered so that each
        var is set after everything that reads it."""
        other = sorted({x.op for x in effects} - {"write", "set"})
        if other:
            raise LoweringError(f"a parallel block may hold only writes and sets, not {', '.join(other)}")
        writes = [x for x in effects if x.op == "write"]
        sets = [x for x in effects if x.op == "set"]
        # a write's address and value that read memory are computed before any write changes
        # it; the others just before their own write (held for less long)
        done = {k: tuple(map(self.expr, w.args)) for k, w in enumerate(writes) if any(map(_reads_memory, w.args))}
        pairs = [(x.args[0], x.args[1]) for x in sets]
        if writes:  # a set's reads of memory are taken before the writes change it
            made = {e for k in done for e in writes[k].args}  # a value a write computed is reused whole
            pairs = [(n, _reg(self.expr(e)) if e in made else self.taken(e)) for n, e in pairs]
        for k, w in enumerate(writes):
            ra, rv = done[k] if k in done else tuple(map(self.expr, w.args))
            self.emit("WRITE", ra, rv)
            # a read whose value was written stays right at either address: mem[p] ← v
            # where v = mem[q] leaves mem[q] = v whether or not p = q
            same = {key: r for key, r in self.cse.items() if key[0] == "READ" and r == rv}
            self.invalidate(memory=True)
            self.cse.update(same)
            self.cse[("READ", ra)] = rv
        self.sets(pairs)

    def taken(self, e: Term) -> Term:
        """``e`` with each read of memory computed now, into a register: the rest of its
        value (a conditional's branches, a sum) is computed where it is set, into the
        variable's own register, rather than into a temporary copied there."""
        if e.op in ("read", "cell"):
            return _reg(self.expr(e))
        if not _reads_memory(e):
            return e
        return Term(e.op, tuple(self.taken(x) if isinstance(x, Term) else x for x in e.args))

    def sets(self, pairs: list[tuple[str, Term]]) -> None:
        """Simultaneous ``v ← e`` for ``pairs``: each set goes after every other set that
        reads its variable; a cycle of two is broken by an inverse if there is a small
        one, any other cycle by computing one value into a temporary first."""
        todo = list(pairs)
        while todo:
            reads_of = {n: self.reads(e) for n, e in todo}
            ready = [p for p in todo if not any(p[0] in reads_of[q[0]] for q in todo if q is not p)]
            if ready:
                self.assign(*ready[0])
                todo.remove(ready[0])
                continue
            if len(todo) == 2:
                (na, fa), (nb, fb) = todo
                for (x, fx), (y, fy) in (((na, fa), (nb, fb)), ((nb, fb), (na, fa))):
                    g = _inverse(self.M, fx, fy, x, y)
                    if g is not None:  # y' = fy(old); x' = g(old x, new y) = fx(old)
                        self.assign(y, fy)
                        self.assign(x, g)
                        return
            # none is ready: a cycle; one of its values (one that reads a pending variable)
            # goes into a temporary first, which breaks at least one of its edges
            pending = {n for n, _ in todo}
            k = next(k for k, (n, _) in enumerate(todo) if reads_of[n] & pending)
            name, e = todo[k]
            tmp = self.new()
            self.move(self.expr(e, tmp), tmp)
            todo[k] = (name, _reg(tmp))

    def reads(self, e: Term) -> set[str]:
        """The variables ``e`` reads, a register a value was taken into included (a
        variable's own register, where a read was the variable's cached value)."""
        regs = {n.args[0] for n in e.walk() if n.op == "reg"}
        return reads(e) | {v for v, r in self.vars.items() if r in regs}

    def loop_head(self) -> tuple[int, int]:
        head, end = self.label(), self.label()
        self.place(head)
        self.cse = {}
        self.depth += 1
        return head, end

    def loop_tail(self, head: int, end: int, saved: dict) -> None:
        self.emit_pad()
        self.jump(head)
        self.place(end)
        self.cse = saved
        self.depth -= 1

    def emit_pad(self) -> None:
        for _ in range(self.pad):
            self.emit("NOOP")

    def for_loop(self, v: str, x: str, start: Term, body: Term) -> None:
        self.assign(v, start)
        head, end = self.loop_head()
        rv, rx = self.var(v), self.var(x)
        self.touched |= {v, x}
        self.emit("READ", rv, None, rx)
        self.cse[("READ", rv)] = rx
        self.emit("JEZ", rx, end)
        saved = dict(self.cse)
        self.stmt(body)
        self.emit("INC", rv, None, rv)
        self.invalidate(rv)
        self.loop_tail(head, end, saved)

    def do_loop(self, v: str, init: Term, cond: Term, step: Term, body: Term) -> None:
        """``head: body; JEZ cond, end; v ← step; JMP head`` (the test after the body)."""
        cond = _test_form(cond, self.M, self.branch)
        if _goes_on_while_zero(cond, self.M):
            self.rotatable = True
            if self.rotate:
                return self.entered_at_step(v, init, cond, step, body)
        self.assign(v, init)
        head, end = self.loop_head()
        self.stmt(body)
        self.branch_zero(cond, end)
        saved = dict(self.cse)
        self.assign(v, step)
        self.loop_tail(head, end, saved)

    def entered_at_step(self, v: str, init: Term, cond: Term, step: Term, body: Term) -> None:
        """A ``do`` loop that goes on while ``c`` is 0 and ``t`` is not (its test
        ``ifz(c, t, 0)``), with its step at its head: ``JMP in; head: v ← step; in: body;
        JEZ t, end; JEZ c, head; end:``, one jump back where the test at the foot needs
        one out and one back. If ``init`` is the step of some ``x``, ``v ← x`` and no
        jump in: the first pass takes the step too (``p ← mem[0]; head: p ← dec(p); …``)."""
        c, t, _ = cond.args
        x = _step_of(init, step, v)
        self.assign(v, init if x is None else x)
        enter = None if x is not None else self.label()
        if enter is not None:
            self.jump(enter)
        head, end = self.loop_head()
        self.assign(v, step)
        if enter is not None:
            self.place(enter)
            self.cse = {}  # reached from before the loop and from its head
        self.stmt(body)
        self.emit_pad()
        self.branch_zero(t, end)
        self.close_zero_test(c, t, head, end)
        self.depth -= 1

    def close_zero_test(self, c: Term, t: Term, head: int, end: int) -> None:
        """``JEZ c, head; end:`` after ``t``'s test: what ``end`` may reuse is what every way
        there computed; where ``t`` is a constant (no jump to ``end``), that includes ``c``."""
        saved = dict(self.cse)
        rc = self.expr(c)
        if t.op == "const":  # end is reached only past this test
            saved = dict(self.cse)
        self.emit("JEZ", rc, head)
        self.place(end)
        self.cse = saved

    def while_loop(self, v: str, init: Term, cond: Term, step: Term, body: Term) -> None:
        self.assign(v, init)
        cond = _test_form(cond, self.M, self.branch)
        if _goes_on_while_zero(cond, self.M):
            self.rotatable = True
            if self.rotate:
                return self.foot_tested(v, cond, step, body)
        head, end = self.loop_head()
        self.branch_zero(cond, end)
        saved = dict(self.cse)
        self.stmt(body)
        self.assign(v, step)
        self.loop_tail(head, end, saved)

    def foot_tested(self, v: str, cond: Term, step: Term, body: Term) -> None:
        """A ``while`` loop that goes on while ``c`` is 0 and ``t`` is not (its test
        ``ifz(c, t, 0)``: an exit that stops where ``c`` is not 0), tested at its foot:
        ``JMP test; head: body; v ← step; test: JEZ t, end; JEZ c, head; end:``. Tested at
        its head it needs a jump past the loop where ``c`` is not 0 and one back at its
        foot; here it needs one in: a line less. ``t`` is tested first (a value: reading
        it where ``c`` is not 0 changes nothing)."""
        c, t, _ = cond.args
        test = self.label()
        self.jump(test)
        head, end = self.loop_head()
        self.stmt(body)
        self.assign(v, step)
        self.emit_pad()
        self.place(test)
        self.cse = {}  # reached from before the loop and from its foot
        self.branch_zero(t, end)
        self.close_zero_test(c, t, head, end)
        self.depth -= 1


def _zero(e: Term, M: int) -> bool:
    return e.op == "const" and e.args[0] % M == 0


def _test_form(e: Term, M: int, branch: bool) -> Term:
    """A test (only whether it is 0 counts) in the form that branches in the fewest lines:
    ``min(k, c)`` (``k`` not 0) is 0 where ``c`` is, so ``c``; and where tests branch,
    ``1 − min(1, c)`` (what the rewrites make of ``ifz(c, 1, 0)``) is ``ifz(c, 1, 0)`` (a
    guard whose body reuses the test's value could take a line less as the value; a
    program that does not fit is lowered again with tests as values)."""
    consts = [a for a in e.args if isinstance(a, Term) and a.op == "const"]
    if e.op == "min" and consts and not _zero(consts[0], M):
        return _test_form(e.args[1] if e.args[0] is consts[0] else e.args[0], M, branch)
    one = Term("const", (1,))
    if branch and e.op == "sub" and e.args[0] == one and e.args[1].op == "min" and one in e.args[1].args:
        a, b = e.args[1].args
        return Term("ifz", (b if a == one else a, one, Term("const", (0,))))
    return e


def _goes_on_while_zero(cond: Term, M: int) -> bool:
    """``ifz(c, t, 0)`` with ``t`` not 0: a loop test that holds only where ``c`` is 0."""
    return cond.op == "ifz" and _zero(cond.args[2], M) and not _zero(cond.args[1], M)


def _step_of(init: Term, step: Term, v: str) -> Term | None:
    """An ``x`` with ``step[v := x] = init`` (a loop that starts one step from ``x``), or None."""
    for x in init.walk():
        if substitute(step, {v: x}) == init:
            return x
    return None


@lru_cache(maxsize=8)
def _ab_bank(M: int) -> Bank:
    bank = Bank(("u", "w"), M)
    for c in range(1, 5):
        bank.level(c)
    return bank


def _reg(r: int) -> Term:
    return Term("reg", (r,))


def _reads_memory(e: Term) -> bool:
    return any(n.op in ("read", "cell") for n in e.walk())


def _inverse(M: int, fa: Term, fb: Term, na: str, nb: str) -> Term | None:
    """A small ``g`` with ``g(a, fb(a, b)) = fa(a, b)`` for every ``a, b`` (``fa``, ``fb``
    functions of the variables ``na``, ``nb`` only), as a term over ``na`` and ``nb``."""
    if not (reads(fa) | reads(fb)) <= {na, nb} or any(
        n.op in ("reg", "read", "cell", "hole") for f in (fa, fb) for n in f.walk()
    ):
        return None  # memory (read now, or into a register before) and holes are not the variables
    from synth.semantics import value

    p = np.arange(M * M)
    env = {na: p // M, nb: p % M}
    ta, tb = value(fa, M, env), value(fb, M, env)
    idx = (p // M) * M + tb  # g's point: (a, new b)
    for c in range(1, 5):
        lv = _ab_bank(M).level(c)
        if lv.terms:
            hit = np.flatnonzero((lv.values[:, idx] == ta).all(1))
            if hit.size:
                return substitute(lv.terms[int(hit[0])], {"u": Term("var", (na,)), "w": Term("var", (nb,))})
    return None


# --------------------------------------------------------------- register allocation


def _flow(code: list[_Instr], labels: dict[int, int]) -> nx.DiGraph:
    """The control-flow graph over lines (node ``len(code)`` is the exit: lines past the
    end are STOP, and a jump to any of them goes there)."""
    g = nx.DiGraph()
    n = len(code)
    g.add_nodes_from(range(n + 1))
    for i, ins in enumerate(code):
        if ins.op == "STOP":
            g.add_edge(i, n)
        elif ins.op == "JMP":
            g.add_edge(i, min(labels[ins.b], n))
        else:
            g.add_edge(i, i + 1)
            if ins.op == "JEZ":
                g.add_edge(i, min(labels[ins.b], n))
    return g


def _uses(ins: _Instr) -> set[int]:
    if ins.op in ("STOP", "NOOP") and not ins.free:
        return set()
    if ins.op in ("ZERO",):
        return set()
    if ins.op == "JMP":
        return {ins.b}
    return {r for r in (ins.a, ins.b, *ins.reads) if r is not None}


def _defs(ins: _Instr) -> set[int]:
    return {ins.o} if (ins.op in VALUE_OPS or ins.op == "HOLE" or ins.free) and ins.o is not None else set()


def _allocate(
    code: list[_Instr], labels: dict[int, int], init: dict[int, int]
) -> tuple[dict[int, int], set[int], dict[int, set[int]]]:
    """Physical registers for the virtual ones: greedy colouring of the interference
    graph. Returns the colouring, the registers live at entry, and per line the registers
    live after it."""
    inter, entry, live_out = _interference(code, labels, init)
    return nx.greedy_color(inter, strategy="DSATUR"), entry, live_out


def _interference(
    code: list[_Instr], labels: dict[int, int], init: dict[int, int]
) -> tuple[nx.Graph, set[int], dict[int, set[int]]]:
    """Liveness on the control-flow graph and the interference graph it gives (registers
    with initial values that are live at entry interfere with each other), the registers
    live at entry, and per line the registers live after it."""
    flow = _flow(code, labels)
    n = len(code)
    live_in: dict[int, set[int]] = {i: set() for i in range(n + 1)}
    changed = True
    order = list(reversed(range(n)))
    while changed:
        changed = False
        for i in order:
            out = set().union(*(live_in[s] for s in flow.successors(i)))
            new = _uses(code[i]) | (out - _defs(code[i]))
            if new != live_in[i]:
                live_in[i], changed = new, True
    inter = nx.Graph()
    inter.add_nodes_from(r for ins in code for r in (ins.a, ins.b, ins.o, *ins.reads) if r is not None)
    entry = live_in[0] if n else set()
    inter.add_edges_from((a, b) for a in entry for b in entry if a < b and init.get(a, 0) != init.get(b, 0))
    live_out = {i: set().union(*(live_in[s] for s in flow.successors(i))) for i in range(n)}
    for i, ins in enumerate(code):
        for d in _defs(ins):
            inter.add_edges_from((d, x) for x in live_out[i] if x != d)
    return inter, entry, live_out


def _is_copy(ins: _Instr) -> bool:
    """A copy the compiler emitted (``o = MAX a, a``), not a hole's placeholder."""
    return ins.op == "MAX" and ins.a == ins.b and not ins.free


class _Code(NamedTuple):
    """Code over virtual registers: the lines, the labels (register -> line), the initial
    values (the labels' included), the holes (last line, operands, output, size) and the
    renaming from the compiler's registers to these (coalescing merges some)."""

    lines: list[_Instr]
    labels: dict[int, int]
    init: dict[int, int]
    holes: list[tuple[int, tuple[int, ...], int, int]]
    name: Callable[[int | None], int | None]


def _coalesce(c: _Code) -> _Code:
    """``c`` without the copies whose two sides never hold different live values: each
    such pair becomes one register (merged in the interference graph, so no register is
    merged with one it interferes with) and the copy between them is dropped; labels and
    holes' last lines move up to match (a label on a dropped line moves to the line after
    it). Merging can cost a register where it saves a line. Without copies, ``c`` itself,
    with no liveness pass (about half of the sampled skeletons have none)."""
    if not any(map(_is_copy, c.lines)):
        return c
    inter, entry, _ = _interference(c.lines, c.labels, c.init)
    rep = {v: v for v in inter}
    find = lambda v: v if rep[v] == v else find(rep[v])
    for ins in filter(_is_copy, c.lines):
        a, o = find(ins.a), find(ins.o)
        if a != o and not inter.has_edge(a, o):
            nx.contracted_nodes(inter, a, o, self_loops=False, copy=False)
            rep[o] = a
    name = lambda v: None if v is None else find(v) if v in rep else v
    kept = [i for i, ins in enumerate(c.lines) if not (_is_copy(ins) and name(ins.a) == name(ins.o))]
    at = {old: new for new, old in enumerate(kept)}
    labels = {r: bisect.bisect_left(kept, line) for r, line in c.labels.items()}
    return _Code(
        [
            dataclasses.replace(ins, a=name(ins.a), b=name(ins.b), o=name(ins.o), reads=tuple(map(name, ins.reads)))
            for ins in (c.lines[i] for i in kept)
        ],
        labels,
        {name(v): k for v, k in c.init.items() if v in entry or v not in rep} | labels,  # values matter live at entry
        [(at[last], tuple(map(name, operands)), name(out), n) for last, operands, out, n in c.holes],
        name,
    )


def _drop_idle_jumps(c: _Code) -> _Code:
    """``c`` without the jumps to the line right after them (an ``if`` whose other branch
    is empty, or whose copy was coalesced away, jumps over nothing); labels and holes'
    last lines move up as in :func:`_coalesce`. ``c`` itself if there are none."""
    idle = {i for i, ins in enumerate(c.lines) if ins.op in ("JMP", "JEZ") and c.labels.get(ins.b) == i + 1}
    if not idle:
        return c
    kept = [i for i in range(len(c.lines)) if i not in idle]
    at = {old: new for new, old in enumerate(kept)}
    labels = {r: bisect.bisect_left(kept, line) for r, line in c.labels.items()}
    lines = [c.lines[i] for i in kept]
    holes = [(at[last], operands, out, n) for last, operands, out, n in c.holes]
    return _drop_idle_jumps(_Code(lines, labels, c.init | labels, holes, c.name))


def _end_labels(c: _Code, M: int) -> _Code:
    """``c`` with its labels past the last line (exits: lines past the end are STOP) in
    the register of a constant it holds anyway, where one lies between the end and ``M −
    1``: a jump to any of those lines stops, and one register holding both is a register
    fewer (``for i, x in list@0 { mem[i], mem[(11 − i)] ← … }`` ends at line 8 of 12 and
    reads 11). ``c`` itself if there is no such label or constant, or if it has holes."""
    n = len(c.lines)
    if c.holes:  # a hole's reads of constants stay apart from the labels tuning shuts off
        return c
    ends = {r for r, line in c.labels.items() if line >= n}
    written = {d for ins in c.lines for d in _defs(ins)}
    held = sorted((k, r) for r, k in c.init.items() if r not in c.labels and r not in written and n <= k < M)
    if not ends or not held:
        return c
    to = held[0][1]
    name = lambda v: to if v in ends else v
    return _Code(
        [
            dataclasses.replace(ins, a=name(ins.a), b=name(ins.b), o=name(ins.o), reads=tuple(map(name, ins.reads)))
            for ins in c.lines
        ],
        {r: line for r, line in c.labels.items() if r not in ends} | {to: held[0][0]},
        {r: k for r, k in c.init.items() if r not in ends},
        c.holes,
        lambda v: name(c.name(v)),
    )


def _lines_needed(c: _Code, zero: int | None, M: int) -> int:
    """Lines ``c`` takes in the machine: one more than its length when it fills all ``M``
    and could fall off its end or jump past it (the machine wraps around; lines past the
    end are its only STOP)."""
    n = len(c.lines)
    ends = bool(c.lines) and (c.lines[-1].op == "JMP" or (c.lines[-1].op == "JEZ" and c.lines[-1].a == zero))
    return n + (n == M and (not ends or any(line == M for line in c.labels.values())))


def lower(
    t: Term,
    M: int,
    R_max: int,
    ops: tuple[int, ...] = tuple(range(13)),
    pad: int = 0,
    R_min: int = 1,
    hole_lines: int | None = None,
    cse: bool = True,
) -> Lowered:
    """Compile skeleton ``t`` for a machine with ``M`` cells and at most ``R_max``
    registers (at least ``R_min``; the extra ones start at 0). A hole lowers to as many
    free lines as its size, or ``hole_lines`` each if given. ``cse=False`` computes
    every subexpression where it occurs (an ablation: ``scripts/lowering_lines.py``).
    Copies are coalesced away (:func:`_coalesce`) unless that needs more than ``R_max``
    registers, when they are kept. Loop tests ``ifz(c, t, f)`` branch on ``c``
    (:meth:`_Compiler.branch_zero`); if the program then does not fit, loops that go on
    while a test is 0 are rotated (``while`` tested at the foot,
    :meth:`_Compiler.foot_tested`; ``do`` with the step at the head,
    :meth:`_Compiler.entered_at_step`), and failing that every loop test's value is
    computed and tested. If it needs one or two registers more than ``R_max``, lines are
    traded for registers: jumps to line 0 go through a register zeroed just before them (no register
    holds the loop head's line throughout), then also every value is computed where it is
    used (none is held for a later use).

    Raises :class:`LoweringError` if it does not fit, or needs an op outside ``ops``.
    """
    whole = isinstance(hole_lines, Integral) and not isinstance(hole_lines, bool)
    if hole_lines is not None and (not whole or hole_lines < 1):
        raise ValueError(f"hole_lines must be a whole number >= 1 or None, got {hole_lines!r}")
    pad = pad if OP_INDEX["NOOP"] in ops else 0
    try:
        return _lower(t, M, R_max, ops, pad, R_min, hole_lines, cse)
    except LoweringError as e:
        if not 0 < e.registers <= R_max + 2 or holes(t):
            raise  # too far over to trade for (the trades below save a register or two), or holes
            # (a loop's back jump stays a label, which tuning keeps off hole lines)
        for keep in dict.fromkeys((cse, False)):  # then also no common subexpressions held
            try:
                return _lower(t, M, R_max, ops, pad, R_min, hole_lines, keep, zero_jumps=True)
            except LoweringError:
                pass
        raise


def _lower(
    t: Term,
    M: int,
    R_max: int,
    ops: tuple[int, ...],
    pad: int,
    R_min: int,
    hole_lines: int | None,
    cse: bool,
    zero_jumps: bool = False,
) -> Lowered:
    """:func:`lower` with one setting of the compiler: loop tests that branch, then tested
    at their foot, then tested as values."""
    make = partial(_Compiler, M, ops, pad, hole_lines, cse, zero_jumps=zero_jumps)
    comp = make()
    comp.stmt(t)
    try:
        return _assemble(comp, M, R_max, ops, R_min)
    except LoweringError:
        if not (comp.branched or comp.rotatable):
            raise
    if comp.rotatable:  # tested at the head they do not fit
        foot = make(rotate=True)
        foot.stmt(t)
        try:
            return _assemble(foot, M, R_max, ops, R_min)
        except LoweringError:
            if not comp.branched:
                raise
    comp = make(branch=False)  # loop tests that branch do not fit
    comp.stmt(t)
    return _assemble(comp, M, R_max, ops, R_min)


def _assemble(comp: _Compiler, M: int, R_max: int, ops: tuple[int, ...], R_min: int) -> Lowered:
    """The compiled code, copies coalesced, registers allocated, as a program (raises
    :class:`LoweringError` if it needs more than ``M`` lines or ``R_max`` registers)."""
    labels = dict(comp.labels)
    plain = _drop_idle_jumps(_Code(comp.code, labels, comp.init | labels, comp.holes, lambda v: v))
    short, merged = "", _drop_idle_jumps(_coalesce(plain))
    for c in (merged,) if merged is plain else (merged, plain):  # copies kept if dropping them needs too many registers
        c = _end_labels(c, M)
        n = _lines_needed(c, c.name(comp.consts.get(0)), M)
        if n > M:
            raise LoweringError(f"needs {n} lines; the machine has M={M}{short}")
        color, entry, live_out = _allocate(c.lines, c.labels, c.init)
        R = max(R_min, 1 + max(color.values(), default=0))
        if R_max >= R:
            break
        short = f" (or {n} lines with {R} registers; R_max={R_max})"
    else:
        raise LoweringError(f"needs {R} registers; R_max={R_max}", registers=R)
    code, init, holes = c.lines, c.init, c.holes
    regs = [0] * R
    for r in entry:  # registers read before they are written start at their value (or 0)
        regs[color[r]] = init.get(r, 0) % M
    lines, free = [], []
    for i, ins in enumerate(code):
        op = "MAX" if ins.op == "HOLE" else ins.op  # a hole's last line: out = max(u, w), a placeholder
        if OP_INDEX[op] not in ops:
            if ins.free:
                op = "STOP" if OP_INDEX["NOOP"] not in ops else op
            else:
                raise LoweringError(f"needs op {op}, which is not in the instruction set")
        a, b, o = (color.get(x, 0) if x is not None else 0 for x in (ins.a, ins.b, ins.o))
        lines.append(Line(OP_INDEX[op], a, b, o))
        if ins.free:
            free.append(i)
    reads, writes = _hole_registers(holes, color, live_out, R)
    outputs = tuple((last, color[out]) for last, _, out, _ in holes)
    return Lowered(Program(M, R, tuple(regs), tuple(lines)), tuple(free), reads, writes, outputs)


def _hole_registers(
    holes: list[tuple[int, tuple[int, ...], int, int]], color: dict[int, int], live_out: dict[int, set[int]], R: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The physical registers the holes may read and write (see :class:`Lowered`): per
    hole, it writes its output and the registers dead after its last line, and reads its
    operands and, with more than one line (temporaries to pass on), those; the union over
    the holes."""
    reads: set[int] = set()
    writes: set[int] = set()
    for last, operands, out, n in holes:
        busy = {color[v] for v in live_out[last] if v != out}
        own = {r for r in range(R) if r not in busy} | {color[out]}
        writes |= own
        reads |= (own if n > 1 else set()) | {color[v] for v in operands}
    return tuple(sorted(reads)), tuple(sorted(writes))
