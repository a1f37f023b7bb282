"""POST /simulator/demo-kanaal/: staff create a demo WhatsApp number, Twilio number or CTI line
with made-up credentials, so the simulator can play that channel without a real provider.
Labelled as such on the page; agents who are not staff get the set-up command instead."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bereikbaar.demo.access import staff_or_agent
from bereikbaar.demo.simulator_accounts import DEMO_LABEL, create_demo


@staff_or_agent
@require_POST
def demo_channel(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        return HttpResponseForbidden(_("Alleen beheerders maken kanalen aan."))
    channel = request.POST.get("channel", "")
    if channel not in DEMO_LABEL:
        return HttpResponse(_("Onbekend kanaal."), status=400)
    create_demo(channel)
    messages.success(request, _("Demokanaal aangemaakt (nepgegevens, alleen voor de simulator)."))
    return redirect("demo:simulator")
