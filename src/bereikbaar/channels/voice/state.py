"""A call's state from the facts seen so far: a pure function of the *set* of events.

Each event adds a fact (when, which extension, why it ended). Because the record is derived
from all facts rather than stepped through transitions, duplicates change nothing and order
changes nothing: a hangup before its answer, a second newCall, a late leg of a ring group.
"""

from dataclasses import dataclass

LIMIT = 200  # facts kept per kind; a flood of distinct events cannot grow a row without end

# Why a call or one leg of it ended (the CTI `cause`), in our words.
CAUSES = {"normal", "busy", "cancel", "noanswer", "failed", "callback", "voicemail", "rejected"}
LEG_CAUSES = {"cancel", "noanswer", "busy"}
ASKED = {"callback", "voicemail"}  # how a ring-group leg that did not pick up ends


@dataclass(frozen=True)
class Derived:
    state: str  # ringing | answered | ended
    outcome: str  # see Call.Outcome; "" while the call is going on
    cause: str
    started_at: float | None
    answered_at: float | None
    ended_at: float | None
    answered_ext: str
    answerers: list[str]  # in time order: more than one is a transfer
    rung: list[str]


def empty() -> dict:
    return {"new": [], "answer": [], "hangup": []}


def add(facts: dict, kind: str, fact: list) -> bool:
    """Add one fact (a list, JSON-friendly); False when it was already known."""
    items = facts.setdefault(kind, [])
    if fact in items:
        return False
    if len(items) >= LIMIT:
        return False
    items.append(fact)
    return True


def derive(facts: dict, direction: str = "in", rejected: bool = False) -> Derived:
    new = sorted(facts.get("new", []))  # [t, ext]
    answers = sorted(facts.get("answer", []))  # [t, ext]
    hangups = sorted(facts.get("hangup", []))  # [t, ext, cause]
    answerers = _unique(ext for _, ext in answers)
    rung = _unique(ext for _, ext in new if ext)
    times = [f[0] for f in new + answers + hangups]
    started = min(f[0] for f in new) if new else (min(times) if times else None)
    answered = answers[0][0] if answers else None
    answered_ext = answers[-1][1] if answers else ""

    def is_leg(hangup: list) -> bool:  # a ring-group extension that did not pick up
        _, ext, cause = hangup
        return bool(answers and ext and ext not in answerers and cause in LEG_CAUSES)

    final = [h for h in hangups if not is_leg(h)]
    ended = final[-1][0] if final else None
    cause = final[-1][2] if final else ""
    chosen = [h[2] for h in final if h[2] in ASKED]
    if chosen:  # the caller asked for a callback or left a voicemail, then the line closed
        cause = chosen[-1]
    if rejected:
        return Derived(
            "ended", "rejected", "rejected", started, None, ended or started, "", [], rung
        )
    if ended is None:
        state = "answered" if answers else "ringing"
        return Derived(state, "", "", started, answered, None, answered_ext, answerers, rung)
    if answered is not None and answered > ended:
        ended = answered  # clocks disagree: the call cannot end before it was answered
    return Derived(
        "ended",
        outcome(direction, answered is not None, cause),
        cause,
        started,
        answered,
        ended,
        answered_ext,
        answerers,
        rung,
    )


def outcome(direction: str, answered: bool, cause: str) -> str:
    if cause in ("callback", "voicemail"):
        return cause
    if answered:
        return "answered"
    if cause == "failed":
        return "failed"
    if direction == "out":
        return "not_reached"
    if cause in ("busy", "noanswer"):
        return "missed"
    return "abandoned"  # the caller hung up while it rang (normal, cancel or no cause)


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))
