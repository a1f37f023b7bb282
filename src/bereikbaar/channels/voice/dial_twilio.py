"""Click-to-call through Twilio's Calls API (POST /2010-04-01/Accounts/{Sid}/Calls.json) with
the official twilio Client pointed at the line's API base URL.

Twilio rings the customer (To) from the line's number (From); when they answer, the TwiML
says who is calling and dials the agent — a number when their extension is one, otherwise
their Twilio Client identity. Status callbacks (ringing, answered, completed, busy, no-answer)
go to the voice line's status step, signed, with the agent in the query, so the record knows
who talked and the callback settles.
"""

import logging
from urllib.parse import urlencode

import requests
from django.utils.translation import gettext as _
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.twiml.voice_response import Dial, VoiceResponse

from bereikbaar.channels.voice.errors import DialError
from bereikbaar.channels.voice.models import Line
from bereikbaar.contacts.normalise import InvalidIdentity, normalise_phone

TIMEOUT = 10
STATUS_PATH = "/channels/twilio/voice"
EVENTS = ["initiated", "ringing", "answered", "completed"]
VOICE = {"language": "nl-NL", "voice": "Polly.Lotte"}
_quiet = logging.getLogger("bereikbaar.channels.voice.twilio_http")
_quiet.setLevel(logging.WARNING)


def client_for(line: Line) -> Client:
    http = TwilioHttpClient(timeout=TIMEOUT, logger=_quiet)  # its own logger says every header
    client = Client(line.account_sid, line.auth_token, http_client=http)
    client.api.base_url = line.api_base.rstrip("/")
    return client


def bridge(line: Line, extension: str) -> str:
    """The TwiML the customer gets on answering: a word of who calls, then the agent."""
    response = VoiceResponse()
    response.say(f"Goedendag, u wordt teruggebeld door {line.name}. Een moment.", **VOICE)
    dial = Dial(caller_id=line.number, timeout=30)
    try:
        dial.number(normalise_phone(extension))
    except InvalidIdentity:
        dial.client(extension)
    response.append(dial)
    return str(response)


def dial(line: Line, number: str, user, extension: str) -> str:
    """Place the call; Twilio's call SID (the call id its status callbacks carry)."""
    if not line.public_url:
        raise DialError(
            _("Twilio kan ons niet bereiken: geef de lijn een publieke URL (--public-url)"), 409
        )
    query = urlencode({"step": "status", "agent": user.get_username()})
    try:
        call = client_for(line).calls.create(
            to=number,
            from_=line.number,
            twiml=bridge(line, extension),
            status_callback=f"{line.public_url.rstrip('/')}{STATUS_PATH}?{query}",
            status_callback_event=EVENTS,
            status_callback_method="POST",
        )
    except TwilioRestException as exc:
        busy = exc.status == 429 or exc.code == 20429
        text = str(exc.msg).removeprefix("Unable to create record: ")
        status = 429 if busy else (503 if exc.status >= 500 else 502)
        raise DialError(
            _("Twilio weigerde (%(code)s): %(text)s")
            % {"code": exc.code or exc.status, "text": text},
            status,
        ) from None
    except (TwilioException, requests.RequestException) as exc:
        raise DialError(_("Twilio is niet bereikbaar: %(error)s") % {"error": exc}, 503) from None
    if not call.sid:
        raise DialError(_("Twilio nam het gesprek aan maar gaf geen SID"), 502)
    return call.sid
