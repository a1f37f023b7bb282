"""The simulator's phone customer: a call as a PBX reports it, POSTed to /channels/cti.

newCall is posted while the page waits (so the agents' screen-pop opens at once, and a refusal
shows on the page); what follows comes after the pause the person chose, from a timer thread,
or at once from the page's buttons ("ophangen", "laat opnemen door …"). A call goes
ringing → answered → ended; a step that no longer fits (the timer fires after a button already
ended the call) is skipped, so each event is posted once. The bodies come from
channels/voice/simulate.py, stamped with the moment they are really sent.

The plan lives in this process's memory (the demo runs one process); after a restart the
buttons still work from the call record.
"""

import json
import logging
import threading
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.channels.voice.simulate import PATH, call_events, headers
from bereikbaar.demo.self_http import Target, Unreachable, post
from bereikbaar.demo.simulator_send import SendError

log = logging.getLogger(__name__)

RINGING, ANSWERED, ENDED = "ringing", "answered", "ended"


@dataclass
class SimCall:
    call_id: str
    caller: str
    token: str
    target: Target
    secret: str = ""  # the line's CTI signing secret: then every event is signed
    phase: str = RINGING
    agent: str = ""
    plan: str = ""  # what the timer will do, for the page
    due: float = 0.0  # when (epoch seconds)
    error: str = ""
    timer: threading.Timer | None = field(default=None, repr=False)


_calls: dict[str, SimCall] = {}
_lock = threading.Lock()
_MAX = 200


def start(
    target: Target, line: Line, caller: str, ring_seconds: int, then: str, talk_seconds: int
) -> SimCall:
    """Post newCall now; plan `then` ("wait", "hangup" or "answer:<login>") after ring_seconds,
    and an answered call's hangup talk_seconds later."""
    first = call_events(caller)[0]
    sim = SimCall(
        call_id=first["callId"],
        caller=caller,
        token=line.token,
        target=target,
        secret=line.signing_secret,
    )
    _send(sim, first)
    with _lock:
        _calls[sim.call_id] = sim
        while len(_calls) > _MAX:
            _calls.pop(next(iter(_calls)))
    if then == "hangup":
        _plan(sim, ring_seconds, "hangup", "")
    elif then.startswith("answer:"):
        _plan(sim, ring_seconds, "answer", then.removeprefix("answer:"), talk_seconds)
    return sim


def answer(sim: SimCall, agent: str, talk_seconds: int = 0) -> bool:
    """The agent picks up (now); False when the call is no longer ringing."""
    with _lock:
        if sim.phase != RINGING:
            return False
        _cancel(sim)
        sim.phase, sim.agent = ANSWERED, agent
    _post_event(sim, "answer")
    if talk_seconds:
        _plan(sim, talk_seconds, "hangup", agent)
    return True


def hang_up(sim: SimCall) -> bool:
    """The customer hangs up (now): a missed call while it rings, the end of the talk after."""
    with _lock:
        if sim.phase == ENDED:
            return False
        _cancel(sim)
        was = sim.phase
        sim.phase = ENDED
    _post_event(sim, "hangup" if was == ANSWERED else "cancel")
    return True


def find(call_id: str, line: Line, target: Target) -> SimCall | None:
    """The call this process planned, or one rebuilt from its record (after a restart)."""
    with _lock:
        if call_id in _calls:
            return _calls[call_id]
    record = Call.objects.filter(line=line, call_id=call_id).first()
    if record is None:
        return None
    sim = SimCall(
        call_id=call_id,
        caller=record.caller,
        token=line.token,
        target=target,
        secret=line.signing_secret,
        phase={"ringing": RINGING, "answered": ANSWERED}.get(record.state, ENDED),
        agent=record.answered_ext,
    )
    with _lock:
        return _calls.setdefault(call_id, sim)


def _plan(sim: SimCall, seconds: int, step: str, agent: str, talk_seconds: int = 0) -> None:
    if step == "answer":
        text = _("over %(s)s s: opnemen door %(agent)s") % {"s": seconds, "agent": agent}
    else:
        text = _("over %(s)s s: ophangen") % {"s": seconds}
    timer = threading.Timer(seconds, _run_step, args=(sim, step, agent, talk_seconds))
    timer.daemon = True
    with _lock:
        _cancel(sim)
        sim.timer, sim.plan, sim.due = timer, text, time.time() + seconds
    timer.start()


def _run_step(sim: SimCall, step: str, agent: str, talk_seconds: int) -> None:
    with _lock:
        if sim.timer is not threading.current_thread():
            return  # a button was quicker
        sim.timer, sim.plan = None, ""
    try:
        if step == "answer":
            answer(sim, agent, talk_seconds)
        else:
            hang_up(sim)
    except SendError as exc:
        log.warning("simulator call %s: %s", sim.call_id, exc)


def _cancel(sim: SimCall) -> None:
    """With _lock held."""
    if sim.timer is not None and sim.timer is not threading.current_thread():
        sim.timer.cancel()
    sim.timer, sim.plan = None, ""


def _post_event(sim: SimCall, kind: str) -> None:
    """answer, hangup (after talking) or cancel (hung up while ringing), stamped now."""
    events = call_events(sim.caller, answered_by=sim.agent if kind != "cancel" else "")
    body = events[1] if kind == "answer" else events[-1]
    _send(sim, body)


def _send(sim: SimCall, body: dict) -> None:
    body = {**body, "callId": sim.call_id, "timestamp": time.time()}
    try:
        payload = json.dumps(body).encode()
        sent = headers(sim.token, payload, sim.secret)
        status, answer_body = post(sim.target, PATH, payload, sent)
    except Unreachable as exc:
        sim.error = str(exc)
        raise SendError(str(exc)) from None
    if not 200 <= status < 300:
        said = " ".join(answer_body.decode("utf-8", "replace").split())[:200]
        sim.error = _("%(path)s weigerde %(event)s (%(status)s): %(said)s") % {
            "path": PATH,
            "event": body["event"],
            "status": status,
            "said": said,
        }
        raise SendError(sim.error)
    sim.error = ""
