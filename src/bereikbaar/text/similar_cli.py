"""`bereikbaar similar`: JSON Lines ``{"id", "a", "b"}`` in, one decision per line out.

Output per line: ``{"id", "same": true|false, "score": 0..1, "reasons": [...]}``.

A line that is not a JSON object with string ``a`` and ``b`` gets ``{"id": ..., "error": "..."}``
and processing continues. Blank input lines are skipped. The exit status is 0 once the input is
read to its end, also when some lines had errors (they are in the output); 2 when reading or
writing failed (a broken pipe, undecodable input).
"""

from __future__ import annotations

import json
from typing import IO, Any

from bereikbaar.text.similarity import compare

__all__ = ["run"]

_MAX_LINE = 2_000_000  # characters; a longer line is reported as an error, not parsed


def _line(raw: str, n: int) -> dict[str, Any]:
    if len(raw) > _MAX_LINE:
        return {"id": None, "error": f"line {n}: longer than {_MAX_LINE} characters"}
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        return {"id": None, "error": f"line {n}: not JSON ({exc.msg})"}
    if not isinstance(obj, dict):
        return {"id": None, "error": f"line {n}: expected a JSON object"}
    ident = obj.get("id")
    a, b = obj.get("a"), obj.get("b")
    if not isinstance(a, str) or not isinstance(b, str):
        return {"id": ident, "error": f"line {n}: 'a' and 'b' must be strings"}
    return {"id": ident, **compare(a, b).as_dict()}


def run(stdin: IO[str], stdout: IO[str]) -> int:
    """Read JSON Lines from ``stdin``, write one result line each to ``stdout``."""
    try:
        for n, raw in enumerate(stdin, 1):
            if not raw.strip():
                continue
            try:
                out = _line(raw, n)
            except Exception as exc:  # noqa: BLE001 - one bad line never stops the stream
                out = {"id": None, "error": f"line {n}: {type(exc).__name__}"}
            stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    except (OSError, UnicodeError, ValueError):
        return 2
    return 0
