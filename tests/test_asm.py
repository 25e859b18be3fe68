import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neural import AsmError, Line, Program, format_program, parse_program
from neural.asm import ADD, JEZ, JMP, STOP, WRITE
from tests.strategies import programs

MAP_INC = """; map_inc
.machine M=8 R=5
.init r0=0 r2=@end r3=0 r4=@loop
loop:  r1 = READ r0
       JEZ r1, r2          ; end of list
       r1 = INC r1
       WRITE r0, r1
       r0 = INC r0
       JMP r4
end:   STOP
"""


def test_parse_example_from_spec():
    p = parse_program(MAP_INC)
    assert (p.M, p.R) == (8, 5)
    assert p.init == (0, 0, 6, 0, 0)
    assert p.lines[1] == Line(JEZ, 1, 2, 0)
    assert p.lines[5] == Line(JMP, 0, 4, 0)
    assert p.lines[6] == Line(STOP)


@given(programs())
@settings(max_examples=300)
def test_format_parse_round_trip(p):
    text = format_program(p)
    assert parse_program(text) == p
    assert format_program(parse_program(text)) == text


def test_unused_fields_are_canonical():
    assert Program(4, 2, (0, 0), (Line(STOP, 1, 1, 1),)) == Program(4, 2, (0, 0), (Line(STOP),))
    assert Program(4, 2, (0, 0), (Line(WRITE, 1, 0, 1),)).lines[0] == Line(WRITE, 1, 0, 0)


def test_label_at_end_of_program():
    p = parse_program(".machine M=4 R=1\n.init r0=@end\nNOOP\nend:\n")
    assert p.init == (1,) and len(p) == 1


@pytest.mark.parametrize(
    "text, line, col, words",
    [
        (".machine M=8 R=2\nr0 = FOO r1\n", 2, 6, "unknown op"),
        (".machine M=8 R=2\nr0 = ADD r1\n", 2, 10, "ADD takes rA, rB"),
        (".machine M=8 R=2\nr0 = INC r5\n", 2, 10, "out of range"),
        (".machine M=8 R=2\nWRITE r0 r1\n", 2, 7, "WRITE takes"),
        (".machine M=8 R=2\nr1 = WRITE r0, r1\n", 2, 6, "writes no register"),
        (".machine M=8 R=2\nINC r0\n", 2, 1, "needs an output"),
        (".machine M=8 R=2\n.init r0=@nowhere\nSTOP\n", 2, 7, "undefined label"),
        (".machine M=8 R=2\n.init r0=9\n", 2, 7, "out of range"),
        (".machine M=8 R=2\n.init r0=1 r0=2\n", 2, 12, "twice"),
        (".machine M=8 X=2\n", 1, 14, "bad .machine"),
        (".machine M=2 R=1\nNOOP\nNOOP\nNOOP\n", 4, 1, "at most 2"),
        (".machine M=8 R=2\na: NOOP\na: NOOP\n", 3, 1, "defined twice"),
        (".machine M=8 R=2\nr0 = INC r1 $\n", 2, 13, "unexpected character"),
        (".bogus\n", 1, 1, "unknown directive"),
    ],
)
def test_errors_name_line_and_column(text, line, col, words):
    with pytest.raises(AsmError) as e:
        parse_program(text, source="f.asm")
    assert (e.value.line, e.value.col) == (line, col), str(e.value)
    assert words in str(e.value)
    assert str(e.value).startswith(f"f.asm:{line}:{col}: ")


def test_missing_machine_directive():
    with pytest.raises(AsmError, match=r"missing '\.machine"):
        parse_program("STOP\n")


@given(st.text(alphabet=".=,:;@ \nrRMIT0123456789abcdefADINCSTOPWRE", max_size=80))
@settings(max_examples=400)
def test_garbage_gives_asm_error_or_a_program(text):
    try:
        parse_program(".machine M=8 R=3\n" + text)
    except AsmError as e:
        assert e.msg  # a message, never another exception type


def test_program_validation():
    with pytest.raises(AsmError, match="register index"):
        Program(4, 2, (0, 0), (Line(ADD, 0, 2, 0),))
    with pytest.raises(AsmError, match="init values"):
        Program(4, 1, (4,), ())
    with pytest.raises(AsmError, match="exceed M"):
        Program(2, 1, (0,), (Line(STOP),) * 3)
