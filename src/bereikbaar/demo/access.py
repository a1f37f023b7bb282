"""Who may play a customer: agents and staff. A simulator posts real, signed webhooks into the
organisation's channels, so customers and strangers must never reach it."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseForbidden
from django.utils.translation import gettext as _

from bereikbaar.routing.models import AgentProfile


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
