"""/simulator/gesprek/: the simulated call's state as the page shows it (GET, a fragment the page
refreshes) and the person's buttons (POST): "ophangen" and "laat opnemen door …"."""

from datetime import UTC, datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.demo import simulator_call
from bereikbaar.demo.access import staff_or_agent
from bereikbaar.demo.self_http import target_for
from bereikbaar.demo.simulator_form import agent_logins
from bereikbaar.demo.simulator_send import SendError
from bereikbaar.demo.views import SESSION_KEY


@staff_or_agent
@require_http_methods(["GET", "POST"])
def call(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        act(request)
        return redirect("demo:simulator")
    return render(request, "demo/call.html", call_context(request))


def act(request: HttpRequest) -> None:
    sim = _current(request)
    if sim is None:
        messages.error(request, _("Er is geen gesprek om te bedienen."))
        return
    action = request.POST.get("action", "")
    try:
        if action == "hangup":
            done = simulator_call.hang_up(sim)
        elif action == "answer" and (agent := request.POST.get("agent", "")) in agent_logins():
            done = simulator_call.answer(sim, agent)
        else:
            messages.error(request, _("Onbekende actie of agent."))
            return
    except SendError as exc:
        messages.error(request, str(exc))
        return
    if not done:
        messages.error(request, _("Dat kan niet meer: het gesprek is al verder."))


def call_context(request: HttpRequest) -> dict:
    sim = _current(request)
    if sim is None:
        return {"sim": None}
    line_id = request.session[SESSION_KEY]["call"]["line"]
    record = (
        Call.objects.filter(line_id=line_id, call_id=sim.call_id)
        .select_related("answered_by")
        .first()
    )
    return {
        "sim": sim,
        "record": record,
        # a clock time, not a countdown: the live region then changes only when the call does
        "due_at": datetime.fromtimestamp(sim.due, tz=UTC) if sim.plan else None,
        "logins": agent_logins() if sim.phase == simulator_call.RINGING else [],
    }


def _current(request: HttpRequest) -> simulator_call.SimCall | None:
    ref = request.session.get(SESSION_KEY, {}).get("call")
    if not ref:
        return None
    line = Line.objects.filter(pk=ref["line"]).first()
    if line is None:
        return None
    return simulator_call.find(ref["call_id"], line, target_for(request))
