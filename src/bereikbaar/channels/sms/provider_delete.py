"""Erasure reaches Twilio: every SMS/MMS of an erased person is deleted there too.

Twilio keeps each message (body, both numbers, MMS media) until it is deleted; deleting the
Message resource also deletes its media (Twilio: "Deleting messages, message media or message
bodies", support article 223133687). `DELETE /2010-04-01/Accounts/{Sid}/Messages/{Sid}.json`
answers 204; 404 means it is gone already; error 20009 means Twilio is still processing the
message (queued, sending): try again in a few minutes (twilio.com/docs/api/errors/20009).

A message row does not say which Twilio account it went through, so each configured account
is asked in turn: the first that does not answer 404 decides.
"""

from __future__ import annotations

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException

from bereikbaar.channels.sms.models import Account
from bereikbaar.channels.sms.sender import client_for
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.provider_erasure import Deleted, DeleteFailed, Deleter
from bereikbaar.conversations.models import Message

KIND = "twilio_message"
NOT_FINISHED = 20009  # "Cannot delete this resource before it is complete"


def find(contact: Contact) -> list[tuple[str, str]]:
    sids = Message.objects.filter(
        conversation__contact=contact, channel="sms", provider_id__isnull=False
    ).values_list("provider_id", flat=True)
    return [("", sid) for sid in sids.order_by("pk")]


def delete(account_sid: str, message_sid: str) -> Deleted:
    accounts = list(Account.objects.order_by("id"))
    if account_sid:
        accounts.sort(key=lambda a: a.account_sid != account_sid)
    seen: set[str] = set()
    for account in accounts:
        if account.account_sid in seen:
            continue
        seen.add(account.account_sid)
        if _delete_in(account, message_sid):
            return Deleted(f"204 ({account.account_sid})")
    if not seen:
        raise DeleteFailed("no Twilio account is set up to delete with", permanent=True)
    return Deleted(f"404 ({', '.join(sorted(seen))})", gone=True)


def _delete_in(account: Account, message_sid: str) -> bool:
    """True when deleted, False when this account does not have it (404)."""
    try:
        client_for(account).api.v2010.accounts(account.account_sid).messages(message_sid).delete()
    except TwilioRestException as exc:
        raise_for(exc)
        return False
    except (TwilioException, requests.RequestException) as exc:
        raise DeleteFailed(f"Twilio is unreachable: {exc}") from None
    return True


def raise_for(exc: TwilioRestException) -> None:
    """Return on a 404 (gone); else raise DeleteFailed, transient or not as Twilio's answer says."""
    if exc.status == 404:
        return
    transient = exc.status >= 500 or exc.status == 429 or exc.code in (NOT_FINISHED, 20429)
    answer = f"{exc.status} {exc.code or ''} {exc.msg}".strip()[:500]
    raise DeleteFailed(answer, permanent=not transient)


DELETER = Deleter(find=find, delete=delete)
