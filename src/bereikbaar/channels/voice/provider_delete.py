"""Erasure reaches Twilio: the recordings of an erased person's calls are deleted there too.

A Twilio voice line records voicemail (and any call recorded on Twilio's side); the audio
stays at Twilio until deleted. We keep no recording ids, only each call's CallSid, so the
deleter lists the call's recordings (`GET …/Calls/{CallSid}/Recordings.json`) and deletes
each (`DELETE /2010-04-01/Accounts/{Sid}/Recordings/{Sid}.json`, 204; a 404 is gone
already). The evidence row is the call; its answer names the recording SIDs deleted. A call on
a PBX (CTI line) has no Twilio copy: its recordings are the PBX operator's to delete.
"""

from __future__ import annotations

import requests
from django.db.models import Q
from twilio.base.exceptions import TwilioException, TwilioRestException

from bereikbaar.channels.voice.dial_twilio import client_for
from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.provider_erasure import Deleted, DeleteFailed, Deleter

KIND = "twilio_call_recordings"
NOT_FINISHED = 20009  # "Cannot delete this resource before it is complete": a call in progress


def find(contact: Contact) -> list[tuple[str, str]]:
    calls = Call.objects.filter(
        Q(contact=contact) | Q(message__conversation__contact=contact),
        line__kind=Line.Kind.TWILIO,
    ).exclude(line__account_sid="")
    return list(calls.order_by("pk").values_list("line__account_sid", "call_id").distinct())


def delete(account_sid: str, call_sid: str) -> Deleted:
    line = (
        Line.objects.filter(kind=Line.Kind.TWILIO, account_sid=account_sid)
        .exclude(auth_token="")
        .order_by("pk")
        .first()
    )
    if line is None:
        raise DeleteFailed(f"no Twilio voice line for account {account_sid}", permanent=True)
    account = client_for(line).api.v2010.accounts(account_sid)
    try:
        sids = [r.sid for r in account.calls(call_sid).recordings.list()]
    except TwilioRestException as exc:
        raise_for(exc)
        return Deleted(f"404 call {call_sid}", gone=True)
    except (TwilioException, requests.RequestException) as exc:
        raise DeleteFailed(f"Twilio is unreachable: {exc}") from None
    deleted, gone = [], []
    for sid in sids:
        try:
            account.recordings(sid).delete()
            deleted.append(sid)
        except TwilioRestException as exc:
            raise_for(exc)
            gone.append(sid)
        except (TwilioException, requests.RequestException) as exc:
            raise DeleteFailed(f"Twilio is unreachable: {exc}") from None
    if not sids:
        return Deleted("no recordings")
    answer = f"204 {', '.join(deleted)}" if deleted else ""
    if gone:
        answer = f"{answer}; 404 {', '.join(gone)}".strip("; ")
    return Deleted(answer, gone=not deleted)


def raise_for(exc: TwilioRestException) -> None:
    """Return on a 404 (gone); else raise DeleteFailed, transient or not as Twilio's answer says.
    (The SMS channel has the same rule; channels do not import each other.)"""
    if exc.status == 404:
        return
    transient = exc.status >= 500 or exc.status == 429 or exc.code in (NOT_FINISHED, 20429)
    answer = f"{exc.status} {exc.code or ''} {exc.msg}".strip()[:500]
    raise DeleteFailed(answer, permanent=not transient)


DELETER = Deleter(find=find, delete=delete)
