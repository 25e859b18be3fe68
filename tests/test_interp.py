import numpy as np
from hypothesis import given, settings

from neural import Line, Program, encode, parse_program, run, run_batch, run_one
from neural.asm import ADD, DEC, INC, JEZ, JMP, MAX, MIN, NOOP, READ, STOP, SUB, WRITE, ZERO
from tests.strategies import program_and_inputs, programs


@given(program_and_inputs())
@settings(max_examples=400, deadline=None)
def test_batched_equals_one_at_a_time(case):
    p, inputs, T = case
    res = run(p, np.array(inputs), T)
    for i, mem in enumerate(inputs):
        ref = run_one(p, mem, T)
        assert res.mem[i].tolist() == ref.mem.tolist()
        assert res.regs[i].tolist() == ref.regs.tolist()
        assert res.steps[i] == ref.steps and res.halted[i] == ref.halted


@given(programs(M=6, R=3), programs(M=6, R=3), programs(M=6, R=3))
@settings(max_examples=100, deadline=None)
def test_batch_over_programs_equals_each_program(p1, p2, p3):
    inputs = np.random.default_rng(0).integers(0, 6, size=(5, 6))
    res = run_batch(encode([p1, p2, p3]), inputs, 20)
    for n, p in enumerate([p1, p2, p3]):
        single = run(p, inputs, 20)
        assert np.array_equal(res.mem[n], single.mem) and np.array_equal(res.steps[n], single.steps)


def one(op, a=0, b=0, o=0, M=8, init=(3, 5, 0), mem=None):
    p = Program(M, len(init), init, (Line(op, a, b, o), Line(STOP)))
    return run_one(p, mem if mem is not None else list(range(M)), 10)


def test_each_op_on_hand_checked_values():
    assert one(ZERO, o=0).regs.tolist() == [0, 5, 0]
    assert one(INC, a=1, o=2).regs.tolist() == [3, 5, 6]
    assert one(ADD, 0, 1, 2).regs.tolist() == [3, 5, 0]  # 8 mod 8
    assert one(SUB, 0, 1, 2).regs.tolist() == [3, 5, 6]  # -2 mod 8
    assert one(DEC, a=2, o=2).regs.tolist() == [3, 5, 7]  # 0-1 mod 8
    assert one(MIN, 0, 1, 2).regs.tolist() == [3, 5, 3]
    assert one(MAX, 0, 1, 2).regs.tolist() == [3, 5, 5]
    assert one(READ, a=1, o=0, mem=[0, 0, 0, 0, 0, 9 % 8, 0, 0]).regs.tolist() == [1, 5, 0]
    r = one(WRITE, 0, 1, 2)
    assert r.mem.tolist()[3] == 5 and r.regs.tolist() == [3, 5, 0]  # WRITE writes no register
    for op in (NOOP, JMP, JEZ, STOP):
        assert one(op, 0, 1, 2).regs.tolist() == [3, 5, 0]


def test_reads_see_state_before_the_line():
    p = parse_program(".machine M=8 R=2\n.init r0=3 r1=4\nr0 = ADD r0, r0\nr1 = READ r1\nWRITE r1, r1\nSTOP\n")
    r = run_one(p, [0, 0, 0, 0, 7, 0, 0, 0], 10)
    assert r.regs.tolist() == [6, 7] and r.mem.tolist()[7] == 7


def test_lines_past_the_end_stop():
    p = parse_program(".machine M=8 R=1\nNOOP\nNOOP\n")
    r = run_one(p, [0] * 8, 20)
    assert bool(r.halted) and int(r.steps) == 3  # two NOOPs + the implicit STOP


def test_instruction_register_wraps_modulo_M():
    # 4 lines filling M=4: after line 3 execution continues at line 0, so it never halts.
    p = parse_program(".machine M=4 R=1\nr0 = INC r0\nNOOP\nNOOP\nNOOP\n")
    r = run_one(p, [0] * 4, 9)
    assert not r.halted and int(r.steps) == 9 and r.regs.tolist() == [3]


def test_jumps():
    src = ".machine M=8 R=3\n.init r1=@skip r2=0\nJEZ r2, r1\nr0 = INC r0\nskip: JEZ r0, r1\n"
    # JEZ taken when r2 == 0; then at 'skip' r0 == 0 again -> loops on line 2 until T
    r = run_one(parse_program(src), [0] * 8, 7)
    assert not r.halted and r.regs.tolist() == [0, 2, 0] and int(r.steps) == 7


def test_timeout_is_a_result_not_an_exception():
    p = parse_program(".machine M=8 R=1\nloop: JMP r0\n")
    r = run(p, np.zeros((3, 8), dtype=int), 50)
    assert not r.halted.any() and (r.steps == 50).all()


def test_zero_steps():
    p = parse_program(".machine M=8 R=1\nSTOP\n")
    r = run(p, np.zeros((1, 8), dtype=int), 0)
    assert not r.halted[0] and r.steps[0] == 0
