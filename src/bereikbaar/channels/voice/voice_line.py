"""POST /channels/twilio/voice: a human-first voice line on Twilio.

No menu maze: a short Dutch greeting and straight into the queue for a person. While waiting
the caller hears the honest expected wait (Erlang C over live figures, see erlang.py) and may
press 1 to be called back instead. Outside the line's team's opening hours and on Dutch
holidays (routing.hours) a voicemail becomes a callback request. One URL, the step in the
query (?step=wait|gather|queue|status|voicemail), every request signed and checked with the
twilio library's RequestValidator, under the line's auth token or, until the line's
`previous_valid_until`, its previous token (a rotation, or Twilio's secondary token).

Every step is also stored through intake.accept as a phone event, so the call record, the
call log and the screen-pop are the same as for a PBX posting CTI events.
"""

import json
import time

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.voice_response import Gather, VoiceResponse

from bereikbaar.channels.voice import callbacks
from bereikbaar.channels.voice.cti import e164
from bereikbaar.channels.voice.erlang import live_estimate, spoken_minutes
from bereikbaar.channels.voice.models import CallbackRequest, Line
from bereikbaar.contacts.normalise import InvalidIdentity
from bereikbaar.intake.accept import accept
from bereikbaar.routing import hours
from bereikbaar.routing.assign import default_team

VOICE = {"language": "nl-NL", "voice": "Polly.Lotte"}
QUEUE = "klantenservice"
HOLD_SECONDS = 25
STEPS = {"", "wait", "gather", "queue", "status", "voicemail"}


@csrf_exempt
@require_POST
def voice(request: HttpRequest) -> HttpResponse:
    params = request.POST
    line = signed_line(request, params)
    if line is None:
        return HttpResponse("X-Twilio-Signature does not match", status=403)
    step = request.GET.get("step", "")
    if step not in STEPS or not params.get("CallSid"):
        return HttpResponse("unknown step or no CallSid", status=400)
    flat = {k: params.get(k, "") for k in params}
    if step == "status":  # a call we placed names its agent in the (signed) callback URL
        flat["_agent"] = request.GET.get("agent", "")[:150]
    try:
        answer = STEP_VIEWS[step](request, line, flat)
    except DatabaseError:
        return HttpResponse("could not store the call; retry later", status=503)
    return HttpResponse(str(answer), content_type="text/xml")


def incoming(request: HttpRequest, line: Line, params: dict) -> VoiceResponse:
    response = VoiceResponse()
    number = e164(params.get("From", ""))
    if number and number in set(line.blocked or []):
        record(line, params, "incoming", rejected=True)
        response.reject(reason="busy")
        return response
    record(line, params, "incoming")
    if not hours.is_open(now(), line.team or default_team()):
        response.say(
            f"Welkom bij {line.name}. We zijn nu gesloten. Spreek na de piep uw naam en "
            "uw vraag in; we bellen u de volgende werkdag terug.",
            **VOICE,
        )
        response.record(
            action=_url(request, "voicemail"), max_length=120, play_beep=True, timeout=5
        )
        response.say("We hebben geen bericht gehoord. Tot ziens.", **VOICE)
        return response
    response.say(f"Welkom bij {line.name}. We verbinden u met een medewerker.", **VOICE)
    response.enqueue(QUEUE, wait_url=_url(request, "wait"), action=_url(request, "queue"))
    return response


def wait(request: HttpRequest, line: Line, params: dict) -> VoiceResponse:
    """Twilio's waitUrl, played again and again while the caller is in the queue."""
    response = VoiceResponse()
    gather = Gather(num_digits=1, action=_url(request, "gather"), timeout=HOLD_SECONDS)
    gather.say(spoken_minutes(live_estimate(line)), **VOICE)
    if e164(params.get("From", "")):
        gather.say("Liever teruggebeld worden? Druk dan op 1.", **VOICE)
    gather.pause(length=HOLD_SECONDS)
    response.append(gather)
    return response


def gather(request: HttpRequest, line: Line, params: dict) -> VoiceResponse:
    response = VoiceResponse()
    if params.get("Digits") != "1":
        response.say("Blijft u aan de lijn, u bent zo aan de beurt.", **VOICE)
        return response  # back to the queue's wait music
    try:
        callbacks.request_callback(
            params.get("From", ""), source=CallbackRequest.Source.IVR, note=params["CallSid"]
        )
    except InvalidIdentity:
        response.say("Uw nummer is afgeschermd; we kunnen u helaas niet terugbellen.", **VOICE)
        return response
    record(line, params, "callback")
    response.say("Dank u. We bellen u zo snel mogelijk terug op dit nummer. Tot ziens.", **VOICE)
    response.hangup()
    return response


def queue_result(request: HttpRequest, line: Line, params: dict) -> VoiceResponse:
    record(line, params, "queue")
    return VoiceResponse()


def status(request: HttpRequest, line: Line, params: dict) -> VoiceResponse:
    record(line, params, "status")
    return VoiceResponse()


def voicemail(request: HttpRequest, line: Line, params: dict) -> VoiceResponse:
    response = VoiceResponse()
    record(line, params, "voicemail")
    try:
        callbacks.request_callback(
            params.get("From", ""),
            source=CallbackRequest.Source.VOICEMAIL,
            note=params.get("RecordingUrl", ""),
        )
    except InvalidIdentity:
        pass  # an anonymous voicemail stays in the call record
    response.say("Dank u voor uw bericht. We bellen u terug. Tot ziens.", **VOICE)
    response.hangup()
    return response


STEP_VIEWS = {
    "": incoming,
    "wait": wait,
    "gather": gather,
    "queue": queue_result,
    "status": status,
    "voicemail": voicemail,
}


def record(line: Line, params: dict, step: str, rejected: bool = False) -> None:
    stored = {
        "line": line.pk,
        "received": time.time(),
        "twilio": {**params, "_step": step},
        "rejected": rejected,
    }
    key = f"twilio:{params['CallSid']}:{step}:{params.get('CallStatus', '')}"
    accept(
        "phone",
        key,
        json.dumps(stored).encode(),
        order_key=f"call:{line.pk}:{params['CallSid']}",
    )


def signed_line(request: HttpRequest, params) -> Line | None:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return None
    algorithm = get_signature_algorithm(
        request.headers.get("X-Twilio-Webhooks-Signature-Settings", "")
    )
    lines = list(Line.objects.filter(kind=Line.Kind.TWILIO).exclude(auth_token=""))
    to = e164(params.get("To", ""))
    lines.sort(key=lambda line: line.number != to)  # the dialled number's line first
    at = timezone.now()  # the real clock: `now` below is the line's hours, patched in tests
    for line in lines:
        url = public_url(request, line)
        for token in line.webhook_tokens(at):
            if RequestValidator(token).validate(url, params, signature, algorithm):
                return line
    return None


def public_url(request: HttpRequest, line: Line) -> str:
    if line.public_url:
        return line.public_url.rstrip("/") + request.get_full_path()
    return request.build_absolute_uri()


def now():
    return timezone.now()


def _url(request: HttpRequest, step: str) -> str:
    return f"{request.path}?step={step}"


@require_GET
def wait_estimate(request: HttpRequest) -> JsonResponse:
    """GET /channels/voice/wait: the phone's honest expected wait now (public)."""
    estimate = live_estimate()
    return JsonResponse(
        {
            "seconds": None if estimate.seconds is None else round(estimate.seconds),
            "agents": estimate.agents,
            "waiting": estimate.waiting,
            "probability_wait": round(estimate.probability_wait, 3),
            "handle_seconds": round(estimate.handle_seconds),
        }
    )
