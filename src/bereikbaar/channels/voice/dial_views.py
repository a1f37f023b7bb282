"""The agents' click-to-call buttons: "bel terug" in the callback queue and "bel" beside a
contact's phone number. Both place the call through the line (dial.py) and answer with a short
status the button shows (htmx) or a page (no JS). With no line that can dial out, the agent's
own softphone takes the tel: link, as before click-to-call was set up.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from bereikbaar.channels.voice import callbacks
from bereikbaar.channels.voice.dial import DialError, dialling_line, place_call
from bereikbaar.channels.voice.models import CallbackRequest


@login_required
@require_POST
def callback_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(CallbackRequest, pk=pk, status=CallbackRequest.Status.OPEN)
    if dialling_line(callback.call.line if callback.call_id else None) is None:
        callbacks.start_attempt(callback, request.user)
        return _softphone(request, callback.number)
    return _dial(request, callback.number, callback)


@login_required
@require_POST
def dial_number(request: HttpRequest) -> HttpResponse:
    """A call from a contact's panel (or any number the agent types)."""
    number = request.POST.get("number", "")[:64]
    if dialling_line() is None:
        return _softphone(request, number)
    return _dial(request, number, None)


def _dial(request: HttpRequest, number: str, callback: CallbackRequest | None) -> HttpResponse:
    try:
        call = place_call(request.user, number, callback=callback)
    except DialError as exc:
        return _answer(request, {"error": exc.message, "number": number}, exc.status)
    return _answer(request, {"call": call, "number": call.number}, 200)


def _answer(request: HttpRequest, context: dict, status: int) -> HttpResponse:
    template = "voice/_dialling.html" if request.htmx else "voice/dialling.html"
    return render(request, template, context, status=status)


def _softphone(request: HttpRequest, number: str) -> HttpResponse:
    response = HttpResponse(status=204 if request.htmx else 302)
    if request.htmx:
        response["HX-Redirect"] = f"tel:{number}"
    else:
        response["Location"] = f"tel:{number}"
    return response
