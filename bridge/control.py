"""Control flow of a lowered program, read from its jumps: the loop, its labels, and the
registers that steer it. Table 1 opens a loop's body from it (:func:`loop_parts`), and
hole tuning keeps holes off the registers the fixed lines steer with
(:func:`control_registers`)."""

from __future__ import annotations

from collections.abc import Iterable

from neural.asm import DEC, INC, JEZ, JMP, READ, VALUE_OPS, WRITE, Program


def jumps(p: Program) -> dict[int, tuple[int, bool]]:
    """Jump lines whose target is known (a register holding a label: set by ``init``,
    never written): line -> (target, always taken)."""
    written = {ln.o for ln in p.lines if ln.op in VALUE_OPS}
    out = {}
    for i, ln in enumerate(p.lines):
        if ln.op in (JEZ, JMP) and ln.b not in written:
            always = ln.op == JMP or (ln.a not in written and p.init[ln.a] == 0)
            out[i] = (p.init[ln.b], always)
    return out


def loop_parts(p: Program) -> tuple[int, int | None, int] | None:
    """``(head, test, back)`` of the program's first loop: the back jump (an always-taken
    jump to a line at or before it), its target, and the conditional jump inside the loop
    that leaves it (``None`` if there is none); ``None`` for a program without a loop."""
    js = jumps(p)
    backs = sorted((i, t) for i, (t, always) in js.items() if always and t <= i)
    if not backs:
        return None
    back, head = backs[0]
    tests = [i for i, (t, always) in js.items() if not always and head <= i < back and not head <= t <= back]
    return head, (min(tests) if tests else None), back


def labels(p: Program) -> frozenset[int]:
    """Registers that hold jump targets: a jump's target register that no line writes."""
    return frozenset(p.lines[i].b for i in jumps(p))


def traversal(p: Program) -> frozenset[int]:
    """Registers that can step the first loop: the memory addresses, and the loop test's
    register unless the loop loads it from memory (a counter)."""
    addr = {ln.a for ln in p.lines if ln.op in (READ, WRITE)}
    parts = loop_parts(p)
    if parts is None or parts[1] is None:
        return frozenset(addr)
    head, test, back = parts
    loaded = {p.lines[i].o for i in range(head, back + 1) if p.lines[i].op == READ}
    return frozenset(addr | ({p.lines[test].a} - loaded))


def step_lines(p: Program) -> frozenset[int]:
    """The lines that are the loop's own traversal update ``r = INC/DEC r``."""
    steer = traversal(p)
    return frozenset(i for i, ln in enumerate(p.lines) if ln.op in (INC, DEC) and ln.a == ln.o and ln.o in steer)


def control_registers(p: Program, free: Iterable[int] = ()) -> frozenset[int]:
    """Registers the fixed (not ``free``) lines steer with: the labels, and the registers
    a fixed line steps as the loop's traversal. A hole that wrote one would break the loop
    around it rather than compute its step."""
    stepped = {p.lines[i].o for i in step_lines(p) - set(free)}
    return labels(p) | frozenset(stepped)
