"""The customer simulator at /simulator/.

A person plays a customer on the API channel: the form builds the same JSON a customer's system
would POST to /api/v1/inbound and hands it to the same accept_api_message(), so the message goes
the real way (durable row, intake worker, routing). The page then shows the conversation as the
customer sees it, refreshed every few seconds. /simulator/callback is where the API channel can
deliver agent replies (BEREIKBAAR_API_CALLBACK_URL), checking the signature when a secret is set.
"""

import hmac
import json
import logging
import threading
import uuid
from collections import OrderedDict
from functools import wraps
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bereikbaar.channels.api.inbound import accept_api_message
from bereikbaar.channels.api.payload import InvalidPayload
from bereikbaar.channels.api.sender import signature
from bereikbaar.contacts.models import Identity
from bereikbaar.contacts.normalise import InvalidIdentity, normalise
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
from bereikbaar.routing.models import AgentProfile

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_KEY = "demo_simulator"
THREAD_LIMIT = 40


def _render(request: HttpRequest, name: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, name, context, status=status)


def staff_or_agent(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_staff or AgentProfile.objects.filter(user=user).exists()):
            return HttpResponseForbidden(
                _("De klantsimulator is alleen voor agenten en beheerders.")
            )
        return view(request, *args, **kwargs)

    return wrapper


CHANNELS = [
    ("api", gettext_lazy("API-kanaal (zoals POST /api/v1/inbound)")),
    ("email", gettext_lazy("E-mail (echte SMTP naar onze ontvanger)")),
]


class CustomerForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Kanaal"), choices=CHANNELS, initial="api", required=False
    )
    name = forms.CharField(label=gettext_lazy("Naam"), max_length=200, required=False)
    address = forms.CharField(
        label=gettext_lazy("E-mailadres of telefoonnummer"),
        max_length=320,
        help_text=gettext_lazy("Hiermee herkent bereikbaar de klant, ook bij een volgend bericht."),
    )
    text = forms.CharField(
        label=gettext_lazy("Bericht"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=64 * 1024,
    )

    def clean_address(self) -> tuple[str, str]:
        raw = self.cleaned_data["address"].strip()
        kind = "email" if "@" in raw else "phone"
        try:
            return kind, normalise(kind, raw)
        except InvalidIdentity:
            if kind == "email":
                raise forms.ValidationError(_("Dit is geen geldig e-mailadres.")) from None
            raise forms.ValidationError(_("Dit is geen geldig telefoonnummer.")) from None

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(_("Schrijf een bericht."))
        return text

    def clean(self) -> dict:
        data = super().clean()
        data["channel"] = data.get("channel") or "api"
        kind = (data.get("address") or ("", ""))[0]
        if data.get("channel") == "email" and kind and kind != "email":
            self.add_error("address", _("Een e-mail heeft een e-mailadres nodig."))
        return data


def send_email(name: str, address: str, text: str) -> int | None:
    """Mail the support inbox through the running SMTP receiver; returns the Inbound id."""
    from bereikbaar.channels.email.ids import dedupe_key
    from bereikbaar.channels.email.models import EmailInbox
    from bereikbaar.channels.email.simulate import compose, send

    inbox = EmailInbox.objects.filter(enabled=True).order_by("id").first()
    if inbox is None:
        raise InvalidPayload(_("Er is nog geen e-mailinbox: bereikbaar channel add email …"))
    subject = text.strip().splitlines()[0][:80]
    mail = compose(address, name, inbox.address, subject, text)
    try:
        message_id = send(mail, settings.BEREIKBAAR_SMTP_PORT)
    except OSError as exc:
        refused = _("De SMTP-ontvanger weigerde of is niet bereikbaar: %s") % exc
        raise InvalidPayload(refused) from None
    key = dedupe_key(message_id, mail.as_bytes())
    row = Inbound.objects.filter(channel="email", dedupe_key=key).only("id").first()
    return row.pk if row else None


def build_body(name: str, kind: str, value: str, text: str) -> bytes:
    """The JSON a customer's system would POST to /api/v1/inbound."""
    sender = {"name": name, kind: value} if name else {kind: value}
    body = {"external_id": f"simulator-{uuid.uuid4()}", "from": sender, "text": text}
    return json.dumps(body).encode()


@staff_or_agent
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    state = request.session.get(SESSION_KEY, {})
    if request.method == "POST":
        form = CustomerForm(request.POST)
        if form.is_valid():
            kind, value = form.cleaned_data["address"]
            name = form.cleaned_data["name"].strip()
            text = form.cleaned_data["text"]
            try:
                if form.cleaned_data["channel"] == "email":
                    accepted_id = send_email(name, value, text)
                else:
                    accepted_id = accept_api_message(build_body(name, kind, value, text)).id
            except InvalidPayload as exc:
                form.add_error(None, str(exc))
            else:
                request.session[SESSION_KEY] = {
                    "name": name,
                    "kind": kind,
                    "value": value,
                    "accepted": accepted_id,
                    "channel": form.cleaned_data["channel"],
                }
                return redirect("demo:simulator")
        status = 400
    else:
        initial = {
            "name": state.get("name", ""),
            "address": state.get("value", ""),
            "channel": state.get("channel", "api"),
        }
        form = CustomerForm(initial=initial)
        status = 200
    context = {"form": form, **_thread_context(state)}
    return _render(request, "demo/simulator.html", context, status=status)


@staff_or_agent
@require_GET
def thread(request: HttpRequest) -> HttpResponse:
    """The fragment the page fetches every few seconds."""
    state = request.session.get(SESSION_KEY, {})
    return _render(request, "demo/thread.html", _thread_context(state))


def _thread_context(state: dict) -> dict:
    context: dict = {"customer": state.get("value", ""), "messages": [], "accepted": None}
    if accepted_id := state.get("accepted"):
        context["accepted"] = (
            Inbound.objects.filter(pk=accepted_id)
            .only("id", "status", "conversation_id", "error")
            .first()
        )
    if not state.get("value"):
        return context
    identity = (
        Identity.objects.filter(kind=state["kind"], value=state["value"])
        .select_related("contact")
        .first()
    )
    if identity is None:
        return context
    messages = list(
        Message.objects.filter(conversation__contact_id=identity.contact_id)
        .exclude(direction=Message.Direction.NOTE)
        .select_related("author")
        .order_by("-created_at", "-id")[:THREAD_LIMIT]
    )
    messages.reverse()
    delivered = received_callbacks()
    for message in messages:
        message.via_callback = message.pk in delivered
    context["messages"] = messages
    context["replies"] = sum(1 for m in messages if m.direction == Message.Direction.OUTBOUND)
    context["contact"] = identity.contact
    return context


# --- the API channel's reply callback ---------------------------------------------------------

_received: OrderedDict[int, str] = OrderedDict()
_received_lock = threading.Lock()
_RECEIVED_MAX = 1000


def received_callbacks() -> set[int]:
    """Ids of messages the API channel delivered here (kept in this process's memory)."""
    with _received_lock:
        return set(_received)


@csrf_exempt
@require_POST
def callback(request: HttpRequest) -> JsonResponse:
    body = request.body
    if secret := settings.BEREIKBAAR_API_CALLBACK_SECRET:
        given = request.headers.get("X-Bereikbaar-Signature", "")
        if not hmac.compare_digest(given.encode(), signature(secret, body).encode()):
            return JsonResponse({"error": "invalid_signature"}, status=403)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "invalid", "message": "the body is not JSON"}, status=400)
    if not isinstance(data, dict) or not isinstance(data.get("message_id"), int):
        return JsonResponse(
            {"error": "invalid", "message": "expected an object with message_id"}, status=400
        )
    with _received_lock:
        _received[data["message_id"]] = timezone.now().isoformat()
        while len(_received) > _RECEIVED_MAX:
            _received.popitem(last=False)
    log.info(
        "simulator: reply %s for conversation %s received",
        data["message_id"],
        data.get("conversation_id"),
    )
    return JsonResponse({"ok": True, "message_id": data["message_id"]})
