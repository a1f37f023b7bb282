"""The customer simulator at /simulator/: a person plays a customer and sees the agents' answers.

The form picks the channel and hands the message to simulator_send (or, for a phone call, to
simulator_call), which always takes the real way in: a durable row, the intake worker, routing.
The page then shows the conversation as the customer sees it, refreshed every few seconds
(thread fragment), and the call's state (call_views).
"""

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from bereikbaar.contacts.models import Identity
from bereikbaar.conversations.models import Message
from bereikbaar.demo import simulator_accounts, simulator_call, simulator_send
from bereikbaar.demo.access import staff_or_agent
from bereikbaar.demo.callback_view import received_callbacks
from bereikbaar.demo.self_http import target_for
from bereikbaar.demo.simulator_form import CustomerForm
from bereikbaar.intake.models import Inbound

SESSION_KEY = "demo_simulator"
THREAD_LIMIT = 40


@staff_or_agent
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest) -> HttpResponse:
    state = request.session.get(SESSION_KEY, {})
    if request.method == "POST":
        form = CustomerForm(request.POST)
        if form.is_valid():
            try:
                new_state = send(request, form.cleaned_data)
            except simulator_send.SendError as exc:
                form.add_error(None, str(exc))
            else:
                request.session[SESSION_KEY] = new_state
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
    context = {
        "form": form,
        "missing": simulator_accounts.missing(),
        "demo_labels": simulator_accounts.DEMO_LABEL,
        # `messages` is the conversation's (thread.html); Django's notices go by another name
        "notices": get_messages(request),
        **_thread_context(state),
    }
    return render(request, "demo/simulator.html", context, status=status)


def send(request: HttpRequest, data: dict) -> dict:
    """Send what the form says; the session state the page follows from now on."""
    kind, value = data["address"]
    name, text, channel = data["name"].strip(), data["text"], data["channel"]
    state = {"name": name, "kind": kind, "value": value, "channel": channel, "accepted": None}
    if channel == "email":
        state["accepted"] = simulator_send.send_email(name, value, text)
    elif channel == "whatsapp":
        state["accepted"] = simulator_send.send_whatsapp(target_for(request), name, value, text)
    elif channel == "sms":
        state["accepted"] = simulator_send.send_sms(target_for(request), value, text)
    elif channel == "phone":
        line = simulator_accounts.cti_line()
        if line is None:
            raise simulator_send.SendError(simulator_accounts.HOW_TO["phone"])
        sim = simulator_call.start(
            target_for(request),
            line,
            value,
            data["ring_seconds"],
            data["then"],
            data["talk_seconds"],
        )
        state["call"] = {"line": line.pk, "call_id": sim.call_id}
    else:
        state["accepted"] = simulator_send.send_api(name, kind, value, text)
    return state


@staff_or_agent
@require_GET
def thread(request: HttpRequest) -> HttpResponse:
    """The fragment the page fetches every few seconds."""
    state = request.session.get(SESSION_KEY, {})
    return render(request, "demo/thread.html", _thread_context(state))


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
