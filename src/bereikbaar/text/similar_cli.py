"""`bereikbaar similar`: JSON Lines ``{"id", "a", "b"}`` in, one decision per line out.

Output per line: ``{"id", "same": true|false, "score": 0..1, "reasons": [...]}``.

A line that is not a JSON object with string ``a`` and ``b`` gets ``{"id": ..., "error": "..."}``
and processing continues. Blank input lines are skipped. The exit status is 0 once the input is
read to its end, also when some lines had errors (they are in the output); 2 when reading or
writing failed (a broken pipe, undecodable input).
"""

from __future__ import annotations

from typing import IO, Any

from bereikbaar.text.jsonl import BadLine, stream
from bereikbaar.text.similarity import compare

__all__ = ["run"]


def _answer(obj: dict) -> dict[str, Any]:
    a, b = obj.get("a"), obj.get("b")
    if not isinstance(a, str) or not isinstance(b, str):
        raise BadLine("'a' and 'b' must be strings")
    return compare(a, b).as_dict()


def run(stdin: IO[str], stdout: IO[str]) -> int:
    """Read JSON Lines from ``stdin``, write one result line each to ``stdout``."""
    return stream(stdin, stdout, _answer)
