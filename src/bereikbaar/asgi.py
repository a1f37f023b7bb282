"""ASGI entry: HTTP (with the inbound fast path) and the agents' WebSockets in one process."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bereikbaar.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from bereikbaar.api import fastpath  # noqa: E402
from bereikbaar.channels.webchat import routing as webchat  # noqa: E402
from bereikbaar.channels.whatsapp import fastpath as whatsapp_door  # noqa: E402
from bereikbaar.inbox.routing import websocket_urlpatterns  # noqa: E402


async def http(scope, receive, send):
    # the webhook doors that only check and store skip Django's request cycle (fastdoor.py)
    for door in (fastpath, whatsapp_door):
        if door.matches(scope):
            return await door.app(scope, receive, send)
    return await django_http(scope, receive, send)


agents_ws = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter(websocket_urlpatterns + webchat.agent_urlpatterns))
)


async def websocket(scope, receive, send):
    # The chat widget is embedded on other sites: its socket is token-based, any origin.
    if scope["path"] == webchat.VISITOR_PATH:
        return await webchat.visitor_app(scope, receive, send)
    return await agents_ws(scope, receive, send)


application = ProtocolTypeRouter({"http": http, "websocket": websocket})
