"""The SMS sender: the official twilio Client, pointed at the configured API base URL, with a
status callback so delivery statuses come back. A number that opted out gets nothing.

Every try of one message carries the same I-Twilio-Idempotency-Token (the message's send
claim token), so a retry after an answer that got lost (a timeout after Twilio accepted) is
answered by Twilio with the first message instead of a second SMS. The header is what Twilio
puts on its own webhooks and what its REST API is reported to honour; we found no official
page for the REST side, so the send claim (delivery.claims) is what guards against two runs.
"""

import logging

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bereikbaar.channels.sms import consent
from bereikbaar.channels.sms.models import Account
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.delivery.claims import token_for
from bereikbaar.delivery.senders import SendError

STATUS_PATH = "/channels/twilio/sms/status"
MAX_TEXT = 1600  # Twilio's limit for one message body
TIMEOUT = 15
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
_quiet = logging.getLogger("bereikbaar.channels.sms.twilio_http")
_quiet.setLevel(logging.WARNING)


class _OnceHttpClient(TwilioHttpClient):
    """Adds the message's idempotency token to every request it makes."""

    def __init__(self, token: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.token = token

    def request(self, method, url, headers=None, **kwargs):
        headers = {**(headers or {}), IDEMPOTENCY_HEADER: self.token}
        return super().request(method, url, headers=headers, **kwargs)


def client_for(account: Account, idempotency_token: str = "") -> Client:
    """A client for the account; with a token, every request it makes carries it."""
    options = {"timeout": TIMEOUT, "logger": _quiet}  # its own logger says every header
    if idempotency_token:
        http = _OnceHttpClient(idempotency_token, **options)
    else:
        http = TwilioHttpClient(**options)
    client = Client(account.account_sid, account.auth_token, http_client=http)
    client.api.base_url = account.api_base.rstrip("/")
    return client


def phone_of(conversation: Conversation) -> str:
    """The number to text: a phone identity, else the WhatsApp number."""
    rows = list(
        conversation.contact.identities.filter(kind__in=["phone", "whatsapp"]).values_list(
            "kind", "value"
        )
    )
    phones = [v for k, v in rows if k == "phone"] or [v for k, v in rows if k == "whatsapp"]
    return phones[0] if phones else ""


def precheck(conversation: Conversation, to: str) -> str:
    """Why an SMS to this number may not go out, or "" (for the reply box, before sending).

    A contact that opted out of SMS gets nothing; a text we start (the customer never texted
    us) needs a recorded SMS opt-in (both asked of the central register).
    """
    if consent.opted_out(conversation.contact):
        return f"{to} heeft zich afgemeld voor sms (STOP)"
    texted_us = Message.objects.filter(
        conversation__contact=conversation.contact,
        channel="sms",
        direction=Message.Direction.INBOUND,
    ).exists()
    if not texted_us and not consent.opted_in(conversation.contact):
        return f"geen vastgelegde toestemming (opt-in) voor sms naar {to}"
    return ""


def reply_precheck(conversation: Conversation) -> str:
    """precheck() for the reply box, which knows the conversation but not the number."""
    to = phone_of(conversation)
    return precheck(conversation, to) if to else "de klant heeft geen telefoonnummer"


def send(message: Message) -> str:
    to = phone_of(message.conversation)
    if not to:
        raise SendError("de klant heeft geen telefoonnummer", permanent=True)
    if refusal := precheck(message.conversation, to):
        raise SendError(refusal, permanent=True)
    if len(message.text) > MAX_TEXT:
        raise SendError(f"an SMS takes at most {MAX_TEXT} characters", permanent=True)
    account = Account.objects.order_by("id").first()
    if account is None:
        raise SendError(
            "no Twilio number is set up: run 'bereikbaar channel add twilio …'", permanent=True
        )
    options = {"to": to, "from_": account.number, "body": message.text}
    if account.public_url:
        options["status_callback"] = account.public_url.rstrip("/") + STATUS_PATH
    try:
        sent = client_for(account, token_for(message)).messages.create(**options)
    except TwilioRestException as exc:
        transient = exc.status >= 500 or exc.status == 429 or exc.code == 20429
        text = exc.msg.removeprefix("Unable to create record: ")
        raise SendError(f"{exc.code or exc.status} {text}", permanent=not transient) from None
    except (TwilioException, requests.RequestException) as exc:
        raise SendError(f"Twilio is unreachable: {exc}") from None
    if not sent.sid:
        raise SendError("Twilio accepted the message but gave no SID", permanent=True)
    return sent.sid
