"""Click-to-call: an agent places a callback, or a call from a contact's panel, in one click.

The line does the dialling — the PBX through its click-to-dial URL (dial_cti.py) or Twilio's
Calls API (dial_twilio.py). Only once the provider took the call do we record it: the attempt
on the callback and the outbound call record (the same apply() the CTI events go through, so
the call log lands in the contact's story and the agent's screen-pop opens). How the call ends
comes back as events — CTI hangup or Twilio status callback — and settles the callback
(callbacks.after_call). It runs on the request, not in a task: the agent waits for their phone
to ring and must see a refusal at once; a retry minutes later would ring someone who moved on.
"""

import time
import uuid

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bereikbaar.channels.voice import callbacks, dial_cti, dial_twilio
from bereikbaar.channels.voice.calls import DIAL_PREFIX, apply
from bereikbaar.channels.voice.cti import CtiEvent
from bereikbaar.channels.voice.errors import DialError
from bereikbaar.channels.voice.models import Call, CallbackRequest, Line
from bereikbaar.contacts.normalise import InvalidIdentity, normalise_phone

__all__ = ["DialError", "dialling_line", "place_call"]

NO_LINE = gettext_lazy(
    "geen lijn kan uitbellen: geef de CTI-lijn een click-to-dial-URL of koppel Twilio"
)


def can_dial(line: Line) -> bool:
    return bool(line.dial_url if line.kind == Line.Kind.CTI else line.account_sid)


def dialling_line(preferred: Line | None = None) -> Line | None:
    """The preferred line (the one the customer called) if it can dial out, else the first
    line that can: a PBX with a click-to-dial URL, or Twilio."""
    if preferred is not None and can_dial(preferred):
        return preferred
    lines = Line.objects.exclude(kind=Line.Kind.CTI, dial_url="").exclude(
        kind=Line.Kind.TWILIO, account_sid=""
    )
    return lines.order_by("id").first()


def extension_of(line: Line, user) -> str:
    """The agent's extension on this line (Line.extensions maps extension → login)."""
    username = user.get_username()
    return next(
        (ext for ext, name in (line.extensions or {}).items() if name == username), username
    )


def place_call(
    user, number: str, *, callback: CallbackRequest | None = None, line: Line | None = None
) -> Call:
    """Dial `number` for `user`; the outbound call record. Raises DialError (its text is for the
    agent, its `status` the HTTP answer) when the number, the line or the provider says no."""
    try:
        number = normalise_phone(number)
    except InvalidIdentity:
        raise DialError(
            _("dit nummer kunnen we niet bellen: %(number)r") % {"number": number}, 422
        ) from None
    if line is None and callback is not None and callback.call_id:
        line = callback.call.line
    line = dialling_line(line)
    if line is None:
        raise DialError(NO_LINE, 409)
    if line.kind == Line.Kind.TWILIO:
        call_id = dial_twilio.dial(line, number, user, extension_of(line, user))
    else:
        call_id = dial_cti.dial(
            line, number, extension_of(line, user), f"{DIAL_PREFIX}{uuid.uuid4().hex}"
        )
    return _record(line, call_id, number, user, callback)


def _record(line: Line, call_id: str, number: str, user, callback) -> Call:
    event = CtiEvent(
        event="newCall",
        call_id=call_id,
        direction="out",
        caller=line.number,
        callee=number,
        ext=user.get_username(),  # the dialling agent: their panel shows the call
        cause="",
        at=time.time(),
    )
    with transaction.atomic():
        if callback is not None:
            callbacks.start_attempt(callback, user)
        call = apply(line, event)
        if callback is not None:
            Call.objects.filter(pk=call.pk).update(callback=callback)
            call.callback = callback
    return call
