"""Posting to this very server, as Meta, Twilio or a PBX would.

The simulator runs inside a request of the server it posts to. Under uvicorn that is safe to
wait for: Django's ASGI handler gives every request its own ThreadSensitiveContext, so each
request's sync view runs in a thread of its own and the webhook's request does not queue behind
the simulator's (tests/demo checks this against a real `bereikbaar serve`). A call's later
events are posted from timer threads, after the page has answered.

We connect to the socket the browser's request arrived on (SERVER_NAME and SERVER_PORT: under
ASGI the server's own local address, not a proxy's) and send the Host the browser used, which
ALLOWED_HOSTS already accepts. The setting BEREIKBAAR_SIMULATOR_URL overrides both, for a server
reachable only through a proxy, and for tests that drive the view with Django's test client.
"""

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

TIMEOUT = 10


class Unreachable(Exception):
    """The server could not be reached over HTTP; the text is for the person."""


@dataclass(frozen=True)
class Target:
    connect: str  # where the socket goes, e.g. http://127.0.0.1:8000
    host: str  # the Host header, as the server will see itself

    @property
    def base_url(self) -> str:
        """How the server will rebuild its own URL (Twilio's signature is over it)."""
        return f"http://{self.host}"


def target_for(request: HttpRequest) -> Target:
    override = settings.BEREIKBAAR_SIMULATOR_URL
    if override:
        parts = urlsplit(override)
        return Target(connect=f"{parts.scheme}://{parts.netloc}", host=parts.netloc)
    name = request.META.get("SERVER_NAME") or "127.0.0.1"
    if ":" in name and not name.startswith("["):  # an IPv6 address
        name = f"[{name}]"
    port = request.META.get("SERVER_PORT") or "80"
    return Target(connect=f"http://{name}:{port}", host=request.get_host())


def post(target: Target, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """(status, body) of the answer, also for 4xx and 5xx; Unreachable when there is none."""
    parts = urlsplit(target.connect)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT)
    try:
        conn.request("POST", path, body=body, headers={**headers, "Host": target.host})
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        raise Unreachable(
            _("Deze server is niet bereikbaar op %(url)s: %(reason)s")
            % {"url": target.connect, "reason": exc}
        ) from None
    finally:
        conn.close()
