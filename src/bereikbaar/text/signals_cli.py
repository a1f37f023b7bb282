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

from typing import IO, Any

from bereikbaar.text.jsonl import BadLine, stream
from bereikbaar.text.signals import Behaviour, analyse

__all__ = ["run"]


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


def _answer(obj: dict) -> dict[str, Any]:
    text = obj.get("text")
    if not isinstance(text, str):
        raise BadLine("'text' must be a string")
    return analyse(text, _behaviour(obj)).as_dict()


def run(stdin: IO[str], stdout: IO[str]) -> int:
    """Read JSON Lines from ``stdin``, write one result line each to ``stdout``."""
    return stream(stdin, stdout, _answer)
