"""The JSON Lines loop the evaluation commands share: one answer per input line, and a bad line
gets {"id", "error"} while the stream goes on."""

import json
from collections.abc import Callable
from typing import IO, Any

MAX_LINE = 2_000_000  # characters; a longer line is reported as an error, not parsed


class BadLine(ValueError):
    """The line is JSON but not what the command needs; the message says what is wrong."""


def _answer_line(raw: str, n: int, answer: Callable[[dict], dict]) -> dict[str, Any]:
    if len(raw) > MAX_LINE:
        return {"id": None, "error": f"line {n}: longer than {MAX_LINE} characters"}
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        return {"id": None, "error": f"line {n}: not JSON ({exc.msg})"}
    if not isinstance(obj, dict):
        return {"id": None, "error": f"line {n}: expected a JSON object"}
    try:
        return {"id": obj.get("id"), **answer(obj)}
    except BadLine as exc:
        return {"id": obj.get("id"), "error": f"line {n}: {exc}"}


def stream(stdin: IO[str], stdout: IO[str], answer: Callable[[dict], dict]) -> int:
    """Exit code 0, or 2 when reading or writing fails."""
    try:
        for n, raw in enumerate(stdin, 1):
            if not raw.strip():
                continue
            try:
                out = _answer_line(raw, n, answer)
            except Exception as exc:  # noqa: BLE001 - one bad line never stops the stream
                out = {"id": None, "error": f"line {n}: {type(exc).__name__}"}
            stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    except (OSError, UnicodeError, ValueError):
        return 2
    return 0
