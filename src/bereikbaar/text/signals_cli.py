"""`bereikbaar signals`: JSON Lines ``{"id", "text"}`` in, one signals object per line out.

Output per line::

    {"id", "language", "emotion", "scores": {"nervous", "angry", "impatient", "grateful"},
     "urgent", "urgency", "reasons": [...]}

A line that is not a JSON object with a ``text`` string gets ``{"id": ..., "error": "..."}``
and processing continues. Blank input lines are skipped. The exit status is 0 once the input is
read to its end, also when some lines had errors (they are in the output); 2 when reading or
writing failed (a broken pipe, undecodable input).
"""

from __future__ import annotations

import json
from typing import IO, Any

from bereikbaar.text.signals import Behaviour, analyse

__all__ = ["run"]

_MAX_LINE = 2_000_000  # characters; a longer line is reported as an error, not parsed


def _behaviour(obj: dict[str, Any]) -> Behaviour | None:
    b = obj.get("behaviour")
    if not isinstance(b, dict):
        return None
    return Behaviour(
        repeat_contacts_48h=b.get("repeat_contacts_48h", 0),
        second_channel_while_open=bool(b.get("second_channel_while_open", False)),
        minutes_waited=b.get("minutes_waited", 0.0),
        broken_promise=bool(b.get("broken_promise", False)),
    )


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
    text = obj.get("text")
    if not isinstance(text, str):
        return {"id": ident, "error": f"line {n}: 'text' must be a string"}
    return {"id": ident, **analyse(text, _behaviour(obj)).as_dict()}


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
