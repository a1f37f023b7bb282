"""Click-to-dial through the PBX (3CX, Asterisk and most cloud PBXs offer one): POST JSON
{"extension", "number", "callId"} to the line's dial_url; the PBX rings the agent's extension,
then the customer, and posts CTI events for the call as for any other.

The contract: any 2xx is "dialling"; a JSON answer may carry the PBX's own {"callId"}, which
its CTI events will then use. Credentials, when the PBX wants them, go in the URL (basic auth)
or come from the line's token as a bearer header.
"""

import requests
from django.utils.translation import gettext as _

from bereikbaar.channels.voice.errors import DialError
from bereikbaar.channels.voice.models import Line

TIMEOUT = 10


def dial(line: Line, number: str, extension: str, call_id: str) -> str:
    """Ask the PBX to connect `extension` with `number`; the call id its events will carry."""
    body = {"extension": extension, "number": number, "callId": call_id}
    try:
        response = requests.post(
            line.dial_url,
            json=body,
            headers={"Authorization": f"Bearer {line.token}"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise DialError(
            _("de telefooncentrale is niet bereikbaar: %(error)s") % {"error": exc}, 503
        ) from None
    if response.status_code == 429:
        raise DialError(_("de telefooncentrale is even te druk (429); probeer het zo weer"), 429)
    if not response.ok:
        said = " ".join(response.text.split())[:200]
        raise DialError(
            _("de telefooncentrale weigerde (%(status)s): %(said)s")
            % {"status": response.status_code, "said": said},
            502,
        )
    return _call_id(response) or call_id


def _call_id(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    value = data.get("callId") if isinstance(data, dict) else None
    return str(value)[:200] if value else ""
