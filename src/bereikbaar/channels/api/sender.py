"""The API channel's sender: POSTs the reply as signed JSON to the configured callback URL."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings

from bereikbaar.conversations.models import Message
from bereikbaar.delivery.senders import SendError

TIMEOUT = 10


def signature(secret: str, body: bytes) -> str:
    """HMAC-SHA256 of the body, so the receiver can tell the call came from us."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send(message: Message) -> str:
    url = settings.BEREIKBAAR_API_CALLBACK_URL
    if not url:
        raise SendError(
            "no callback URL for the API channel: set BEREIKBAAR_API_CALLBACK_URL", permanent=True
        )
    identities = message.conversation.contact.identities.values_list("kind", "value")
    body = json.dumps(
        {
            "message_id": message.pk,
            "conversation_id": message.conversation_id,
            "to": [{"kind": k, "value": v} for k, v in identities],
            "text": message.text,
        }
    ).encode()
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 (http(s) URL from settings)
    request.add_header("Content-Type", "application/json")
    request.add_header("Idempotency-Key", f"bereikbaar-message-{message.pk}")
    if secret := settings.BEREIKBAAR_API_CALLBACK_SECRET:
        request.add_header("X-Bereikbaar-Signature", signature(secret, body))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return f"api-out-{message.pk}-{response.status}"
    except urllib.error.HTTPError as exc:
        raise SendError(f"callback answered {exc.code}", permanent=400 <= exc.code < 500) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(f"callback unreachable: {exc}") from None
