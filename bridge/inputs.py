"""Untrusted text becoming data: the one place files users hand us are read.

Program files, suite files and JSON-lines result files all come through here: read with a
byte limit (a larger file is an error, never read whole), decoded as UTF-8 (anything else
is an error naming the file and the byte), and — for JSON — parsed with every number's
length bounded, duplicate keys and ``NaN`` rejected, and nesting limited. Errors are
:class:`InputError` with a one-line message that starts with the file's name; the command
line prints them as they are.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MAX_PROGRAM_BYTES = 1 << 20
MAX_SUITE_BYTES = 32 << 20
MAX_RESULTS_BYTES = 256 << 20
MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 30
"""Longer numbers are rejected before Python converts them (past 4,300 digits it refuses)."""


class InputError(ValueError):
    """Bad input from a file or an option: a one-line message naming where and what."""


def clip(text: str, n: int = 60) -> str:
    """``text`` on one line, cut to ``n`` characters: safe to quote in an error message."""
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= n else text[:n] + "..."


def quote(text: str, n: int = 60) -> str:
    """``repr`` of ``text`` cut to ``n`` characters: a name quoted in an error message."""
    return repr(text if len(text) <= n else text[:n] + "...")


def show(value: Any, n: int = 60) -> str:
    """A JSON value quoted in an error message: compact, one line, at most ``n`` characters."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return clip(text, n)


def read_bytes(path: str | Path, what: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file (or a pipe); larger is an error."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a {what} file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read {what} file: {e.strerror}") from None
    if len(data) > limit:
        raise InputError(f"{path}: {what} file is larger than {limit:,} bytes")
    return data


def decode(data: bytes, source: str, what: str) -> str:
    """UTF-8 text (a leading byte-order mark is dropped); anything else names the byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{source}: {what} file is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None


def read_text(path: str | Path, what: str, limit: int) -> str:
    """A text file users hand us: bounded, decoded, errors naming the file."""
    return decode(read_bytes(path, what, limit), str(path), what)


def _number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise InputError(f"number {clip(text, 20)} has {len(text)} digits (at most {MAX_NUMBER_DIGITS})")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 4 * MAX_NUMBER_DIGITS:
        raise InputError(f"number {clip(text, 20)} has {len(text)} characters")
    return float(text)


def _constant(text: str) -> Any:
    raise InputError(f"{text} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict:
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise InputError(f"duplicate key {quote(k)}")
        obj[k] = v
    return obj


def depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(v, dict):
            stack.extend((c, d + 1) for c in v.values())
        elif isinstance(v, list):
            stack.extend((c, d + 1) for c in v)
    return deepest


def parse_json(text: str, source: str) -> Any:
    """One JSON document; errors name ``source`` and, for syntax, the line and column."""
    try:
        value = json.loads(
            text, object_pairs_hook=_object, parse_int=_number, parse_float=_float, parse_constant=_constant
        )
    except json.JSONDecodeError as e:
        raise InputError(f"{source}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    except InputError as e:
        raise InputError(f"{source}: {e}") from None
    except RecursionError:
        raise InputError(f"{source}: JSON nested too deeply (at most {MAX_JSON_DEPTH} levels)") from None
    if depth(value) > MAX_JSON_DEPTH:
        raise InputError(f"{source}: JSON nested too deeply (at most {MAX_JSON_DEPTH} levels)")
    return value


def read_json(path: str | Path, what: str, limit: int) -> Any:
    """A JSON file users hand us."""
    return parse_json(read_text(path, what, limit), str(path))


def read_jsonl(path: str | Path, what: str = "results", limit: int = MAX_RESULTS_BYTES) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` per line of a JSON-lines file; ``value`` is None for a line
    that is not valid JSON (cut by a kill, or not ours) — the caller decides what to do."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return
    except OSError as e:
        raise InputError(f"{path}: cannot read {what} file: {e.strerror}") from None
    if size > limit:
        raise InputError(f"{path}: {what} file is larger than {limit:,} bytes")
    data = read_bytes(path, what, limit)
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            yield lineno, parse_json(raw.decode("utf-8"), f"{path}:{lineno}")
        except (UnicodeDecodeError, InputError):
            yield lineno, None
